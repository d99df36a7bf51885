import NIOCore

/// One protocol frame: a typed, numbered payload. See `FrameHeader` (and docs/PROTOCOL.md) for the byte layout;
/// `FrameEncoder` and `FrameDecoder` translate between frames and bytes, compressing and checksumming on the way.
///
/// The type is kept as a raw code so that a frame of a type this build does not know still decodes: the node can
/// then answer `unsupportedMessage` instead of dropping the connection, which is what lets v1 and later peers mix.
public struct Frame: Sendable, Hashable {
    public static func == (a: Frame, b: Frame) -> Bool {
        a.typeCode == b.typeCode && a.requestID == b.requestID && a.payload == b.payload
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(typeCode)
        hasher.combine(requestID)
        hasher.combine(payload)
    }

    /// The message type's raw code; possibly one this build does not know.
    public var typeCode: UInt8
    /// Chosen by the requester; a reply (or an error in its place) carries its request's id.
    public var requestID: UInt64
    /// The uncompressed payload.
    public var payload: ByteBuffer
    /// An ingest frame's bytes exactly as they arrived (header and compressed payload), set by `FrameDecoder`; nil
    /// for a frame built in memory. A worker logs the frame from these, so a batch is not compressed and
    /// checksummed a second time. Not part of the frame's identity.
    public var received: ByteBuffer?

    /// The message type, or nil for a code this build does not know.
    public var messageType: MessageType? { MessageType(rawValue: typeCode) }

    public init(typeCode: UInt8, requestID: UInt64, payload: ByteBuffer) {
        self.typeCode = typeCode
        self.requestID = requestID
        self.payload = payload
    }

    /// A frame carrying `message`.
    public init<M: WireMessage>(
        _ message: M,
        requestID: UInt64,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) {
        var payload = allocator.buffer(capacity: 64)
        message.encode(into: &payload)
        self.init(typeCode: M.messageType.rawValue, requestID: requestID, payload: payload)
    }

    /// Decodes the payload as `M`.
    ///
    /// - Throws: the decoded `ErrorMessage` when this is an error frame (and `M` is not `ErrorMessage`);
    ///   `WireError.unexpectedMessage` when it is a frame of another type; `WireError.malformedPayload` when the
    ///   payload does not decode or has bytes left over after the message.
    public func decode<M: WireMessage>(_ type: M.Type) throws -> M {
        if typeCode == MessageType.error.rawValue && M.messageType != .error {
            throw try Self.decodeExactly(ErrorMessage.self, from: payload)
        }
        guard typeCode == M.messageType.rawValue else {
            throw WireError.unexpectedMessage(expected: M.messageType, got: typeCode)
        }
        return try Self.decodeExactly(M.self, from: payload)
    }

    private static func decodeExactly<M: WireMessage>(_ type: M.Type, from payload: ByteBuffer) throws -> M {
        var bytes = payload
        let message = try M(from: &bytes)
        guard bytes.readableBytes == 0 else {
            throw WireError.malformedPayload("\(bytes.readableBytes) bytes left over after a \(M.messageType) message")
        }
        return message
    }
}
