import ArgumentParser
import Foundation
import SwarmStore

/// Reads articles for `admin kb import` from a JSONL file or a directory of Markdown files. Each
/// record remembers where it came from, so every refusal (here or in the store) names its line or
/// file.
enum KBSource {
    struct Origin {
        var label: String
        var order: Int
    }

    struct Parsed {
        var records: [(origin: Origin, record: KBArticleRecord)] = []
        var failures: [(Origin, String)] = []
    }

    static func read(_ path: String) throws -> Parsed {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw ValidationError("no such file or directory: \(path)") }
        return isDirectory.boolValue ? try markdownDirectory(path) : try jsonLines(path)
    }

    // MARK: JSONL

    static func jsonLines(_ path: String) throws -> Parsed {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoder = JSONDecoder()
        var parsed = Parsed()
        var number = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            let origin = Origin(label: "line \(number)", order: number)
            // Blank lines (and the one after the final newline) are not articles.
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            do {
                parsed.records.append((origin, try decoder.decode(KBArticleRecord.self, from: line)))
            } catch let error as DecodingError {
                parsed.failures.append((origin, reason(error)))
            }
        }
        return parsed
    }

    /// A decoding error in the words of the file format, not Foundation's debug description.
    static func reason(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, _): return "missing \(key.stringValue)"
        case .valueNotFound(_, let c): return "\(path(c.codingPath)) is null"
        case .typeMismatch(_, let c) where c.codingPath.isEmpty: return "not a JSON object"
        case .typeMismatch(let type, let c): return "\(path(c.codingPath)) must be \(type == String.self ? "a string" : "a list of strings")"
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not valid JSON" : "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "not a valid article"
        }
    }

    // MARK: Markdown

    static func markdownDirectory(_ path: String) throws -> Parsed {
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.lowercased().hasSuffix(".md") }.sorted()
        var parsed = Parsed()
        for (i, name) in names.enumerated() {
            let origin = Origin(label: name, order: i)
            guard let data = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent(name)),
                  let text = String(data: data, encoding: .utf8) else {
                parsed.failures.append((origin, "not readable as UTF-8 text"))
                continue
            }
            do {
                parsed.records.append((origin, try markdown(text, fileName: name)))
            } catch let error as ValidationError {
                parsed.failures.append((origin, error.message))
            }
        }
        return parsed
    }

    /// Front matter (`key: value` lines between `---` lines) gives title, tags, language, audience
    /// and state; without a title there, the first `# Heading` is the title and is left out of the
    /// body; without either, the file name is.
    static func markdown(_ text: String, fileName: String) throws -> KBArticleRecord {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        var meta: [String: String] = [:]
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
            guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
                throw ValidationError("front matter has no closing --- line")
            }
            for line in lines[1..<end] where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let colon = line.firstIndex(of: ":") else { throw ValidationError("front matter line without key: value: \(line.prefix(40))") }
                meta[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] = unquote(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            lines.removeSubrange(0...end)
        }
        var title = meta["title"].flatMap { $0.isEmpty ? nil : $0 }
        if title == nil, let h = lines.firstIndex(where: { $0.hasPrefix("# ") }) {
            title = lines[h].dropFirst(2).trimmingCharacters(in: .whitespaces)
            lines.remove(at: h)
        }
        let stem = (fileName as NSString).deletingPathExtension
        func list(_ key: String) -> [String]? {
            meta[key].map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",").map { unquote($0.trimmingCharacters(in: .whitespaces)) } }
        }
        return KBArticleRecord(title: title ?? stem, body: lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
                               tags: list("tags"), products: list("products"), language: meta["language"], audience: meta["audience"],
                               state: meta["state"])
    }

    static func unquote(_ s: String) -> String {
        guard s.count >= 2, let f = s.first, f == s.last, f == "\"" || f == "'" else { return s }
        return String(s.dropFirst().dropLast())
    }
}
