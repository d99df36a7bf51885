import Foundation

/// A host and TCP port.
public struct Endpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (an IPv6 host in brackets: `[::1]:7400`).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A cluster's topology file (`cluster/local.json`): which nodes listen where, where they keep data and logs, and
/// the timings the coordinator uses. Relative paths are resolved against the file's folder when loaded.
public struct Topology: Sendable, Hashable, Codable {
    public struct Node: Sendable, Hashable, Codable {
        public var id: String
        public var host: String
        /// 0 lets the node pick a free port and report it (tests use this).
        public var port: Int
        /// Where the node serves HTTP (`HOST:PORT`): the API and web page on the coordinator, `/metrics` on
        /// every node. Absent: no HTTP listener.
        public var http: String?

        public init(id: String, host: String, port: Int, http: String? = nil) {
            self.id = id
            self.host = host
            self.port = port
            self.http = http
        }

        public var endpoint: Endpoint { Endpoint(host: host, port: port) }

        /// The HTTP address, if the node has one and it parses.
        public var httpEndpoint: Endpoint? { http.flatMap(Endpoint.init) }
    }

    public var name: String
    /// Logs, pid files and each worker's data folder live below this.
    public var runDirectory: String
    public var prices: String
    /// The board's rules (tiers and the rest; docs/BOARD.md); nil uses the shipped defaults.
    public var badges: String?
    /// The directory of teams, orgs and managers (CSV; docs/BOARD.md); nil puts everyone in "unassigned".
    public var directory: String?
    public var slots: Int
    public var coordinator: Node
    public var workers: [Node]
    public var heartbeatMillis: Int
    /// A worker not heard from for this long is considered down.
    public var livenessTimeoutMillis: Int
    /// How long the coordinator waits for shard replies.
    public var queryDeadlineMillis: Int

    enum CodingKeys: String, CodingKey {
        case name, prices, badges, directory, slots, coordinator, workers
        case runDirectory = "run_dir"
        case heartbeatMillis = "heartbeat_ms"
        case livenessTimeoutMillis = "liveness_timeout_ms"
        case queryDeadlineMillis = "query_deadline_ms"
    }

    public init(
        name: String,
        runDirectory: String,
        prices: String,
        badges: String? = nil,
        directory: String? = nil,
        slots: Int = SlotHasher.defaultSlotCount,
        coordinator: Node,
        workers: [Node],
        heartbeatMillis: Int = 500,
        livenessTimeoutMillis: Int = 2000,
        queryDeadlineMillis: Int = 2000
    ) {
        self.name = name
        self.runDirectory = runDirectory
        self.prices = prices
        self.badges = badges
        self.directory = directory
        self.slots = slots
        self.coordinator = coordinator
        self.workers = workers
        self.heartbeatMillis = heartbeatMillis
        self.livenessTimeoutMillis = livenessTimeoutMillis
        self.queryDeadlineMillis = queryDeadlineMillis
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        runDirectory = try c.decodeIfPresent(String.self, forKey: .runDirectory) ?? ".run/\(name)"
        prices = try c.decodeIfPresent(String.self, forKey: .prices) ?? "prices.json"
        badges = try c.decodeIfPresent(String.self, forKey: .badges)
        directory = try c.decodeIfPresent(String.self, forKey: .directory)
        slots = try c.decodeIfPresent(Int.self, forKey: .slots) ?? SlotHasher.defaultSlotCount
        coordinator = try c.decode(Node.self, forKey: .coordinator)
        workers = try c.decode([Node].self, forKey: .workers)
        heartbeatMillis = try c.decodeIfPresent(Int.self, forKey: .heartbeatMillis) ?? 500
        livenessTimeoutMillis = try c.decodeIfPresent(Int.self, forKey: .livenessTimeoutMillis) ?? 2000
        queryDeadlineMillis = try c.decodeIfPresent(Int.self, forKey: .queryDeadlineMillis) ?? 2000
    }

    public struct InvalidTopology: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Loads and checks a topology file, resolving relative paths against its folder.
    public static func load(path: String) throws -> Topology {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InvalidTopology(description: "cannot read topology \(path): \(error.localizedDescription)")
        }
        var topology: Topology
        do {
            topology = try JSONDecoder().decode(Topology.self, from: data)
        } catch {
            throw InvalidTopology(description: "\(path) is not a valid topology file: \(error)")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        topology.runDirectory = resolve(topology.runDirectory, against: folder)
        topology.prices = resolve(topology.prices, against: folder)
        topology.badges = topology.badges.map { resolve($0, against: folder) }
        topology.directory = topology.directory.map { resolve($0, against: folder) }
        try topology.validate(source: path)
        return topology
    }

    /// Checks ids, ports and timings.
    public func validate(source: String = "topology") throws {
        guard !workers.isEmpty else { throw InvalidTopology(description: "\(source): no workers") }
        guard workers.count <= Int(UInt16.max) else {
            throw InvalidTopology(description: "\(source): too many workers")
        }
        let ids = workers.map(\.id) + [coordinator.id]
        guard Set(ids).count == ids.count else {
            throw InvalidTopology(description: "\(source): node ids must be unique")
        }
        for node in workers + [coordinator] {
            guard !node.id.isEmpty, (0...65535).contains(node.port) else {
                throw InvalidTopology(description: "\(source): node '\(node.id)' needs an id and a port in 0...65535")
            }
            if let http = node.http, Endpoint(http) == nil {
                throw InvalidTopology(description: "\(source): node '\(node.id)' has http '\(http)', not HOST:PORT")
            }
        }
        // Two nodes on one fixed address: the second could never listen (port 0 picks a free port, so it may repeat).
        var taken: [String: String] = [:]
        for node in [coordinator] + workers where node.port != 0 {
            let address = "\(node.host):\(node.port)"
            if let other = taken[address] {
                throw InvalidTopology(
                    description: "\(source): nodes '\(other)' and '\(node.id)' both listen on \(address)"
                )
            }
            taken[address] = node.id
        }
        guard slots >= workers.count, slots <= 1 << 20 else {
            throw InvalidTopology(description: "\(source): slots must be between the worker count and 1048576")
        }
        guard heartbeatMillis > 0, livenessTimeoutMillis > heartbeatMillis, queryDeadlineMillis > 0 else {
            throw InvalidTopology(description: "\(source): need heartbeat_ms > 0, liveness_timeout_ms > heartbeat_ms")
        }
    }

    /// The cluster's initial shard map.
    public var initialShardMap: ShardMap {
        ShardMap.initial(workers: workers.map(\.id), slotCount: slots)
    }

    public func worker(id: String) -> Node? { workers.first { $0.id == id } }

    /// Encodes the topology as JSON (tests write their own).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    private static func resolve(_ path: String, against folder: String) -> String {
        URL(fileURLWithPath: path.hasPrefix("/") ? path : folder + "/" + path).standardized.path
    }
}
