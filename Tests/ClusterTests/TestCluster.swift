import Foundation
import TokenBoardClient
import TokenBoardCore
import XCTest

/// A real cluster for a test: a coordinator and workers as separate `tokenboard` processes on 127.0.0.1, each on
/// a port the OS picks (so parallel runs never collide), in a temporary folder that holds the topology and logs.
/// The test's teardown always stops them.
final class TestCluster: @unchecked Sendable {
    let binary: String
    let directory: String
    let topologyPath: String
    private(set) var coordinator: NodeProcess!
    private(set) var workers: [String: NodeProcess] = [:]
    private(set) var coordinatorEndpoint = Endpoint(host: "127.0.0.1", port: 0)
    /// Where each worker listens, from its ready line.
    private(set) var workerEndpoints: [String: Endpoint] = [:]
    /// Extra arguments every worker starts with (snapshot timing, for instance).
    let workerArguments: [String]
    /// Extra arguments for the coordinator.
    let coordinatorArguments: [String]
    /// A shell line that wraps each worker's command (`"$@"` is the command), for limits such as `ulimit -f`.
    let workerWrapper: String?
    /// Whether the nodes serve HTTP (`--http 127.0.0.1:0`).
    let http: Bool
    /// Where the coordinator serves HTTP, from its ready line (with `http`).
    private(set) var httpEndpoint: Endpoint?
    /// Where each worker serves `/metrics`, from its ready line (with `http`).
    private(set) var workerHTTPEndpoints: [String: Endpoint] = [:]

    /// The repository root, found from this file's path.
    static let repositoryRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    /// The binary under test: $TOKENBOARD_BIN, or the debug build next to the test bundle.
    static func locateBinary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["TOKENBOARD_BIN"] { return explicit }
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("tokenboard").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tokenboard").path,
            repositoryRoot + "/.build/debug/tokenboard",
        ]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw TestClusterError(
            "no tokenboard binary (looked in \(candidates.joined(separator: ", "))); run `swift build` first or set TOKENBOARD_BIN"
        )
    }

    init(
        workerIDs: [String] = ["w1", "w2", "w3", "w4"],
        workerArguments: [String] = [],
        coordinatorArguments: [String] = [],
        workerWrapper: String? = nil,
        http: Bool = false,
        configure: (inout Topology) -> Void = { _ in }
    ) throws {
        self.http = http
        self.coordinatorArguments = coordinatorArguments
        binary = try Self.locateBinary()
        self.workerArguments = workerArguments
        self.workerWrapper = workerWrapper
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("tokenboard-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        topologyPath = directory + "/topology.json"
        var topology = Topology(
            name: "test",
            runDirectory: directory + "/run",
            prices: Self.repositoryRoot + "/cluster/prices.json",
            coordinator: .init(id: "c1", host: "127.0.0.1", port: 0),
            workers: workerIDs.map { .init(id: $0, host: "127.0.0.1", port: 0) },
            heartbeatMillis: 100,
            livenessTimeoutMillis: 1000,
            queryDeadlineMillis: 5000
        )
        configure(&topology)
        try topology.jsonData().write(to: URL(fileURLWithPath: topologyPath))
    }

    /// Starts the coordinator, then every worker pointed at it, and waits until all have registered.
    func start() async throws {
        coordinator = try NodeProcess(
            binary: binary,
            arguments: ["coordinator", "--config", topologyPath, "--threads", "1"] + httpArguments
                + coordinatorArguments,
            name: "coordinator",
            logDirectory: directory
        )
        let announced = try await coordinator.waitForReadyLine(within: .seconds(60))
        coordinatorEndpoint.port = announced.port
        httpEndpoint = announced.httpPort.map { Endpoint(host: "127.0.0.1", port: $0) }
        let ids = try Topology.load(path: topologyPath).workers.map(\.id)
        for id in ids {
            try startWorker(id)
        }
        for id in ids {
            let announced = try await workers[id]!.waitForReadyLine(within: .seconds(60))
            workerEndpoints[id] = Endpoint(host: "127.0.0.1", port: announced.port)
            workerHTTPEndpoints[id] = announced.httpPort.map { Endpoint(host: "127.0.0.1", port: $0) }
        }
        let client = try await ClusterClient.connect(to: coordinatorEndpoint)
        let (ready, status) = try await client.waitForWorkers(ids.count, within: .seconds(60))
        await client.close()
        guard ready else {
            throw TestClusterError("workers did not register: \(status.workers.filter { !$0.alive }.map(\.id))")
        }
    }

    func startWorker(_ id: String) throws {
        let command =
            [
                binary, "worker", "--config", topologyPath, "--id", id, "--port", "0",
                "--coordinator", coordinatorEndpoint.description, "--threads", "1",
            ] + httpArguments + workerArguments
        workers[id] = try NodeProcess(
            binary: workerWrapper == nil ? command[0] : "/bin/sh",
            arguments: workerWrapper.map { ["-c", $0 + "; exec \"$@\"", "sh"] + command } ?? Array(command.dropFirst()),
            name: "worker-\(id)",
            logDirectory: directory
        )
    }

    /// `--http 127.0.0.1:0` when the cluster serves HTTP.
    private var httpArguments: [String] { http ? ["--http", "127.0.0.1:0"] : [] }

    /// Starts a stopped worker again (same data directory, a new port) and waits until the coordinator routes
    /// to its new address.
    func restart(worker id: String) async throws {
        try startWorker(id)
        let port = try await workers[id]!.waitForReady(within: .seconds(60))
        workerEndpoints[id] = Endpoint(host: "127.0.0.1", port: port)
        let client = try await ClusterClient.connect(to: coordinatorEndpoint)
        defer { Task { await client.close() } }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while clock.now < deadline {
            let status = try await client.status()
            if status.workers.contains(where: { $0.id == id && $0.alive && $0.endpoint?.port == port }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestClusterError("\(id) did not re-register at port \(port)")
    }

    /// Kills one worker without warning (SIGKILL) and waits until it is gone.
    func kill(worker id: String) async {
        _ = await workers[id]?.stop(signal: SIGKILL)
    }

    /// Stops every process gracefully (SIGTERM) and returns their exit statuses by name.
    @discardableResult
    func stop() async -> [String: Int32] {
        var statuses: [String: Int32] = [:]
        for (id, worker) in workers where worker.isRunning {
            statuses["worker-\(id)"] = await worker.stop()
        }
        if let coordinator, coordinator.isRunning { statuses["coordinator"] = await coordinator.stop() }
        return statuses
    }

    /// The data directory of a worker.
    func dataDirectory(of id: String) -> String { directory + "/run/data/" + id }

    /// Bytes in every write-ahead-log segment of a worker, as on disk.
    func logBytesOnDisk(of id: String) throws -> UInt64 {
        let folder = dataDirectory(of: id)
        return try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasPrefix("ingest-") && $0.hasSuffix(".wal") }
            .reduce(0) { total, name in
                total
                    + ((try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? NSNumber)?
                        .uint64Value ?? 0)
            }
    }

    /// One worker's log (standard error) so far.
    func workerLog(_ id: String) -> String { workers[id]?.log ?? "" }

    /// Every node's log, for a failing test's message.
    var logs: String {
        ([coordinator].compactMap { $0 } + workers.values.sorted { $0.name < $1.name })
            .map { "--- \($0.name)\n\($0.log)" }.joined(separator: "\n")
    }

    /// Runs a tokenboard CLI command against this cluster.
    func cli(_ arguments: [String]) throws -> CommandResult {
        try CommandResult.run(binary, arguments + ["--coordinator", coordinatorEndpoint.description])
    }

    func removeFiles() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A finished command: exit status and everything it printed.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String

    static func run(_ binary: String, _ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe()
        // Standard error goes to a file so that neither stream can block the command on a full pipe.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tokenboard-cli-\(UUID().uuidString).err"
        ).path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderrData = FileManager.default.contents(atPath: errPath) ?? Data()
        return CommandResult(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self)
        )
    }

    /// The standard output parsed as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw TestClusterError("not a JSON object: \(stdout.prefix(500))")
        }
        return object
    }
}

extension TestCluster {
    /// Starts a cluster, runs `check` against it and always stops it. A failure reports every node's log, and
    /// every node must exit 0 on SIGTERM.
    static func run(
        workerIDs: [String] = ["w1", "w2", "w3", "w4"],
        workerArguments: [String] = [],
        coordinatorArguments: [String] = [],
        workerWrapper: String? = nil,
        http: Bool = false,
        configure: (inout Topology) -> Void = { _ in },
        file: StaticString = #filePath,
        line: UInt = #line,
        _ check: (TestCluster) async throws -> Void
    ) async throws {
        let cluster = try TestCluster(
            workerIDs: workerIDs,
            workerArguments: workerArguments,
            coordinatorArguments: coordinatorArguments,
            workerWrapper: workerWrapper,
            http: http,
            configure: configure
        )
        do {
            try await cluster.start()
            try await check(cluster)
        } catch {
            await cluster.stop()
            XCTFail("\(error)\n\(cluster.logs)", file: file, line: line)
            return
        }
        let statuses = await cluster.stop()
        XCTAssertEqual(
            statuses.filter { $0.value != 0 }.count,
            0,
            "every node exits 0 on SIGTERM: \(statuses)",
            file: file,
            line: line
        )
        cluster.removeFiles()
    }
}

extension TestCluster {
    /// The price book the tests and the cluster share.
    static var prices: String { repositoryRoot + "/cluster/prices.json" }

    /// Writes a generated usage log (`tokenboard gen`) into the cluster's folder and returns its path.
    func generateLog(
        _ name: String,
        employees: Int,
        events: Int,
        totalTokens: UInt64,
        topTokens: UInt64,
        seed: UInt64,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws -> String {
        let path = directory + "/\(name).jsonl"
        let gen = try CommandResult.run(
            binary,
            [
                "gen", "--out", path, "--employees", "\(employees)", "--events", "\(events)", "--days", "30",
                "--total-tokens", "\(totalTokens)", "--top-tokens", "\(topTokens)", "--seed", "\(seed)",
                "--prices", Self.prices, "--quiet",
            ]
        )
        XCTAssertEqual(gen.status, 0, gen.stderr, file: file, line: line)
        return path
    }
}
