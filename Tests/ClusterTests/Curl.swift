import Foundation

/// Debian's curl against a node's HTTP port: the real client the gateway must serve.
struct Curl {
    /// A finished request.
    struct Reply {
        var status: Int
        /// `2` for HTTP/2, `1.1` for HTTP/1.1, as curl reports the protocol it used.
        var version: String
        var body: String

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
                throw TestClusterError("not a JSON object: \(body.prefix(500))")
            }
            return object
        }
    }

    /// How curl talks to the server.
    enum Transport: String, CaseIterable {
        case h2c = "--http2-prior-knowledge"
        case http1 = "--http1.1"
    }

    let directory: String

    /// Sends one request; `body` is a file to post.
    func request(
        _ url: String,
        over transport: Transport,
        method: String = "GET",
        headers: [String] = [],
        bodyFile: String? = nil
    ) throws -> Reply {
        let output = directory + "/curl-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        var arguments = [
            "-s", "-S", transport.rawValue, "-X", method, "-o", output, "-w", "%{http_code} %{http_version}",
        ]
        for header in headers { arguments += ["-H", header] }
        if let bodyFile { arguments += ["--data-binary", "@" + bodyFile, "-H", "Content-Type: application/x-ndjson"] }
        let result = try CommandResult.run("/usr/bin/curl", arguments + [url])
        guard result.status == 0 else {
            throw TestClusterError("curl \(url) failed (\(result.status)): \(result.stderr)")
        }
        let parts = result.stdout.split(separator: " ")
        guard parts.count == 2, let status = Int(parts[0]) else {
            throw TestClusterError("unexpected curl output: \(result.stdout)")
        }
        let body = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return Reply(status: status, version: String(parts[1]), body: body)
    }
}
