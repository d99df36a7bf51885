import Foundation
import TokenBoardCore

/// One event of the day being generated, before it gets its strings. Small, so a day of millions sorts quickly.
struct Record {
    /// Milliseconds into the UTC day (below 2^27) above the employee's rank (below 2^27, as employees are at most
    /// 100 million): the sort key, so events at the same millisecond come in rank order.
    var timeAndRank: UInt64
    /// The event's index among its employee's events that day; the final tie-break.
    var sequence: UInt32
    var model: UInt16
    var tool: UInt16
    var session: UInt32
    var counts: TokenCounts

    init(time: Int64, rank: Int, sequence: UInt32, model: UInt16, tool: UInt16, session: UInt32, counts: TokenCounts) {
        timeAndRank = UInt64(time) << 27 | UInt64(rank)
        self.sequence = sequence
        self.model = model
        self.tool = tool
        self.session = session
        self.counts = counts
    }

    var time: Int64 { Int64(timeAndRank >> 27) }
    var rank: Int { Int(timeAndRank & ((1 << 27) - 1)) }

    static func < (a: Record, b: Record) -> Bool {
        a.timeAndRank != b.timeAndRank ? a.timeAndRank < b.timeAndRank : a.sequence < b.sequence
    }
}

/// Everything decided before the first event: who holds how many tokens and events on which day, and their
/// habits.
struct Plan {
    // Streams of the seed, one per purpose (top byte) and, where it matters, per employee and day.
    static let shuffleStream: UInt64 = 1 << 56
    static let profileStream: UInt64 = 2 << 56
    static let daySplitStream: UInt64 = 3 << 56
    static let eventStream: UInt64 = 4 << 56

    /// Weekend days see this fraction of a weekday's traffic.
    static let weekendWeight = 0.3
    /// Relative traffic by local hour: quiet nights, a morning ramp, a lunch dip, a long afternoon.
    static let hourWeights: [Double] = [
        0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.5, 1.2, 3, 5, 6, 6, 4, 5.5, 6, 6, 5, 3.5, 2, 1.5, 1.2, 1, 0.6, 0.3,
    ]
    /// UTC offsets in minutes of the company's offices and their weights: US west and east, UK, central Europe,
    /// India, Singapore.
    static let zones: [(minutes: Int, weight: Double)] = [
        (-480, 20), (-300, 30), (0, 15), (60, 15), (330, 12), (480, 8),
    ]

    let config: WorkloadConfig
    let days: Int
    /// Employee numbers (1-based) and keys by rank (0 is the top employee).
    var numbers: [Int]
    var keys: [String]
    var modelNames: [String]
    var toolNames: [String]
    var tokens: [UInt64]
    var eventCounts: [Int]
    var preferredModel: [UInt16]
    var preferredTool: [UInt16]
    var zoneMinutes: [Int16]
    /// Per rank and day (`rank * days + day`).
    var dayEvents: [UInt32]
    var dayTokens: [UInt64]
    /// The next session number of each rank.
    var nextSession: [UInt32]

    let mainstream: Sampler
    let occasional: Sampler
    /// The fraction of events on occasional models.
    let occasionalShare: Double
    let toolSampler: Sampler
    let hourSampler = Sampler(weights: Plan.hourWeights)
    let zoneSampler = Sampler(weights: Plan.zones.map(\.weight))

    init(config: WorkloadConfig, exponent: Double) {
        self.config = config
        let n = config.employees
        days = config.days
        modelNames = config.models.map(\.name)
        toolNames = config.tools.map(\.name)
        let totalWeight = config.models.reduce(0) { $0 + $1.weight }
        let isOccasional = config.models.map { $0.weight < WorkloadConfig.occasionalShare * totalWeight }
        mainstream = Sampler(weights: zip(config.models, isOccasional).map { $1 ? 0 : $0.weight })
        occasional = Sampler(weights: zip(config.models, isOccasional).map { $1 ? $0.weight : 0 })
        occasionalShare = zip(config.models, isOccasional).reduce(0) { $0 + ($1.1 ? $1.0.weight : 0) } / totalWeight
        toolSampler = Sampler(weights: config.tools.map(\.weight))

        // Keys to ranks: a seeded Fisher–Yates shuffle, with rank 1 kept off emp-1 so nobody mistakes key order
        // for rank order.
        var shuffle = Xoshiro256StarStar(seed: config.seed, stream: Self.shuffleStream)
        numbers = Array(1...n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                numbers.swapAt(i, Int(shuffle.next(below: UInt64(i + 1))))
            }
            if numbers[0] == 1 { numbers.swapAt(0, 1) }
        }
        let width = WorkloadGenerator.digits(n)
        keys = numbers.map { ASCII.label("emp-", $0, width: width) }

        tokens = Self.employeeTokens(config: config, exponent: exponent)
        eventCounts = Self.employeeEvents(config: config, tokens: tokens)

        var profile = Xoshiro256StarStar(seed: config.seed, stream: Self.profileStream)
        preferredModel = []
        preferredTool = []
        zoneMinutes = []
        preferredModel.reserveCapacity(n)
        preferredTool.reserveCapacity(n)
        zoneMinutes.reserveCapacity(n)
        for _ in 0..<n {
            preferredModel.append(UInt16(mainstream.pick(&profile)))
            preferredTool.append(UInt16(toolSampler.pick(&profile)))
            zoneMinutes.append(Int16(Self.zones[zoneSampler.pick(&profile)].minutes))
        }

        dayEvents = [UInt32](repeating: 0, count: n * days)
        dayTokens = [UInt64](repeating: 0, count: n * days)
        nextSession = [UInt32](repeating: 1, count: n)
        let base = (0..<days).map { day -> Double in
            // Day 0 (1970-01-01) was a Thursday; 0 here is Monday.
            let weekday = (Int(config.startDay.number) + day + 3) % 7
            return weekday >= 5 ? Self.weekendWeight : 1
        }
        for rank in 0..<n { splitOverDays(rank: rank, base: base) }
    }

    /// Each rank's exact total: rank 1 gets `topTokens`, the rest share the remainder by the power law.
    static func employeeTokens(config: WorkloadConfig, exponent: Double) -> [UInt64] {
        let n = config.employees
        var tokens = [config.topTokens]
        if n > 1 {
            let weights = (2...n).map { exp(-exponent * log(Double($0))) }
            tokens += Apportionment.largestRemainder(config.totalTokens - config.topTokens, weights: weights)
            // Rounding may lift a near-equal runner-up a token above the top; hand any such excess down the list.
            var excess: UInt64 = 0
            for rank in 1..<n where tokens[rank] > config.topTokens {
                excess += tokens[rank] - config.topTokens
                tokens[rank] = config.topTokens
            }
            var rank = n - 1
            while excess > 0 && rank > 0 {
                let room = min(config.topTokens - tokens[rank], excess)
                tokens[rank] += room
                excess -= room
                rank -= 1
            }
        }
        return tokens
    }

    /// Each rank's event count: one each, the rest by the square root of their tokens, never more events than
    /// tokens where that can be helped.
    static func employeeEvents(config: WorkloadConfig, tokens: [UInt64]) -> [Int] {
        let n = config.employees
        let extra = Apportionment.largestRemainder(
            UInt64(config.events - n),
            weights: tokens.map { Double($0).squareRoot() }
        )
        var events = extra.map { Int($0) + 1 }
        var overflow = 0
        for rank in 0..<n where UInt64(events[rank]) > max(1, tokens[rank]) {
            overflow += events[rank] - Int(max(1, tokens[rank]))
            events[rank] = Int(max(1, tokens[rank]))
        }
        for rank in 0..<n where overflow > 0 && tokens[rank] > UInt64(events[rank]) {
            let room = Int(min(tokens[rank] - UInt64(events[rank]), UInt64(overflow)))
            events[rank] += room
            overflow -= room
        }
        // Fewer tokens than events overall: some events carry none.
        events[0] += overflow
        return events
    }

    /// Deals a rank's events to days (weekdays favoured, some days off) and its tokens to those days.
    mutating func splitOverDays(rank: Int, base: [Double]) {
        var rng = Xoshiro256StarStar(seed: config.seed, stream: Self.daySplitStream | UInt64(rank))
        var weights = base.map { $0 * (rng.chance(0.85) ? rng.nextDouble(in: 0.5, 1.5) : 0) }
        if !weights.contains(where: { $0 > 0 }) { weights = base }
        let sampler = Sampler(weights: weights)
        let row = rank * days
        for _ in 0..<eventCounts[rank] {
            dayEvents[row + sampler.pick(&rng)] += 1
        }
        var cumulative: [UInt64] = []
        cumulative.reserveCapacity(days)
        var sum: UInt64 = 0
        for day in 0..<days {
            let events = UInt64(dayEvents[row + day])
            if events > 0 { sum += events * UInt64(rng.nextDouble(in: 0.7, 1.3) * 1024) }
            cumulative.append(sum)
        }
        let total = tokens[rank]
        var previous: UInt64 = 0
        for day in 0..<days {
            let upTo = Apportionment.share(total, cumulative[day], of: sum)
            dayTokens[row + day] = upTo - previous
            previous = upTo
        }
    }

    /// Appends every event of `day`, in no particular order.
    mutating func events(onDay day: Int, into records: inout [Record]) {
        var weights: [UInt64] = []
        for rank in 0..<config.employees {
            let count = Int(dayEvents[rank * days + day])
            guard count > 0 else { continue }
            let total = dayTokens[rank * days + day]
            var rng = Xoshiro256StarStar(
                seed: config.seed,
                stream: Self.eventStream | UInt64(day) << 32 | UInt64(rank)
            )
            // Exponential weights: most requests modest, a few very large.
            weights.removeAll(keepingCapacity: true)
            var sum: UInt64 = 0
            for _ in 0..<count {
                let w = 1 + UInt64(-log(rng.nextOpenDouble()) * 4096)
                weights.append(w)
                sum += w
            }
            let perSession = 3 + Int(rng.next(below: 18))
            let sessions = (count + perSession - 1) / perSession
            let firstSession = nextSession[rank]
            nextSession[rank] += UInt32(sessions)
            let zone = Int64(zoneMinutes[rank]) * 60_000
            var cumulative: UInt64 = 0
            var assigned: UInt64 = 0
            for session in 0..<sessions {
                let first = count * session / sessions
                let end = count * (session + 1) / sessions
                var local = Int64(hourSampler.pick(&rng)) * 3_600_000 + Int64(rng.next(below: 3_600_000))
                for index in first..<end {
                    if index > first { local += 5_000 + Int64(-log(rng.nextOpenDouble()) * 90_000) }
                    // Local working hours shifted to UTC, folded into this UTC day.
                    var time = (local - zone) % RFC3339.millisPerDay
                    if time < 0 { time += RFC3339.millisPerDay }
                    cumulative += weights[index]
                    let upTo = Apportionment.share(total, cumulative, of: sum)
                    let tokens = upTo - assigned
                    assigned = upTo
                    records.append(
                        Record(
                            time: time,
                            rank: rank,
                            sequence: UInt32(index),
                            model: UInt16(pickModel(rank: rank, &rng)),
                            tool: UInt16(
                                rng.chance(config.preferredToolShare)
                                    ? Int(preferredTool[rank]) : toolSampler.pick(&rng)
                            ),
                            session: firstSession + UInt32(session),
                            counts: Self.split(tokens, &rng)
                        )
                    )
                }
            }
        }
    }

    func pickModel(rank: Int, _ rng: inout Xoshiro256StarStar) -> Int {
        if occasionalShare > 0 && rng.chance(occasionalShare) { return occasional.pick(&rng) }
        return rng.chance(config.preferredModelShare) ? Int(preferredModel[rank]) : mainstream.pick(&rng)
    }

    /// One request's tokens over the four counts, exactly; cache reads take what the others leave, 69 to 84
    /// percent, so they are always the largest.
    static func split(_ tokens: UInt64, _ rng: inout Xoshiro256StarStar) -> TokenCounts {
        let t = Double(tokens)
        let input = UInt64(t * rng.nextDouble(in: 0.07, 0.13))
        let output = UInt64(t * rng.nextDouble(in: 0.04, 0.07))
        let cacheWrite = UInt64(t * rng.nextDouble(in: 0.05, 0.11))
        return TokenCounts(
            input: input,
            output: output,
            cacheWrite: cacheWrite,
            cacheRead: tokens - input - output - cacheWrite
        )
    }
}
