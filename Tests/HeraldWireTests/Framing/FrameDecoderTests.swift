import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import HeraldWire

@Suite struct FrameDecoderTests {
    func frame(_ body: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeFrame { $0.writeBytes(body) }
        return buffer
    }

    @Test func decodesAnySplitOfFrames() throws {
        let frames: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 7, count: 1000)]
        let pairs = frames.map { (frame($0), [ByteBuffer(bytes: $0)]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { FrameDecoder(maximumFrameSize: 4096) }
    }

    @Test func truncatedFrameWaitsForMore() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var partial = frame([1, 2, 3, 4])
        partial.moveWriterIndex(to: partial.writerIndex - 2)
        try channel.writeInbound(partial)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeInbound(ByteBuffer(bytes: [3, 4]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [1, 2, 3, 4]))
        _ = try channel.finish()
    }

    @Test func oversizeLengthIsRefusedOnItsHeader() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameSize: 1024)))
        var header = ByteBuffer()
        header.writeInteger(UInt32(1025), endianness: .big)  // the header alone, no body
        #expect(throws: FrameDecoder.FrameTooLarge(length: 1025, limit: 1024)) { try channel.writeInbound(header) }
        _ = try? channel.finish()
    }

    @Test func hugeLengthDoesNotAllocate() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var header = ByteBuffer()
        header.writeInteger(UInt32.max, endianness: .big)
        #expect(throws: FrameDecoder.FrameTooLarge.self) { try channel.writeInbound(header) }
        _ = try? channel.finish()
    }

    @Test func frameAtTheLimitIsAccepted() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameSize: 16)))
        try channel.writeInbound(frame(Array(repeating: 1, count: 16)))
        #expect(try channel.readInbound(as: ByteBuffer.self)?.readableBytes == 16)
        _ = try channel.finish()
    }
}
