import HeraldWire
import NIOCore
import NIOEmbedded

extension FuzzTarget {
    /// The frame decoder, fed the input in chunks whose size the first byte picks: every frame it
    /// emits is exactly the bytes its header announced, in order, and it never emits one over the limit.
    static let frame = FuzzTarget(name: "frame", summary: "the length-prefixed frame decoder, fed in chunks") { input in
        // Past a few frames, a longer input only costs time.
        guard let (choice, bytes) = Array(input.prefix(8192)).choosing(among: 256) else { return }
        let limit = 1024
        let chunk = choice + 1
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameSize: limit)))
        defer { _ = try? channel.finish() }
        var refused = false
        var start = 0
        while start < bytes.count, !refused {
            let end = Swift.min(start + chunk, bytes.count)
            do {
                try channel.writeInbound(ByteBuffer(bytes: bytes[start..<end]))
            } catch is FrameDecoder.FrameTooLarge {
                refused = true
            } catch {
                throw InvariantViolation("unexpected decoder error: \(error)")
            }
            start = end
        }
        var offset = 0
        while let frame = try? channel.readInbound(as: ByteBuffer.self) {
            try require(offset + 4 <= bytes.count, "a frame past the input's end")
            let announced = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            try require(announced <= limit, "a frame of \(announced) bytes passed a \(limit)-byte limit")
            try require(frame.readableBytes == announced, "a frame of \(frame.readableBytes) bytes where its header said \(announced)")
            try require(Array(frame.readableBytesView) == Array(bytes[(offset + 4)..<(offset + 4 + announced)]), "a frame's bytes differ from the input's")
            offset += 4 + announced
        }
    }
}
