import NIOCore
import NIOPosix
import Synchronization
import TokenBoardClient
import TokenBoardCore
import XCTest

/// The pool the gateway sends through, against plain TCP listeners on 127.0.0.1 (the pool only connects; what
/// travels on a connection is the replayer's business).
final class WorkerConnectionPoolTests: XCTestCase {
    /// Values appended from any thread.
    private final class Recorded<Value: Sendable>: Sendable {
        private let values = Mutex<[Value]>([])

        func append(_ value: Value) { values.withLock { $0.append(value) } }

        var all: [Value] { values.withLock { $0 } }
    }

    /// A listener that accepts connections and holds them until stopped.
    private final class Listener: Sendable {
        let channel: any Channel
        let accepted = Recorded<any Channel>()

        init() async throws {
            let accepted = self.accepted
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { child in
                    accepted.append(child)
                    return child.eventLoop.makeSucceededVoidFuture()
                }
                .bind(host: "127.0.0.1", port: 0).get()
        }

        var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: channel.localAddress!.port!) }

        func stop() async throws {
            // A child may be closing already, from the pool's side: no need to wait for it.
            for child in accepted.all { child.close(promise: nil) }
            try await channel.close()
        }
    }

    private func pool(_ opened: Recorded<String>) -> WorkerConnectionPool {
        WorkerConnectionPool(
            group: MultiThreadedEventLoopGroup.singleton,
            onConnect: { opened.append($0) },
            shardMap: { throw ClientError.workerUnknown("not asked in these tests") }
        )
    }

    func testConcurrentCallersShareOneConnectionPerWorker() async throws {
        let first = try await Listener()
        let second = try await Listener()
        let opened = Recorded<String>()
        let pool = pool(opened)
        let connections = try await withThrowingTaskGroup(of: Connection.self) { group in
            for _ in 0..<20 {
                group.addTask { try await pool.connection(to: "w1", at: first.endpoint) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(Set(connections.map(ObjectIdentifier.init)).count, 1)
        let other = try await pool.connection(to: "w2", at: second.endpoint)
        XCTAssertFalse(other === connections[0])
        // Handing a connection back without a failure keeps it for the next caller.
        await pool.release(other, of: "w2", failed: false)
        let again = try await pool.connection(to: "w2", at: second.endpoint)
        XCTAssertTrue(again === other)
        XCTAssertEqual(opened.all.sorted(), ["w1", "w2"])
        await pool.closeAll()
        try await first.stop()
        try await second.stop()
    }

    func testAFailedOrMovedConnectionIsReplaced() async throws {
        let listener = try await Listener()
        let moved = try await Listener()
        let opened = Recorded<String>()
        let pool = pool(opened)
        let original = try await pool.connection(to: "w1", at: listener.endpoint)

        // Handed back as failed: closed, and the next caller gets a new one.
        await pool.release(original, of: "w1", failed: true)
        let replacement = try await pool.connection(to: "w1", at: listener.endpoint)
        XCTAssertFalse(replacement === original)

        // The map moved the worker: a connection to the new address.
        let elsewhere = try await pool.connection(to: "w1", at: moved.endpoint)
        XCTAssertFalse(elsewhere === replacement)
        XCTAssertEqual(elsewhere.endpoint, moved.endpoint)
        XCTAssertEqual(opened.all, ["w1", "w1", "w1"])

        // A worker that is gone: the connect's own error, and nothing kept (the next call tries again).
        let gone = Endpoint(host: "127.0.0.1", port: 1)
        for _ in 0..<2 {
            do {
                _ = try await pool.connection(to: "w9", at: gone)
                XCTFail("nothing listens on port 1")
            } catch {
                XCTAssertEqual(error as? ClientError, .connectFailed(gone, reason: "connection refused"))
            }
        }
        XCTAssertEqual(opened.all, ["w1", "w1", "w1"])
        await pool.closeAll()
        try await listener.stop()
        try await moved.stop()
    }
}
