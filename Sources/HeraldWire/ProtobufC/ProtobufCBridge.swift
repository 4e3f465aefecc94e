import HeraldProtoC

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why bytes could not be read as a message.
public struct WireDecodingError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Every pointer that a protobuf-c message built from Swift values points at. It owns them all
/// and frees them when the message has been packed.
final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit { for allocation in allocations { free(allocation) } }

    private func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        let pointer = malloc(max(bytes, 1))!
        allocations.append(pointer)
        return pointer
    }

    func string(_ value: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(value.utf8)
        let pointer = allocate(utf8.count + 1).bindMemory(to: CChar.self, capacity: utf8.count + 1)
        utf8.withUnsafeBytes { UnsafeMutableRawPointer(pointer).copyMemory(from: $0.baseAddress!, byteCount: utf8.count) }
        pointer[utf8.count] = 0
        return pointer
    }

    func strings(_ values: [String]) -> (count: Int, pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        guard !values.isEmpty else { return (0, nil) }
        let array = pointers(UnsafeMutablePointer<CChar>.self, count: values.count)
        for (index, value) in values.enumerated() { array[index] = string(value) }
        return (values.count, array)
    }

    func bytes(_ value: [UInt8]) -> ProtobufCBinaryData {
        guard !value.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let pointer = allocate(value.count).bindMemory(to: UInt8.self, capacity: value.count)
        pointer.update(from: value, count: value.count)
        return ProtobufCBinaryData(len: value.count, data: pointer)
    }

    /// A zeroed message that `initialize` (the generated `…__init`) sets up.
    func message<Message>(_ initialize: (UnsafeMutablePointer<Message>) -> Void) -> UnsafeMutablePointer<Message> {
        let pointer = allocate(MemoryLayout<Message>.stride).bindMemory(to: Message.self, capacity: 1)
        initialize(pointer)
        return pointer
    }

    func pointers<Pointee>(_ type: UnsafeMutablePointer<Pointee>.Type, count: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<Pointee>?> {
        let array = allocate(count * MemoryLayout<UnsafeMutablePointer<Pointee>?>.stride)
            .bindMemory(to: UnsafeMutablePointer<Pointee>?.self, capacity: count)
        array.initialize(repeating: nil, count: count)
        return array
    }

    func messages<Message>(_ values: [UnsafeMutablePointer<Message>]) -> (count: Int, pointer: UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?) {
        guard !values.isEmpty else { return (0, nil) }
        let array = pointers(UnsafeMutablePointer<Message>.self, count: values.count)
        for (index, value) in values.enumerated() { array[index] = value }
        return (values.count, array)
    }
}

enum ProtobufC {
    /// Serializes a message whose first member is its `ProtobufCMessage` base.
    static func pack<Message>(_ message: UnsafeMutablePointer<Message>) -> [UInt8] {
        message.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { base in
            let size = protobuf_c_message_get_packed_size(base)
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = protobuf_c_message_pack(base, buffer.baseAddress)
            }
        }
    }

    /// Parses bytes with a generated `…__unpack`, reads the C struct into Swift values, and frees it.
    static func unpack<Message, Result>(
        _ bytes: UnsafeRawBufferPointer,
        _ name: String,
        _ unpack: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Message>?,
        _ read: (Message) throws -> Result
    ) throws -> Result {
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let empty: [UInt8] = [0]
        let message: UnsafeMutablePointer<Message>? =
            if let base { unpack(nil, bytes.count, base) } else { empty.withUnsafeBufferPointer { unpack(nil, 0, $0.baseAddress) } }
        guard let message else { throw WireDecodingError("malformed \(name) message") }
        defer {
            message.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { protobuf_c_message_free_unpacked($0, nil) }
        }
        let descriptor = message.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { $0.pointee.descriptor! }
        try StringFieldCheck.refuseNUL(in: bytes, descriptor)
        return try read(message.pointee)
    }

    static func unpack<Message, Result>(
        _ bytes: [UInt8],
        _ name: String,
        _ unpack: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Message>?,
        _ read: (Message) throws -> Result
    ) throws -> Result {
        try bytes.withUnsafeBytes { (raw) throws -> Result in try Self.unpack(raw, name, unpack, read) }
    }

    static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }

    static func strings(_ count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
        guard let pointer else { return [] }
        return (0..<count).map { string(pointer[$0]) }
    }

    static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard let base = data.data, data.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: base, count: data.len))
    }

    static func messages<Message, Result>(
        _ count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?,
        _ read: (Message) throws -> Result
    ) throws -> [Result] {
        guard let pointer else { return [] }
        var results: [Result] = []
        results.reserveCapacity(count)
        for index in 0..<count {
            guard let element = pointer[index] else { throw WireDecodingError("missing repeated element") }
            results.append(try read(element.pointee))
        }
        return results
    }
}

/// A message of `Protos/` with its Swift form.
public protocol WireMessage: Sendable {
    init(wireBytes: [UInt8]) throws
    func wireBytes() -> [UInt8]
}
