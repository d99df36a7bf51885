import TokenBoardCore
import TokenBoardWorkload

/// Events for the benchmarks, made by the workload generator (so cells per employee are realistic) and cut
/// into ready-made batches, before any clock starts.
public enum SyntheticLoad {
    /// Generates `events` events over `employees` employees and returns them as batches of `batchSize`.
    public static func batches(
        employees: Int,
        events: Int,
        batchSize: Int,
        seed: UInt64 = 1,
        priceBook: PriceBook
    ) throws -> [EventBatch] {
        let config = WorkloadConfig(
            employees: employees,
            days: 30,
            totalTokens: UInt64(employees) * 700_000_000,
            topTokens: UInt64(employees) * 700_000_000 / 200,
            events: events,
            seed: seed
        )
        let generator = try WorkloadGenerator(config: config)
        var batches: [EventBatch] = []
        var builder = EventBatchBuilder()
        _ = generator.generate(
            priceBook: priceBook,
            emit: { event in
                builder.append(event)
                if builder.count >= batchSize { batches.append(builder.take()) }
            }
        )
        if builder.count > 0 { batches.append(builder.take()) }
        return batches
    }
}
