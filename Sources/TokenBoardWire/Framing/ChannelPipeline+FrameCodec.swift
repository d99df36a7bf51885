import NIOCore

extension ChannelPipeline.SynchronousOperations {
    /// Adds the frame codec: a `FrameDecoder` (in a `ByteToMessageHandler`) and a `FrameEncoder` (in a
    /// `MessageToByteHandler`). Handlers added after it read and write `Frame`s; a server adds its request handler
    /// and then a `ProtocolErrorHandler` last.
    public func addFrameCodec(limits: FrameLimits = .default) throws {
        try addHandler(ByteToMessageHandler(FrameDecoder(limits: limits)))
        try addHandler(MessageToByteHandler(FrameEncoder(limits: limits)))
    }

    /// Adds only the frame decoder, for a handler after it that writes frames already encoded (`ByteBuffer`s,
    /// with `FrameEncoder.encode` or as `EncodedFrame`s).
    public func addFrameDecoder(limits: FrameLimits = .default) throws {
        try addHandler(ByteToMessageHandler(FrameDecoder(limits: limits)))
    }
}
