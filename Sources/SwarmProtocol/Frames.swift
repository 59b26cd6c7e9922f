/// The three frame shapes of wire protocol v1. See protocol/PROTOCOL.md.

/// Only the envelope of a request; `data` is decoded separately once the op is known.
public struct RequestEnvelope: Decodable, Sendable {
    public var id: String
    public var op: String

    public init(id: String, op: String) {
        self.id = id
        self.op = op
    }
}

/// Decodes the `data` member of a request as `T`; a missing `data` decodes from `{}`.
public struct RequestData<T: Decodable>: Decodable {
    public var data: T

    enum CodingKeys: String, CodingKey { case data }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.data), try !c.decodeNil(forKey: .data) {
            data = try c.decode(T.self, forKey: .data)
        } else {
            data = try T(from: EmptyObjectDecoder())
        }
    }
}

/// A client-side request frame.
public struct RequestFrame<T: Encodable & Sendable>: Encodable, Sendable {
    public var id: String
    public var op: String
    public var data: T

    public init(id: String, op: String, data: T) {
        self.id = id
        self.op = op
        self.data = data
    }
}

public struct ReplyFrame<T: Encodable & Sendable>: Encodable, Sendable {
    public var re: String?
    public var ok: Bool
    public var data: T?
    public var error: SwarmError?

    public static func success(_ re: String, _ data: T) -> ReplyFrame { .init(re: re, ok: true, data: data, error: nil) }
}

public struct ErrorReplyFrame: Encodable, Sendable {
    public var re: String?
    public var ok = false
    public var error: SwarmError

    public init(re: String?, error: SwarmError) {
        self.re = re
        self.error = error
    }
}

public struct EventFrame<T: Codable & Sendable>: Codable, Sendable {
    public var ev: String
    public var seq: Int64?
    public var data: T

    public init(ev: String, seq: Int64?, data: T) {
        self.ev = ev
        self.seq = seq
        self.data = data
    }
}

/// Used so that `RequestData` can decode a payload type from an absent `data` as if it were `{}`.
struct EmptyObjectDecoder: Decoder {
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(EmptyKeyed<Key>())
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "data must be an object"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "data must be an object"))
    }

    struct EmptyKeyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        var codingPath: [any CodingKey] = []
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { false }
        func missing(_ key: Key) -> DecodingError {
            .keyNotFound(key, .init(codingPath: [], debugDescription: "missing \(key.stringValue)"))
        }
        func decodeNil(forKey key: Key) throws -> Bool { true }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { throw missing(key) }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> { throw missing(key) }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw missing(key) }
        func superDecoder() throws -> any Decoder { EmptyObjectDecoder() }
        func superDecoder(forKey key: Key) throws -> any Decoder { EmptyObjectDecoder() }
    }
}
