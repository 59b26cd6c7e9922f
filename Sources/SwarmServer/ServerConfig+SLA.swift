import Foundation
import SwarmCore
import SwarmProtocol

/// SLA policies and calendars from `[sla.policy.NAME]` and `[sla.calendar.NAME]` sections
/// (PROTOCOL §24). Every key is checked at start-up; a mistake names the key.
extension ServerConfig {
    static let slaPolicyKeys: Set<String> = [
        "order", "channel", "public", "priority", "tier", "first_response_minutes", "next_response_minutes", "resolution_hours", "calendar",
    ]
    static let slaCalendarKeys: Set<String> = Set(["time_zone", "holidays"] + BusinessCalendar.weekdayKeys.map(\.key))

    static func isSLASetting(_ key: String) -> Bool {
        key.hasPrefix("sla.policy.") || key.hasPrefix("sla.calendar.")
    }

    /// Builds the policies (and the calendars they name) from the raw settings.
    static func buildSLAPolicies(from settings: [String: TOMLSubset.Value]) throws -> [SLAPolicy] {
        var calendarFields: [String: [String: TOMLSubset.Value]] = [:]
        var policyFields: [String: [String: TOMLSubset.Value]] = [:]
        for (key, value) in settings {
            let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4, Names.isValid(parts[2], maxLength: 64) else {
                throw ConfigError(description: "\(key): expected [sla.policy.NAME] or [sla.calendar.NAME] with NAME like x_urgent, then KEY = value")
            }
            let (name, field) = (parts[2], parts[3])
            if parts[1] == "policy" {
                guard slaPolicyKeys.contains(field) else { throw ConfigError(description: "\(key): unknown key (one of \(slaPolicyKeys.sorted().joined(separator: ", ")))") }
                policyFields[name, default: [:]][field] = value
            } else {
                guard slaCalendarKeys.contains(field) else { throw ConfigError(description: "\(key): unknown key (one of \(slaCalendarKeys.sorted().joined(separator: ", ")))") }
                calendarFields[name, default: [:]][field] = value
            }
        }
        var calendars: [String: BusinessCalendar] = ["24x7": .always]
        for (name, fields) in calendarFields.sorted(by: { $0.key < $1.key }) {
            calendars[name] = try calendar(name, fields)
        }
        return try policyFields.sorted(by: { $0.key < $1.key }).map { name, fields in try policy(name, fields, calendars) }
    }

    static func calendar(_ name: String, _ fields: [String: TOMLSubset.Value]) throws -> BusinessCalendar {
        let prefix = "sla.calendar.\(name)"
        func field<T>(_ key: String, _ read: (TOMLSubset.Value) throws -> T) throws -> T? {
            guard let v = fields[key] else { return nil }
            do { return try read(v) } catch { throw ConfigError(description: "\(prefix).\(key): \(error)") }
        }
        guard let zoneName = try field("time_zone", { try $0.stringValue() }) else {
            throw ConfigError(description: "\(prefix).time_zone: missing (e.g. \"Europe/Rome\")")
        }
        guard let zone = TimeZone(identifier: zoneName) else { throw ConfigError(description: "\(prefix).time_zone: unknown time zone \"\(zoneName.prefix(60))\"") }
        var week = Array(repeating: [BusinessCalendar.Interval](), count: 8)
        for (key, weekday) in BusinessCalendar.weekdayKeys {
            week[weekday] = try field(key) { try BusinessCalendar.parseIntervals(try $0.stringsValue()) } ?? []
        }
        guard week.contains(where: { !$0.isEmpty }) else { throw ConfigError(description: "\(prefix): no open hours on any day (give mon = [\"09:00-18:00\"], …)") }
        let holidays = try field("holidays") { try Set($0.stringsValue().map(BusinessCalendar.validHoliday)) } ?? []
        return BusinessCalendar(name: name, timeZone: zone, week: week, holidays: holidays)
    }

    static func policy(_ name: String, _ fields: [String: TOMLSubset.Value], _ calendars: [String: BusinessCalendar]) throws -> SLAPolicy {
        let prefix = "sla.policy.\(name)"
        func field<T>(_ key: String, _ read: (TOMLSubset.Value) throws -> T) throws -> T? {
            guard let v = fields[key] else { return nil }
            do { return try read(v) } catch { throw ConfigError(description: "\(prefix).\(key): \(error)") }
        }
        let minutes: (TOMLSubset.Value) throws -> TimeInterval = { TimeInterval(try $0.intValue(in: 1...525_600)) * 60 }
        let priorities: [CasePriority] = try field("priority") { v -> [CasePriority] in
            try v.stringsValue().map { p -> CasePriority in
                guard let priority = CasePriority(rawValue: p.lowercased()) else { throw ConfigError(description: "\"\(p.prefix(20))\" is not low, normal, high or urgent") }
                return priority
            }
        } ?? []
        let calendarName = try field("calendar") { try $0.stringValue() } ?? "24x7"
        guard let calendar = calendars[calendarName] else {
            throw ConfigError(description: "\(prefix).calendar: unknown calendar \"\(calendarName.prefix(64))\" (define [sla.calendar.\(calendarName.prefix(64))] or use 24x7)")
        }
        let policy = SLAPolicy(
            name: name,
            order: try field("order") { try $0.intValue(in: 0...1_000_000) } ?? 0,
            channel: try field("channel") { try $0.stringValue() },
            isPublic: try field("public") { try $0.boolValue() },
            priorities: priorities,
            tiers: try field("tier") { try $0.stringsValue() } ?? [],
            firstResponse: try field("first_response_minutes", minutes),
            nextResponse: try field("next_response_minutes", minutes),
            resolution: try field("resolution_hours") { TimeInterval(try $0.intValue(in: 1...87_600)) * 3600 },
            calendar: calendar)
        guard policy.firstResponse != nil || policy.nextResponse != nil || policy.resolution != nil else {
            throw ConfigError(description: "\(prefix): no target (give first_response_minutes, next_response_minutes or resolution_hours)")
        }
        return policy
    }
}

extension TOMLSubset.Value {
    func boolValue() throws -> Bool {
        switch self {
        case .bool(let b): return b
        case .string("true"): return true
        case .string("false"): return false
        default: throw ServerConfig.ConfigError(description: "expected true or false")
        }
    }

}
