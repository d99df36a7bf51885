import CNghttp2

/// libnghttp2's callbacks, each a C function that finds the session's context through `user_data` and records
/// what happened; none calls back into the session.
enum Callbacks {
    static func make() -> OpaquePointer {
        var callbacks: OpaquePointer?
        precondition(nghttp2_session_callbacks_new(&callbacks) == 0, "nghttp2: out of memory")
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_error_callback2(callbacks, onError)
        return callbacks!
    }

    private static let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
        guard let frame else { return 0 }
        SessionContext.from(userData).blocks[frame.pointee.hd.stream_id] = SessionContext.Block()
        return 0
    }

    private static let onHeader: nghttp2_on_header_callback = {
        _,
        frame,
        name,
        nameLength,
        value,
        valueLength,
        _,
        userData in
        guard let frame else { return 0 }
        let field = HeaderField(
            String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
            String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
        )
        let context = SessionContext.from(userData)
        guard context.add(field, to: frame.pointee.hd.stream_id) else {
            context.lastError = "a header block grew past \(context.configuration.fatalHeaderListBytes) bytes"
            return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue
        }
        return 0
    }

    private static let onFrameReceived: nghttp2_on_frame_recv_callback = { _, frame, userData in
        guard let frame else { return 0 }
        let context = SessionContext.from(userData)
        let header = frame.pointee.hd
        let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            let block = context.blocks.removeValue(forKey: header.stream_id) ?? SessionContext.Block()
            let category = frame.pointee.headers.cat
            if category == NGHTTP2_HCAT_REQUEST || category == NGHTTP2_HCAT_RESPONSE {
                context.events.append(
                    .headers(
                        streamID: header.stream_id,
                        fields: block.fields,
                        endStream: endStream,
                        oversized: block.oversized
                    )
                )
            } else if endStream {
                // Trailers: their fields are not used, only the end of the stream they carry.
                context.events.append(.endStream(streamID: header.stream_id))
            }
        case NGHTTP2_DATA.rawValue:
            if endStream { context.events.append(.endStream(streamID: header.stream_id)) }
        case NGHTTP2_GOAWAY.rawValue:
            context.events.append(
                .goAway(
                    lastStreamID: frame.pointee.goaway.last_stream_id,
                    error: ErrorCode(rawValue: frame.pointee.goaway.error_code)
                )
            )
        default:
            break
        }
        return 0
    }

    private static let onDataChunk: nghttp2_on_data_chunk_recv_callback = {
        _,
        _,
        streamID,
        data,
        length,
        userData in
        SessionContext.from(userData).events.append(
            .data(streamID: streamID, bytes: Array(UnsafeBufferPointer(start: data, count: length)))
        )
        return 0
    }

    private static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
        let context = SessionContext.from(userData)
        context.blocks[streamID] = nil
        context.outgoing[streamID] = nil
        context.events.append(.streamClosed(streamID: streamID, error: ErrorCode(rawValue: errorCode)))
        return 0
    }

    private static let onError: nghttp2_error_callback2 = { _, _, message, length, userData in
        guard let message else { return 0 }
        SessionContext.from(userData).lastError = String(
            decoding: UnsafeRawBufferPointer(start: message, count: length),
            as: UTF8.self
        )
        return 0
    }

    /// Pulls a stream's body from its `OutgoingBody`.
    static let readBody: nghttp2_data_source_read_callback = {
        _,
        streamID,
        buffer,
        length,
        flags,
        _,
        userData in
        let context = SessionContext.from(userData)
        guard let body = context.outgoing[streamID] else {
            flags?.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            return 0
        }
        guard let (count, isLast) = body.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: length))
        else { return Int(NGHTTP2_ERR_DEFERRED.rawValue) }
        if isLast {
            flags?.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            context.outgoing[streamID] = nil
        }
        return count
    }
}
