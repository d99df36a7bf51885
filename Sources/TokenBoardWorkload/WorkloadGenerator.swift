import Foundation
import TokenBoardCore

/// Generates a month of synthetic usage with exactly the totals of a `WorkloadConfig`.
///
/// - Employee totals follow a power law `tokens(rank) ∝ rank^-s` whose exponent `s` is solved so that the top
///   employee's share is `topTokens / totalTokens`; the amounts are apportioned in integers so the top employee
///   has exactly `topTokens` and everyone together exactly `totalTokens`. Keys `emp-NNNNN` are dealt to ranks by
///   a seeded shuffle.
/// - Everyone gets one event; the rest go roughly in proportion to the square root of each employee's tokens.
///   Each employee's tokens are split exactly over their days and events, and each event's over the four counts
///   (cache reads about three quarters, cache writes and input about a tenth each, output 4 to 7 percent).
/// - Each employee has a time zone, a preferred model, a preferred tool, and sessions of a few to twenty
///   requests, mostly in working hours and on weekdays.
/// - Events come out in time order, one UTC day at a time, so memory holds one day's events, not the month's.
///
/// The output depends only on the configuration: the same seed gives byte-identical logs on a given platform.
/// (The exponent and the token weights pass through `exp`/`log`, which platforms may round differently.)
public struct WorkloadGenerator: Sendable {
    /// The configuration, validated.
    public let config: WorkloadConfig
    /// The solved power-law exponent `s`.
    public let exponent: Double

    /// A generator for `config`, which must pass `validate()`.
    public init(config: WorkloadConfig) throws(WorkloadConfig.Invalid) {
        try config.validate()
        self.config = config
        exponent =
            config.totalTokens == 0
            ? 0
            : Self.solveExponent(
                employees: config.employees,
                topShare: Double(config.topTokens) / Double(config.totalTokens)
            )
    }

    /// The key of employee `number` (1-based): `emp-` and the number zero-padded to the width of the employee
    /// count.
    public func employeeKey(number: Int) -> String {
        ASCII.label("emp-", number, width: Self.digits(config.employees))
    }

    /// Generates the log, handing each event to `emit` in time order, and returns the manifest of exactly the
    /// events emitted, priced with `priceBook`. `progress` hears the number of events emitted so far every 65,536
    /// events and at the end.
    public func generate(
        priceBook: PriceBook,
        emit: (UsageEvent) throws -> Void,
        progress: ((Int) -> Void)? = nil
    ) rethrows -> Manifest {
        var plan = Plan(config: config, exponent: exponent)
        var builder = ManifestBuilder(priceBook: priceBook)
        let idWidth = Self.digits(config.events)
        let keyWidth = Self.digits(config.employees)
        var records: [Record] = []
        var emitted = 0
        for day in 0..<config.days {
            records.removeAll(keepingCapacity: true)
            plan.events(onDay: day, into: &records)
            records.sort(by: <)
            let dayStart = config.startDay.adding(days: day).startMillis
            for record in records {
                emitted += 1
                let rank = record.rank
                let event = UsageEvent(
                    id: ASCII.label("e-", emitted, width: idWidth),
                    timestampMillis: dayStart + record.time,
                    employee: plan.keys[rank],
                    model: plan.modelNames[Int(record.model)],
                    tool: plan.toolNames[Int(record.tool)],
                    session: ASCII.label("s-", plan.numbers[rank], width: keyWidth, Int(record.session), width: 4),
                    counts: record.counts
                )
                builder.add(event)
                try emit(event)
                if emitted & 0xFFFF == 0 { progress?(emitted) }
            }
        }
        progress?(emitted)
        return builder.build(config: config, exponent: exponent)
    }

    /// The exponent `s` for which rank 1 holds `topShare` of `Σ rank^-s` over `employees` ranks, by bisection
    /// (the share rises monotonically with `s`). A share at or below the average gives 0, everyone equal.
    static func solveExponent(employees: Int, topShare: Double) -> Double {
        guard employees > 1, topShare > 1 / Double(employees) else { return 0 }
        let n = employees
        // Sum exactly over the first ranks and close the tail with Euler–Maclaurin, so a million employees cost no
        // more than a hundred thousand.
        let exact = min(n, 100_000)
        let logs = (1...exact).map { log(Double($0)) }
        func share(_ s: Double) -> Double {
            var h = 0.0
            for l in logs { h += exp(-s * l) }
            if n > exact {
                let a = Double(exact + 1)
                let b = Double(n)
                let integral = abs(s - 1) < 1e-12 ? log(b / a) : (pow(b, 1 - s) - pow(a, 1 - s)) / (1 - s)
                let ends = (pow(a, -s) + pow(b, -s)) / 2
                let slopes = (-s * pow(b, -s - 1) + s * pow(a, -s - 1)) / 12
                h += integral + ends + slopes
            }
            return 1 / h
        }
        var low = 0.0
        var high = 1.0
        while share(high) < topShare && high < 512 {
            low = high
            high *= 2
        }
        for _ in 0..<200 where high - low > 1e-15 {
            let mid = (low + high) / 2
            if share(mid) < topShare { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    static func digits(_ value: Int) -> Int {
        var count = 1
        var v = value
        while v >= 10 {
            v /= 10
            count += 1
        }
        return count
    }
}
