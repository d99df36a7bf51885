import Foundation

/// A tokenboard command left running while a test acts on the cluster (a replay during which a worker dies).
final class BackgroundCommand: @unchecked Sendable {
    let process = Process()
    let outputPath: String

    init(binary: String, arguments: [String], directory: String, name: String) throws {
        outputPath = directory + "/\(name).out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// Waits for the command to finish and returns its exit status and everything it printed.
    func finish() async -> (status: Int32, output: String) {
        let process = self.process
        let status = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}
