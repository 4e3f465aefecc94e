import HeraldProtoC

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// protobuf-c hands every string field over as a C string, so a string with a NUL byte would
/// arrive cut short: `PRJ-A\0-other` would read as `PRJ-A`, and reach project PRJ-A's webhooks.
/// This walks the wire bytes of a message that protobuf-c has already accepted and refuses one in
/// which any string field, at any depth, holds a NUL byte, naming the field.
enum StringFieldCheck {
    static func refuseNUL(
        in bytes: UnsafeRawBufferPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        field path: String = "", isWrapper: Bool = false
    ) throws(WireDecodingError) {
        // Most messages hold no zero byte at all (proto3 leaves default values out).
        guard let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil else { return }
        var reader = WireReader(bytes)
        while let (number, wireType) = reader.tag() {
            switch wireType {
            case 0: guard reader.varint() != nil else { return }
            case 1: guard reader.skip(8) else { return }
            case 5: guard reader.skip(4) else { return }
            case 2:
                guard let payload = reader.lengthDelimited() else { return }
                guard let field = protobuf_c_message_descriptor_get_field(descriptor, number)?.pointee else { continue }
                // A presence wrapper's one field (`StringValue.value`) is named by the field that holds it.
                let name = isWrapper ? path : path.isEmpty ? String(cString: field.name) : "\(path).\(String(cString: field.name))"
                if field.type == PROTOBUF_C_TYPE_STRING, let start = payload.baseAddress,
                    memchr(start, 0, payload.count) != nil
                {
                    throw WireDecodingError("\(name) must not contain a NUL byte")
                }
                if field.type == PROTOBUF_C_TYPE_MESSAGE, let nested = field.descriptor {
                    let nested = nested.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                    try refuseNUL(in: payload, nested, field: name, isWrapper: nested.pointee.n_fields == 1)
                }
            default:
                // Groups: no Herald message has them, and protobuf-c has parsed the bytes already.
                return
            }
        }
    }
}

/// Reads the protobuf wire format just far enough to find fields.
private struct WireReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func tag() -> (number: UInt32, wireType: UInt64)? {
        guard offset < bytes.count, let key = varint() else { return nil }
        return (UInt32(truncatingIfNeeded: key >> 3), key & 7)
    }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    mutating func skip(_ count: Int) -> Bool {
        guard bytes.count - offset >= count else { return false }
        offset += count
        return true
    }

    mutating func lengthDelimited() -> UnsafeRawBufferPointer? {
        guard let length = varint(), length <= UInt64(bytes.count - offset) else { return nil }
        let start = offset
        offset += Int(length)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
    }
}
