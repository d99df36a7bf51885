import Foundation

/// A tokenboard process started by a test: its standard output is read for the ready line, its standard error
/// goes to a log file that failing tests print.
final class NodeProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    let logPath: String
    private let stdout = Pipe()

    init(binary: String, arguments: [String], name: String, logDirectory: String) throws {
        self.name = name
        logPath = logDirectory + "/\(name).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// What a node's ready line announced.
    struct Ready: Sendable {
        var port: Int
        /// The HTTP port, when the node serves HTTP.
        var httpPort: Int?
    }

    /// Reads standard output until the node's ready line and returns the port it announced. Fails if the
    /// process exits first or the deadline passes (the process is then terminated).
    func waitForReady(within deadline: Duration) async throws -> Int {
        try await waitForReadyLine(within: deadline).port
    }

    /// Reads standard output until the node's ready line and returns what it announced.
    func waitForReadyLine(within deadline: Duration) async throws -> Ready {
        let handle = stdout.fileHandleForReading
        let name = self.name
        let process = self.process
        return try await withThrowingTaskGroup(of: Ready.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    DispatchQueue.global().async {
                        var buffer = Data()
                        while true {
                            let chunk = handle.availableData
                            if chunk.isEmpty {
                                continuation.resume(throwing: TestClusterError("\(name) exited before it listened"))
                                return
                            }
                            buffer.append(chunk)
                            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                                let line = buffer[..<newline]
                                guard
                                    let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
                                    let port = object["port"] as? Int
                                else {
                                    continuation.resume(
                                        throwing: TestClusterError(
                                            "\(name) printed an unexpected first line: \(String(decoding: line, as: UTF8.self))"
                                        )
                                    )
                                    return
                                }
                                continuation.resume(
                                    returning: Ready(port: port, httpPort: object["http_port"] as? Int)
                                )
                                return
                            }
                        }
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: deadline)
                process.terminate()
                throw TestClusterError("\(name) did not listen within \(deadline)")
            }
            let ready = try await group.next()!
            group.cancelAll()
            return ready
        }
    }

    var isRunning: Bool { process.isRunning }

    /// Sends a signal and waits for the process to exit.
    func stop(signal: Int32 = SIGTERM) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let process = self.process
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }

    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }
}

struct TestClusterError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
