import Foundation
import TokenBoardCore

/// What `tokenboard check` found in a deployment's files: the topology and every file it names (prices, board
/// rules, directory), each loaded exactly as the nodes load them at start, so a mistake shows before a restart.
public struct ConfigCheckReport: Codable, Sendable, Hashable {
    public struct Node: Codable, Sendable, Hashable {
        public var id: String
        public var address: String
        public var http: String?
    }

    public var topology: String
    public var name: String?
    public var coordinator: Node?
    public var workers: [Node]
    public var slots: Int?
    public var prices: String?
    public var pricedModels: Int?
    public var providers: [String]
    public var boardRules: String?
    public var tiers: Int?
    public var budgets: Int?
    public var directory: String?
    public var directoryEmployees: Int?
    /// One line per file that could not be used; empty when every file loads.
    public var problems: [String]

    /// Whether every file loads.
    public var ok: Bool

    enum CodingKeys: String, CodingKey {
        case topology, name, coordinator, workers, slots, prices, providers, tiers, budgets, directory, problems, ok
        case pricedModels = "priced_models"
        case boardRules = "board_rules"
        case directoryEmployees = "directory_employees"
    }

    /// Loads the topology at `path` and every file it names, noting each that fails instead of stopping at it.
    public init(topologyPath path: String) {
        topology = path
        workers = []
        providers = []
        problems = []
        ok = false
        defer { ok = problems.isEmpty }
        let loaded: Topology
        do {
            loaded = try Topology.load(path: path)
        } catch {
            problems.append("\(error)")
            return
        }
        name = loaded.name
        coordinator = Node(loaded.coordinator)
        workers = loaded.workers.map(Node.init)
        slots = loaded.slots
        prices = loaded.prices
        do {
            let book = try PriceBook(contentsOf: loaded.prices)
            pricedModels = book.models.count
            providers = Set(book.models.values.map(\.provider)).sorted()
        } catch {
            problems.append("prices \(loaded.prices): \(error)")
        }
        if let badges = loaded.badges {
            boardRules = badges
            do throws(BoardConfigError) {
                let board = try BoardConfig(contentsOf: badges)
                tiers = board.tiers.rules.count
                budgets = board.budgets.employees.count + board.budgets.teams.count
            } catch {
                problems.append("\(error)")
            }
        }
        if let file = loaded.directory {
            directory = file
            do throws(BoardConfigError) {
                directoryEmployees = try Directory(contentsOf: file).members.count
            } catch {
                problems.append("\(error)")
            }
        }
    }

    /// The report as text: one line per file, then `ok` or the problems.
    public func render() -> String {
        var lines: [String] = []
        if let name, let coordinator {
            let http = coordinator.http.map { ", HTTP \($0)" } ?? ""
            let hosts = Set(workers.map { $0.address.split(separator: ":").dropLast().joined(separator: ":") })
            lines.append("topology \(topology): \"\(name)\", \(slots ?? 0) slots")
            lines.append("  coordinator \(coordinator.id) at \(coordinator.address)\(http)")
            lines.append(
                "  \(workers.count) worker\(workers.count == 1 ? "" : "s") on \(hosts.count) host\(hosts.count == 1 ? "" : "s"): "
                    + workers.map { "\($0.id) \($0.address)" }.joined(separator: ", ")
            )
        }
        if let prices, let pricedModels {
            lines.append("prices \(prices): \(pricedModels) models from \(providers.joined(separator: ", "))")
        }
        if let boardRules, let tiers {
            lines.append("board rules \(boardRules): \(tiers) tiers, \(budgets ?? 0) budgets")
        } else if boardRules == nil && !workers.isEmpty {
            lines.append("board rules: the shipped defaults (no \"badges\" file)")
        }
        if let directory, let directoryEmployees {
            lines.append("directory \(directory): \(directoryEmployees) employees")
        }
        if problems.isEmpty {
            lines.append("ok")
        } else {
            lines.append(contentsOf: problems.map { "error: \($0)" })
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ConfigCheckReport.Node {
    init(_ node: Topology.Node) {
        id = node.id
        address = "\(node.host):\(node.port)"
        http = node.http
    }
}
