import NGHTTP2
import NIOCore
import NIOHTTP1

/// Serves HTTP/2 over cleartext (prior knowledge) on one connection, with libnghttp2 doing the protocol work.
///
/// Bytes read are handed to the session (`mem_recv`); the frames it queues are collected (`mem_send`) and
/// flushed once per read burst, or once per response that completes outside one. Request bodies are buffered
/// up to `ServerLimits.maxBodyBytes` and their flow-control windows reopen only when the request is handed to
/// the responder, so a connection can never make the server hold more than its connection window. While the
/// channel is not writable the handler neither produces output nor asks to read. A protocol error ends the
/// connection with GOAWAY; the node is not affected.
final class HTTP2ServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Stream {
        var request: Request
        var bodyBytes = 0
        /// The responder is working on it.
        var task: Task<Void, Never>?
    }

    private let responder: any Responder
    private let limits: ServerLimits
    private let session: Session
    /// Streams whose request is being received or answered; the body of any other stream is thrown away.
    private var streams: [Int32: Stream] = [:]
    private var context: ChannelHandlerContext?
    private var timer: ConnectionTimer?
    private var tick: RepeatedTask?
    private var readDeferred = false

    init(responder: any Responder, limits: ServerLimits) throws {
        self.responder = responder
        self.limits = limits
        var configuration = SessionConfiguration()
        configuration.maxConcurrentStreams = UInt32(clamping: limits.maxConcurrentStreams)
        configuration.maxHeaderListBytes = limits.maxHeaderBytes
        // A whole body fits in its stream's window: the window reopens when the responder takes the body.
        configuration.streamWindow = Int32(clamping: limits.maxBodyBytes + 1)
        configuration.connectionWindow = Int32(clamping: max(limits.maxBufferedBodyBytes, limits.maxBodyBytes + 1))
        session = try Session(role: .server, configuration: configuration)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        timer = ConnectionTimer(limits: limits, now: context.eventLoop.now)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        tick = context.eventLoop.scheduleRepeatedTask(initialDelay: limits.tick, delay: limits.tick) { _ in
            handler.value.checkDeadlines()
        }
        // The server's SETTINGS go out at once, before the client's first frame is even read.
        flushOutput()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        let now = context.eventLoop.now
        timer?.received(at: now)
        let received = bytes.withUnsafeReadableBytes { raw -> Result<[Event], SessionError> in
            do throws(SessionError) {
                return .success(try session.receive(raw))
            } catch {
                return .failure(error)
            }
        }
        switch received {
        case .success(let events):
            for event in events { handle(event) }
            timer?.headersPending(session.hasIncompleteHeaderBlocks, at: now)
        case .failure(let error):
            fail(error)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Everything the burst's frames produced (acknowledgements, window updates, early answers) goes out at once.
        flushOutput()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            flushOutput()
            if readDeferred {
                readDeferred = false
                context.read()
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        // Back-pressure: a peer that does not read its responses gets nothing more read from it.
        if context.channel.isWritable {
            context.read()
        } else {
            readDeferred = true
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Streams already open are answered; the connection closes once they are.
            try? session.submitGoAway(error: .noError)
            flushOutput()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: - Frames from the peer

    private func handle(_ event: Event) {
        switch event {
        case .headers(let id, let fields, let endStream, let oversized):
            if oversized {
                answerEarly(
                    id,
                    responder.refusal(
                        .requestHeaderFieldsTooLarge,
                        reason: "request headers exceed \(limits.maxHeaderBytes) bytes"
                    )
                )
                return
            }
            guard let request = makeRequest(fields) else {
                try? session.resetStream(id, error: .protocolError)
                return
            }
            if let length = request.headers.first(name: "content-length").flatMap(Int.init),
                length > limits.maxBodyBytes
            {
                answerEarly(id, tooLarge)
                return
            }
            streams[id] = Stream(request: request)
            if endStream { dispatch(id) }
        case .data(let id, let bytes):
            guard var stream = streams[id], stream.task == nil else {
                try? session.consume(streamID: id, count: bytes.count)
                return
            }
            guard stream.bodyBytes + bytes.count <= limits.maxBodyBytes else {
                try? session.consume(streamID: id, count: stream.bodyBytes + bytes.count)
                streams[id] = nil
                answerEarly(id, tooLarge)
                return
            }
            stream.bodyBytes += bytes.count
            stream.request.body.writeBytes(bytes)
            streams[id] = stream
        case .endStream(let id):
            if let stream = streams[id], stream.task == nil { dispatch(id) }
        case .streamClosed(let id, _):
            // The client reset the stream or the response is out: either way its work is over.
            streams.removeValue(forKey: id)?.task?.cancel()
        case .goAway:
            // The peer leaves once its open streams are answered; nothing to do until then.
            break
        }
    }

    private var tooLarge: Response {
        responder.refusal(.payloadTooLarge, reason: "request body exceeds \(limits.maxBodyBytes) bytes")
    }

    /// Builds the request from a header block; nil when a pseudo-header is missing (the library has already
    /// checked the rest of RFC 9113 §8.3).
    private func makeRequest(_ fields: [HeaderField]) -> Request? {
        var method: String?
        var path: String?
        var headers = HTTPHeaders()
        for field in fields {
            switch field.name {
            case ":method": method = field.value
            case ":path": path = field.value
            case ":authority": headers.add(name: "host", value: field.value)
            case ":scheme": break
            default: headers.add(name: field.name, value: field.value)
            }
        }
        guard let method, let path else { return nil }
        return Request(
            method: HTTPMethod(rawValue: method),
            target: path,
            headers: headers,
            body: context?.channel.allocator.buffer(capacity: 0) ?? ByteBuffer(),
            version: HTTPVersion(major: 2, minor: 0)
        )
    }

    /// Answers a stream without the responder; what else arrives on it is thrown away (it has no `Stream`).
    private func answerEarly(_ id: Int32, _ response: Response) {
        submit(response, on: id)
    }

    /// Hands a complete request to the responder; its body's window reopens now.
    private func dispatch(_ id: Int32) {
        guard var stream = streams[id], let context else { return }
        try? session.consume(streamID: id, count: stream.bodyBytes)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let responder = self.responder
        let request = stream.request
        stream.request.body = ByteBuffer()
        stream.task = Task {
            let response = await responder.respond(to: request)
            handler.eventLoop.execute { handler.value.deliver(response, to: id) }
        }
        streams[id] = stream
    }

    // MARK: - Responses

    private func deliver(_ response: Response, to id: Int32) {
        guard streams[id] != nil else { return }
        submit(response, on: id)
        // Responses finish outside read bursts (the responder runs elsewhere): each is flushed as it comes.
        flushOutput()
    }

    private func submit(_ response: Response, on id: Int32) {
        var fields = [HeaderField(":status", String(response.status.code))]
        for (name, value) in response.headers {
            let lowered = name.lowercased()
            if !Response.connectionSpecific.contains(lowered) { fields.append(HeaderField(lowered, value)) }
        }
        fields.append(HeaderField("content-length", String(response.body.readableBytes)))
        let body = response.body.readableBytes > 0 ? ByteBufferBody(response.body) : nil
        do {
            try session.submitResponse(streamID: id, headers: fields, body: body)
        } catch {
            // The stream is gone (reset by the peer meanwhile): nothing to answer.
            streams[id] = nil
        }
    }

    /// Writes what the session has queued, as long as the channel takes it, then flushes once.
    private func flushOutput() {
        guard let context, context.channel.isActive else { return }
        var wrote = false
        do {
            while context.channel.isWritable {
                var out = context.channel.allocator.buffer(capacity: 16 << 10)
                let events = try session.send(upTo: 64 << 10) { out.writeBytes($0) }
                for event in events { handle(event) }
                guard out.readableBytes > 0 else { break }
                context.write(wrapOutboundOut(out), promise: nil)
                wrote = true
            }
        } catch {
            context.close(promise: nil)
            return
        }
        if wrote { context.flush() }
        if session.isFinished { context.close(promise: nil) }
    }

    /// Ends a connection the session cannot go on with: GOAWAY if the library can still send one, then close.
    private func fail(_ error: SessionError) {
        guard let context else { return }
        try? session.terminate(error: .protocolError)
        flushOutput()
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func checkDeadlines() {
        guard let timer, let context else { return }
        let busy = streams.values.contains { $0.task != nil }
        switch timer.check(at: context.eventLoop.now, busy: busy) {
        case .keep:
            return
        case .headerTimeout:
            try? session.terminate(error: .enhanceYourCalm)
        case .idleTimeout:
            try? session.terminate(error: .noError)
        }
        flushOutput()
        context.close(promise: nil)
    }

    private func stop() {
        tick?.cancel()
        tick = nil
        for stream in streams.values { stream.task?.cancel() }
        streams.removeAll()
    }
}

@available(*, unavailable)
extension HTTP2ServerHandler: Sendable {}
