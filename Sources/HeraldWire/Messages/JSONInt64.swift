/// A 64-bit integer field, which the proto JSON mapping writes as a decimal string: a JavaScript
/// number loses precision above 2^53. It reads either form back.
@propertyWrapper
public struct JSONInt64<Value: FixedWidthInteger & Codable & Sendable>: Codable, Equatable, Sendable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(wrappedValue))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = Value(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an integer")
            }
            wrappedValue = value
        } else {
            wrappedValue = try container.decode(Value.self)
        }
    }
}
