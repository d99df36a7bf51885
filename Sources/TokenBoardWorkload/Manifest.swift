import Foundation
import TokenBoardCore

/// The exact truth about a log: what every total, every employee and the board must come to once the log has
/// been ingested. Written next to a generated log (`Manifest.write(to:)`) so the cluster can be checked against
/// it; `ManifestBuilder` makes one for any stream of events.
///
/// Costs are nano-dollars (1e-9 USD) at the price book the manifest was built with; tokens of models missing from
/// it count towards `unpricedTokens` and cost nothing. The file is JSON with snake_case keys, sorted.
public struct Manifest: Sendable, Hashable, Codable {
    /// Counts, tokens and cost under one label: the company, a tool or a day.
    public struct Usage: Sendable, Hashable, Codable {
        public var label: String
        public var events: Int
        public var input: UInt64
        public var output: UInt64
        public var cacheWrite: UInt64
        public var cacheRead: UInt64
        /// All four counts together.
        public var tokens: UInt64
        public var cost: UInt64
        public var unpricedTokens: UInt64

        /// A row from its sums; `tokens` is the total of `counts`.
        public init(label: String, events: Int, counts: TokenCounts, cost: UInt64, unpricedTokens: UInt64) {
            self.label = label
            self.events = events
            input = counts.input
            output = counts.output
            cacheWrite = counts.cacheWrite
            cacheRead = counts.cacheRead
            tokens = counts.total
            self.cost = cost
            self.unpricedTokens = unpricedTokens
        }

        /// The four counts together.
        public var counts: TokenCounts {
            TokenCounts(input: input, output: output, cacheWrite: cacheWrite, cacheRead: cacheRead)
        }

        enum CodingKeys: String, CodingKey {
            case label, events, input, output, tokens, cost
            case cacheWrite = "cache_write"
            case cacheRead = "cache_read"
            case unpricedTokens = "unpriced_tokens"
        }
    }

    /// One model's usage.
    public struct ModelRow: Sendable, Hashable, Codable {
        public var model: String
        /// The price book's provider, or "unknown" when unpriced.
        public var provider: String
        /// False when the price book has no entry for the model; its cost is then 0.
        public var priced: Bool
        public var events: Int
        public var input: UInt64
        public var output: UInt64
        public var cacheWrite: UInt64
        public var cacheRead: UInt64
        public var tokens: UInt64
        public var cost: UInt64

        /// A row from its sums; `tokens` is the total of `counts`.
        public init(model: String, provider: String, priced: Bool, events: Int, counts: TokenCounts, cost: UInt64) {
            self.model = model
            self.provider = provider
            self.priced = priced
            self.events = events
            input = counts.input
            output = counts.output
            cacheWrite = counts.cacheWrite
            cacheRead = counts.cacheRead
            tokens = counts.total
            self.cost = cost
        }

        /// The four counts together.
        public var counts: TokenCounts {
            TokenCounts(input: input, output: output, cacheWrite: cacheWrite, cacheRead: cacheRead)
        }

        enum CodingKeys: String, CodingKey {
            case model, provider, priced, events, input, output, tokens, cost
            case cacheWrite = "cache_write"
            case cacheRead = "cache_read"
        }
    }

    /// One employee's totals over the whole log.
    public struct EmployeeRow: Sendable, Hashable, Codable {
        public var employee: String
        public var events: Int
        public var input: UInt64
        public var output: UInt64
        public var cacheWrite: UInt64
        public var cacheRead: UInt64
        public var tokens: UInt64
        public var cost: UInt64
        public var unpricedTokens: UInt64

        /// A row from its sums; `tokens` is the total of `counts`.
        public init(employee: String, events: Int, counts: TokenCounts, cost: UInt64, unpricedTokens: UInt64) {
            self.employee = employee
            self.events = events
            input = counts.input
            output = counts.output
            cacheWrite = counts.cacheWrite
            cacheRead = counts.cacheRead
            tokens = counts.total
            self.cost = cost
            self.unpricedTokens = unpricedTokens
        }

        /// The four counts together.
        public var counts: TokenCounts {
            TokenCounts(input: input, output: output, cacheWrite: cacheWrite, cacheRead: cacheRead)
        }

        /// The row as the board ranks it.
        public var ranked: RankedEmployee {
            RankedEmployee(employee: employee, counts: counts, cost: cost, unpricedTokens: unpricedTokens)
        }

        enum CodingKeys: String, CodingKey {
            case employee, events, input, output, tokens, cost
            case cacheWrite = "cache_write"
            case cacheRead = "cache_read"
            case unpricedTokens = "unpriced_tokens"
        }
    }

    /// A place on the board by total tokens.
    public struct TopRow: Sendable, Hashable, Codable {
        /// 1-based.
        public var rank: Int
        public var employee: String
        public var tokens: UInt64
        public var cost: UInt64

        /// A place on the board.
        public init(rank: Int, employee: String, tokens: UInt64, cost: UInt64) {
            self.rank = rank
            self.employee = employee
            self.tokens = tokens
            self.cost = cost
        }
    }

    /// How many places `top` holds.
    public static let boardSize = 250

    /// The generator's configuration, or nil for a log the generator did not write.
    public var config: WorkloadConfig?
    /// The power-law exponent the generator solved for; nil for a log it did not write.
    public var exponent: Double?
    /// Events in the log.
    public var events: Int
    /// Employees with at least one event.
    public var employeeCount: Int
    /// The oldest and newest event time, epoch milliseconds; nil for an empty log.
    public var firstTimestampMillis: Int64?
    /// See `firstTimestampMillis`.
    public var lastTimestampMillis: Int64?
    /// The whole log, labelled "total".
    public var totals: Usage
    /// Highest cost first, then most tokens, then model name.
    public var byModel: [ModelRow]
    /// Highest cost first, then most tokens, then tool name.
    public var byTool: [Usage]
    /// Oldest day first, labelled `YYYY-MM-DD`.
    public var byDay: [Usage]
    /// Every employee, in byte order of their keys.
    public var employees: [EmployeeRow]
    /// The top `boardSize` employees by total tokens in the board's order (ties by employee key).
    public var top: [TopRow]

    /// A manifest from its parts; `ManifestBuilder` makes them.
    public init(
        config: WorkloadConfig?,
        exponent: Double?,
        events: Int,
        employeeCount: Int,
        firstTimestampMillis: Int64?,
        lastTimestampMillis: Int64?,
        totals: Usage,
        byModel: [ModelRow],
        byTool: [Usage],
        byDay: [Usage],
        employees: [EmployeeRow],
        top: [TopRow]
    ) {
        self.config = config
        self.exponent = exponent
        self.events = events
        self.employeeCount = employeeCount
        self.firstTimestampMillis = firstTimestampMillis
        self.lastTimestampMillis = lastTimestampMillis
        self.totals = totals
        self.byModel = byModel
        self.byTool = byTool
        self.byDay = byDay
        self.employees = employees
        self.top = top
    }

    enum CodingKeys: String, CodingKey {
        case config, exponent, events, totals, employees, top
        case employeeCount = "employee_count"
        case firstTimestampMillis = "first_timestamp_ms"
        case lastTimestampMillis = "last_timestamp_ms"
        case byModel = "by_model"
        case byTool = "by_tool"
        case byDay = "by_day"
    }

    /// The best `k` employees by any metric, in the board's order; the answer a cluster's `top` must give for the
    /// whole log.
    public func ranking(by metric: RankingMetric, k: Int = Manifest.boardSize) -> [RankedEmployee] {
        TopK.select(employees.lazy.map(\.ranked), k: k, by: metric)
    }

    /// An employee's row, found by binary search over the sorted rows.
    public func employee(_ key: String) -> EmployeeRow? {
        var low = 0
        var high = employees.count
        while low < high {
            let mid = (low + high) / 2
            if employees[mid].employee.utf8.lexicographicallyPrecedes(key.utf8) {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low < employees.count && employees[low].employee == key ? employees[low] : nil
    }

    /// Why a manifest file could not be written or read.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        /// What went wrong, with the path.
        public var description: String
    }

    /// Writes the manifest as JSON with sorted keys.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FileError(description: "cannot write manifest \(path): \(error.localizedDescription)")
        }
    }

    /// Reads a manifest written by `write(to:)`.
    public static func load(path: String) throws -> Manifest {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileError(description: "cannot read manifest \(path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw FileError(description: "\(path) is not a valid manifest: \(error)")
        }
    }
}
