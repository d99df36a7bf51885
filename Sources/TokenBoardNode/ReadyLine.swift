import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one line a node prints on standard output once it listens, so scripts and tests learn the port it
/// picked without polling: `{"event":"listening","role":"worker","id":"w1","host":"127.0.0.1","port":7401}`,
/// with `"http_host"` and `"http_port"` added when the node also serves HTTP.
public enum ReadyLine {
    public static func announce(role: String, id: String, endpoint: Endpoint, http: Endpoint? = nil) {
        let httpFields = http.map { ",\"http_host\":\"\($0.host)\",\"http_port\":\($0.port)" } ?? ""
        let line =
            "{\"event\":\"listening\",\"role\":\"\(role)\",\"id\":\"\(id)\",\"host\":\"\(endpoint.host)\",\"port\":\(endpoint.port)\(httpFields)}\n"
        // Unbuffered, so the line is out before anyone waits for it.
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
