import NIOCore

/// Splits a byte stream into frames: a 4-byte big-endian length, then that many bytes.
///
/// The stock `LengthFieldBasedFrameDecoder` has no size limit. This one refuses a length over
/// `maximumFrameSize` as soon as the header arrives, before it buffers a byte of the body.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public static let defaultMaximumFrameSize = 4 * 1024 * 1024
    public static let headerSize = 4

    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int = FrameDecoder.defaultMaximumFrameSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    public struct FrameTooLarge: Error, Equatable, CustomStringConvertible {
        public let length: Int
        public let limit: Int
        public var description: String { "frame of \(length) bytes exceeds the \(limit)-byte limit" }
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        guard Int(length) <= maximumFrameSize else {
            throw FrameTooLarge(length: Int(length), limit: maximumFrameSize)
        }
        guard buffer.readableBytes >= Self.headerSize + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: Self.headerSize)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

extension ByteBuffer {
    /// Appends one frame: its length, then the bytes that `body` writes.
    @discardableResult
    public mutating func writeFrame(_ body: (inout ByteBuffer) -> Int) -> Int {
        (try? writeLengthPrefixed(endianness: .big, as: UInt32.self) { buffer in body(&buffer) }) ?? 0
    }
}
