import TokenBoardCore

/// An `IngestRequest` whose batch travels in the compact record layout (`CompactEventLayout`): the same request,
/// in 34 bytes an event instead of 60, under its own message type so that a peer that only knows `ingest` answers
/// `unsupported-message` rather than misreading it. `Frame(ingest:requestID:)` sends a request this way whenever
/// its batch fits.
public struct CompactIngestRequest: Sendable, Hashable {
    public let request: IngestRequest
    /// The timestamp the records' offsets count from: the batch's earliest when encoded here, what the sender
    /// wrote when decoded (no event is before it, none 2³² ms or more after it).
    let timestampBase: Int64

    /// `request` in the compact layout, or nil when its batch does not fit it (a count of 2³² tokens or more,
    /// timestamps 49 days or more apart, more than 256 models or tools or 65,536 employees or sessions, or an index
    /// that does not fit its field).
    public init?(_ request: IngestRequest) {
        guard let base = CompactEventLayout.timestampBase(of: request.batch) else { return nil }
        self.init(request: request, timestampBase: base)
    }

    init(request: IngestRequest, timestampBase: Int64) {
        self.request = request
        self.timestampBase = timestampBase
    }
}

/// The acknowledgement of a `CompactIngestRequest`: an `IngestAck` under the reply type of `compactIngest`.
public struct CompactIngestAck: Sendable, Hashable {
    public var ack: IngestAck

    public init(_ ack: IngestAck) {
        self.ack = ack
    }
}

extension Frame {
    /// The frame of an ingest request: `compactIngest` when its batch fits the compact layout, else `ingest`.
    public init(ingest request: IngestRequest, requestID: UInt64) {
        if let compact = CompactIngestRequest(request) {
            self.init(compact, requestID: requestID)
        } else {
            self.init(request, requestID: requestID)
        }
    }
}

extension Frame {
    /// The reply to an ingest frame: `ack` as the `ingestAck` of an `ingest`, the `compactIngestAck` of a
    /// `compactIngest`.
    public init(ack: IngestAck, replyingTo request: Frame) {
        if request.messageType == .compactIngest {
            self.init(CompactIngestAck(ack), requestID: request.requestID)
        } else {
            self.init(ack, requestID: request.requestID)
        }
    }
}

extension IngestRequest {
    /// The request in either ingest message (`ingest` or `compactIngest`).
    ///
    /// - Throws: what `Frame.decode(IngestRequest.self)` throws: the `ErrorMessage` of an error frame,
    ///   `WireError.unexpectedMessage` for another type, `WireError.malformedPayload` when it does not decode.
    public init(frame: Frame) throws {
        if frame.messageType == .compactIngest {
            self = try frame.decode(CompactIngestRequest.self).request
        } else {
            self = try frame.decode(IngestRequest.self)
        }
    }
}

extension IngestAck {
    /// The acknowledgement in the reply to either ingest message (`ingestAck` or `compactIngestAck`).
    ///
    /// - Throws: what `Frame.decode(IngestAck.self)` throws: the `ErrorMessage` of an error frame,
    ///   `WireError.unexpectedMessage` for another type, `WireError.malformedPayload` when it does not decode.
    public init(reply frame: Frame) throws {
        if frame.messageType == .compactIngestAck {
            self = try frame.decode(CompactIngestAck.self).ack
        } else {
            self = try frame.decode(IngestAck.self)
        }
    }
}
