import CNghttp2

/// One HTTP/2 connection's protocol state, driven by libnghttp2 through its memory interface: the caller hands
/// in the bytes it read (`receive`) and takes out the bytes to write (`send`); the session never touches a
/// socket. It owns the library's session, its callbacks and the context they reach through `user_data`.
///
/// Not thread-safe: use one session from one thread (a channel's event loop).
public final class Session {
    /// Which end of the connection this is.
    public enum Role: Sendable {
        case server
        case client
    }

    private let session: OpaquePointer
    /// What the callbacks see through `user_data`; lives at least as long as `session` (released after it).
    private let context: SessionContext

    /// A session that has queued its SETTINGS (and, for a client, the connection preface) for the first `send`.
    public init(role: Role, configuration: SessionConfiguration = SessionConfiguration()) throws(SessionError) {
        context = SessionContext(configuration: configuration)
        let callbacks = Callbacks.make()
        defer { nghttp2_session_callbacks_del(callbacks) }
        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else { throw SessionError(code: NGHTTP2_ERR_NOMEM.rawValue) }
        defer { nghttp2_option_del(option) }
        // Window updates are sent only as the application consumes bodies: that is the back-pressure.
        nghttp2_option_set_no_auto_window_update(option, 1)
        nghttp2_option_set_max_continuations(option, configuration.maxContinuations)
        var created: OpaquePointer?
        let userData = Unmanaged.passUnretained(context).toOpaque()
        let status: Int32
        switch role {
        case .server: status = nghttp2_session_server_new2(&created, callbacks, userData, option)
        case .client: status = nghttp2_session_client_new2(&created, callbacks, userData, option)
        }
        guard status == 0, let created else { throw SessionError(code: status) }
        session = created
        var settings = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: configuration.maxConcurrentStreams
            ),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: UInt32(configuration.streamWindow)
            ),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: UInt32(clamping: configuration.maxHeaderListBytes)
            ),
        ]
        if role == .server {
            settings.append(
                nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0)
            )
        }
        try check(nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count))
        try check(
            nghttp2_session_set_local_window_size(
                session,
                UInt8(NGHTTP2_FLAG_NONE.rawValue),
                0,
                configuration.connectionWindow
            )
        )
    }

    deinit {
        nghttp2_session_del(session)
    }

    /// Processes bytes read from the peer and returns what they did. A thrown error means the connection is
    /// beyond repair (a bad preface, a header flood, a callback failure): send what `send` still has (usually a
    /// GOAWAY) and close. Protocol errors the library can answer itself (a malformed frame) do not throw: the
    /// session queues GOAWAY and stops wanting to read.
    public func receive(_ bytes: UnsafeRawBufferPointer) throws(SessionError) -> [Event] {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
        let consumed = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if consumed < 0 {
            _ = context.takeEvents()
            throw SessionError(code: Int32(consumed), detail: context.lastError)
        }
        return context.takeEvents()
    }

    /// Serialises pending frames, handing each chunk to `sink` (valid only during the call), until nothing is
    /// left or at least `limit` bytes were produced. Returns what happened meanwhile (streams that closed once
    /// their last frame went out).
    @discardableResult
    public func send(
        upTo limit: Int = .max,
        into sink: (UnsafeRawBufferPointer) -> Void
    ) throws(SessionError) -> [Event] {
        var produced = 0
        while produced < limit {
            var chunk: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &chunk)
            if count < 0 { throw SessionError(code: Int32(count), detail: context.lastError) }
            guard count > 0, let chunk else { break }
            sink(UnsafeRawBufferPointer(start: chunk, count: count))
            produced += count
        }
        return context.takeEvents()
    }

    /// Whether the session expects more bytes from the peer.
    public var wantsRead: Bool { nghttp2_session_want_read(session) != 0 }

    /// Whether the session has frames to send.
    public var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    /// Whether the connection is finished: nothing more to read or to write (after GOAWAY both ways, or an error).
    public var isFinished: Bool { !wantsRead && !wantsWrite }

    /// Whether a header block has started arriving and is not complete yet (HEADERS without END_HEADERS, and
    /// CONTINUATION frames still to come).
    public var hasIncompleteHeaderBlocks: Bool { !context.blocks.isEmpty }

    /// The library's explanation of the last connection error, if any.
    public var lastError: String? { context.lastError }

    /// The highest stream id the session has processed (the value a GOAWAY carries).
    public var lastProcessedStreamID: Int32 { nghttp2_session_get_last_proc_stream_id(session) }

    /// Answers a request: response headers (`:status` first) and an optional body, pulled as flow control allows.
    public func submitResponse(
        streamID: Int32,
        headers: [HeaderField],
        body: (any OutgoingBody)?
    ) throws(SessionError) {
        let status = Self.withNameValues(headers) { fields, count in
            guard body != nil else { return nghttp2_submit_response(session, streamID, fields, count, nil) }
            var provider = nghttp2_data_provider(
                source: nghttp2_data_source(ptr: nil),
                read_callback: Callbacks.readBody
            )
            return nghttp2_submit_response(session, streamID, fields, count, &provider)
        }
        try check(status)
        if let body { context.outgoing[streamID] = body }
    }

    /// Opens a stream with a request (client sessions); returns its id.
    public func submitRequest(headers: [HeaderField], body: (any OutgoingBody)?) throws(SessionError) -> Int32 {
        let streamID = Self.withNameValues(headers) { fields, count in
            guard body != nil else { return nghttp2_submit_request(session, nil, fields, count, nil, nil) }
            var provider = nghttp2_data_provider(
                source: nghttp2_data_source(ptr: nil),
                read_callback: Callbacks.readBody
            )
            return nghttp2_submit_request(session, nil, fields, count, &provider, nil)
        }
        try check(streamID)
        // The body is pulled only by `send`, after this returns.
        if let body { context.outgoing[streamID] = body }
        return streamID
    }

    /// Tells the session that the application has taken `count` body bytes of a stream, so the peer's windows
    /// may open again by that much.
    public func consume(streamID: Int32, count: Int) throws(SessionError) {
        guard count > 0 else { return }
        // A stream that has closed meanwhile gives its bytes back to the connection window only.
        try check(nghttp2_session_consume(session, streamID, count))
    }

    /// Asks for a deferred body to be pulled again.
    public func resume(streamID: Int32) throws(SessionError) {
        try check(nghttp2_session_resume_data(session, streamID))
    }

    /// Resets a stream.
    public func resetStream(_ streamID: Int32, error: ErrorCode) throws(SessionError) {
        try check(
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, error.rawValue)
        )
    }

    /// Announces a graceful shutdown: a GOAWAY naming the last stream processed; streams already open finish.
    public func submitGoAway(error: ErrorCode = .noError) throws(SessionError) {
        try check(
            nghttp2_submit_goaway(
                session,
                UInt8(NGHTTP2_FLAG_NONE.rawValue),
                lastProcessedStreamID,
                error.rawValue,
                nil,
                0
            )
        )
    }

    /// Ends the session at once: GOAWAY with `error`; afterwards the session only wants to send that frame.
    public func terminate(error: ErrorCode) throws(SessionError) {
        try check(nghttp2_session_terminate_session(session, error.rawValue))
    }

    private func check(_ status: Int32) throws(SessionError) {
        if status < 0 { throw SessionError(code: status, detail: context.lastError) }
    }

    /// Lays header fields out as `nghttp2_nv` records pointing into one buffer that lives for the call; the
    /// library copies them.
    private static func withNameValues<Result>(
        _ headers: [HeaderField],
        _ body: (UnsafePointer<nghttp2_nv>, Int) -> Result
    ) -> Result {
        precondition(!headers.isEmpty, "a header block has at least one pseudo-header")
        var storage: [UInt8] = []
        storage.reserveCapacity(headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count })
        for field in headers {
            storage.append(contentsOf: field.name.utf8)
            storage.append(contentsOf: field.value.utf8)
        }
        return storage.withUnsafeMutableBufferPointer { bytes in
            var records: [nghttp2_nv] = []
            records.reserveCapacity(headers.count)
            var offset = 0
            for field in headers {
                let nameLength = field.name.utf8.count
                let valueLength = field.value.utf8.count
                let base = bytes.baseAddress.map { $0 + offset }
                records.append(
                    nghttp2_nv(
                        name: base,
                        value: base.map { $0 + nameLength },
                        namelen: nameLength,
                        valuelen: valueLength,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
                    )
                )
                offset += nameLength + valueLength
            }
            return records.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}
