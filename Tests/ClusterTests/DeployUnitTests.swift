import Foundation
import TokenBoardClient
import TokenBoardCore
import XCTest

/// The deployment files in cluster/: systemd accepts the units, the commands they run start a working cluster
/// that stops cleanly (exit 0, a snapshot written) on their KillSignal, and the example topology loads.
final class DeployUnitTests: XCTestCase {
    private let units = TestCluster.repositoryRoot + "/cluster/systemd"
    private let installedBinary = "/usr/local/bin/tokenboard"

    /// A unit file's text with every `from` replaced by its `to`.
    private func unit(_ name: String, replacing: [(from: String, to: String)]) throws -> String {
        var text = try String(contentsOfFile: units + "/" + name, encoding: .utf8)
        for (from, to) in replacing { text = text.replacingOccurrences(of: from, with: to) }
        return text
    }

    /// The words of a unit's `ExecStart=` line (the units quote nothing, so words split on spaces).
    private func execStart(_ text: String) throws -> [String] {
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        return line.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
    }

    private func value(_ key: String, in text: String) throws -> String {
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(key + "=") }, key)
        return String(line.dropFirst(key.count + 1))
    }

    func testSystemdAcceptsTheUnits() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokenboard-units-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // `verify` checks that ExecStart's program exists, so the units point at the binary under test here.
        let binary = try TestCluster.locateBinary()
        var paths: [String] = []
        for (file, instance) in [
            ("tokenboard-coordinator.service", "tokenboard-coordinator.service"),
            ("tokenboard-worker@.service", "tokenboard-worker@w1.service"),
        ] {
            let path = folder + "/" + instance
            try unit(file, replacing: [(installedBinary, binary)]).write(
                toFile: path,
                atomically: true,
                encoding: .utf8
            )
            paths.append(path)
        }
        let verify = try CommandResult.run("/usr/bin/systemd-analyze", ["verify", "--man=no"] + paths)
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertEqual(verify.stderr, "", "systemd warns about the units")
    }

    func testTheUnitsCommandsRunACluster() async throws {
        let binary = try TestCluster.locateBinary()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokenboard-deploy-\(UUID())").path
        let state = folder + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let topology = Topology(
            name: "deploy-test",
            runDirectory: folder + "/run",
            prices: TestCluster.repositoryRoot + "/cluster/prices.json",
            coordinator: .init(id: "c1", host: "127.0.0.1", port: 0),
            workers: [.init(id: "w1", host: "127.0.0.1", port: 0)],
            heartbeatMillis: 100,
            livenessTimeoutMillis: 1000,
            queryDeadlineMillis: 5000
        )
        let config = folder + "/cluster.json"
        try topology.jsonData().write(to: URL(fileURLWithPath: config))
        let paths = [
            (installedBinary, binary), ("/etc/tokenboard/cluster.json", config), ("/var/lib/tokenboard", state),
        ]

        // Each unit's own command line; only the listening port is chosen by the test (ports are fixed in a real
        // topology) and the worker is pointed at where the coordinator listens.
        let coordinatorUnit = try unit("tokenboard-coordinator.service", replacing: paths)
        let workerUnit = try unit("tokenboard-worker@.service", replacing: paths + [("%i", "w1")])
        XCTAssertEqual(try value("KillSignal", in: coordinatorUnit), "SIGTERM")
        XCTAssertEqual(try value("KillSignal", in: workerUnit), "SIGTERM")
        let coordinatorCommand = try execStart(coordinatorUnit)
        let coordinator = try NodeProcess(
            binary: coordinatorCommand[0],
            arguments: Array(coordinatorCommand.dropFirst()) + ["--port", "0"],
            name: "coordinator",
            logDirectory: folder
        )
        var worker: NodeProcess?
        do {
            let port = try await coordinator.waitForReady(within: .seconds(60))
            let address = Endpoint(host: "127.0.0.1", port: port)
            let workerCommand = try execStart(workerUnit)
            XCTAssertEqual(Array(workerCommand.suffix(2)), ["--data", state + "/w1"])
            worker = try NodeProcess(
                binary: workerCommand[0],
                arguments: Array(workerCommand.dropFirst()) + ["--port", "0", "--coordinator", address.description],
                name: "worker-w1",
                logDirectory: folder
            )
            _ = try await worker?.waitForReady(within: .seconds(60))
            let client = try await ClusterClient.connect(to: address)
            let (ready, _) = try await client.waitForWorkers(1, within: .seconds(60))
            await client.close()
            XCTAssertTrue(ready)

            let log = folder + "/usage.jsonl"
            try Data(
                """
                {"ts":"2026-10-01T08:00:00Z","employee":"ann","model":"claude-sonnet-4-5","input":100,"output":20}
                {"ts":"2026-10-01T09:00:00Z","employee":"ann","model":"claude-sonnet-4-5","input":50,"cache_read":1000}

                """.utf8
            ).write(to: URL(fileURLWithPath: log))
            let replay = try CommandResult.run(binary, ["replay", log, "--coordinator", address.description])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            let top = try CommandResult.run(binary, ["top", "--json", "--coordinator", address.description])
            let entries = try top.json()["entries"] as! [[String: Any]]
            XCTAssertEqual(entries.first?["employee"] as? String, "ann")
            XCTAssertEqual((entries.first?["usage"] as? [String: Any])?["tokens"] as? Int, 1170)
        } catch {
            _ = await worker?.stop()
            _ = await coordinator.stop()
            throw error
        }
        // The units' KillSignal: both exit 0, and the worker leaves a snapshot behind for a fast start.
        let workerStatus = await worker?.stop(signal: SIGTERM)
        let coordinatorStatus = await coordinator.stop(signal: SIGTERM)
        XCTAssertEqual(workerStatus, 0, worker?.log ?? "")
        XCTAssertEqual(coordinatorStatus, 0, coordinator.log)
        XCTAssertTrue(FileManager.default.fileExists(atPath: state + "/w1/snapshot.tbs"), worker?.log ?? "")
    }

    func testTheExampleProductionTopologyLoads() throws {
        let topology = try Topology.load(path: TestCluster.repositoryRoot + "/cluster/production.example.json")
        XCTAssertEqual(topology.workers.map(\.id), ["w1", "w2", "w3", "w4"])
        XCTAssertEqual(topology.coordinator.httpEndpoint, Endpoint(host: "0.0.0.0", port: 8080))
        XCTAssertEqual(topology.runDirectory, "/var/lib/tokenboard")
    }

    func testCheckReportsTheShippedFilesAndEveryBrokenOne() throws {
        let binary = try TestCluster.locateBinary()
        let root = TestCluster.repositoryRoot
        let shipped = try CommandResult.run(binary, ["check", "--config", root + "/cluster/local.json", "--json"])
        XCTAssertEqual(shipped.status, 0, shipped.stdout + shipped.stderr)
        let report = try shipped.json()
        XCTAssertEqual(report["ok"] as? Bool, true)
        XCTAssertEqual((report["workers"] as? [Any])?.count, 4)
        // Model names in the shipped price book, counted from its JSON here.
        let book = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: root + "/cluster/prices.json"))
        )
        let groups = (book as! [String: Any])["models"] as! [[String: Any]]
        XCTAssertEqual(report["priced_models"] as? Int, Set(groups.flatMap { $0["models"] as! [String] }).count)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokenboard-check-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: folder + "/badges.json"))
        try Data(
            """
            {"name": "broken", "run_dir": "run", "prices": "missing.json", "badges": "badges.json",
             "coordinator": {"id": "c1", "host": "127.0.0.1", "port": 7400},
             "workers": [{"id": "w1", "host": "127.0.0.1", "port": 7401}, {"id": "w2", "host": "127.0.0.1", "port": 7402}]}
            """.utf8
        ).write(to: URL(fileURLWithPath: folder + "/files.json"))
        let broken = try CommandResult.run(binary, ["check", "--config", folder + "/files.json"])
        XCTAssertEqual(broken.status, 1)
        let problems = broken.stdout.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        XCTAssertEqual(problems.count, 2, broken.stdout)
        XCTAssertTrue(problems[0].contains("missing.json"), broken.stdout)
        XCTAssertTrue(problems[1].contains("badges.json"), broken.stdout)

        try Data(
            """
            {"name": "clash", "run_dir": "run", "prices": "\(root)/cluster/prices.json",
             "coordinator": {"id": "c1", "host": "127.0.0.1", "port": 7400},
             "workers": [{"id": "w1", "host": "127.0.0.1", "port": 7401}, {"id": "w2", "host": "127.0.0.1", "port": 7401}]}
            """.utf8
        ).write(to: URL(fileURLWithPath: folder + "/clash.json"))
        let clash = try CommandResult.run(binary, ["check", "--config", folder + "/clash.json"])
        XCTAssertEqual(clash.status, 1)
        XCTAssertTrue(clash.stdout.contains("nodes 'w1' and 'w2' both listen on 127.0.0.1:7401"), clash.stdout)
    }
}
