import TokenBoardCore

/// Splits source batches (a binary log's blocks, or parsed events interned into a batch) into one batch per owning
/// worker, keeping the events' order, so that the replayer never hashes a string per event.
///
/// Each distinct employee of a source batch is routed once (`ShardMap.ownerIndex`). Per worker, arrays indexed by
/// the source's table indices remember where each name already sits in that worker's batch, stamped with the
/// worker's current stamp; the worker gets a new stamp with every new source batch and every batch taken, which
/// forgets every remembered index at once without clearing the arrays.
///
/// A worker's batches hold the same events as `EventBatchBuilder` fed the events one by one would give, batch for
/// batch. Within one source batch the tables are the builder's too; a batch that takes events from two source
/// batches may name a string once per source (finding it again would mean hashing it), which a worker resolves
/// like any other entry.
struct BatchPartitioner {
    /// One worker's batch being filled and what its tables already hold.
    private struct Pending {
        var batch = EventBatch()
        var stamp: UInt32 = 0
        /// Per source model, tool and session index: `stamp << 32 | index in batch` when the name is in `batch`.
        var models: [UInt64] = []
        var tools: [UInt64] = []
        var sessions: [UInt64] = []

        /// Appends `event` (its employee already routed) with its model, tool and session moved from the source's
        /// tables to this batch's.
        @inline(__always)
        mutating func appendRouting(_ event: inout BatchedEvent, from source: EventBatch) {
            let stamp = UInt64(self.stamp) << 32
            event.model = UInt16(
                truncatingIfNeeded: Self.slot(Int(event.model), stamp, &models, &batch.models, source.models)
            )
            event.tool = UInt16(
                truncatingIfNeeded: Self.slot(Int(event.tool), stamp, &tools, &batch.tools, source.tools)
            )
            event.session = Self.slot(Int(event.session), stamp, &sessions, &batch.sessions, source.sessions)
            batch.events.append(event)
        }

        /// The index in `table` of source name `index`, appending the name the first time.
        @inline(__always)
        private static func slot(
            _ index: Int,
            _ stamp: UInt64,
            _ slots: inout [UInt64],
            _ table: inout [String],
            _ names: [String]
        ) -> UInt32 {
            let known = slots[index]
            if known & ~0xFFFF_FFFF == stamp { return UInt32(truncatingIfNeeded: known) }
            let position = UInt32(table.count)
            slots[index] = stamp | UInt64(position)
            table.append(names[index])
            return position
        }
    }

    let map: ShardMap
    private var pending: [Pending]
    private var source = EventBatch()
    /// Per source employee: the owner's index in `map.workers`.
    private var owners: [Int] = []
    /// Per source employee: `owner's stamp << 32 | index in the owner's batch`.
    private var employees: [UInt64] = []
    private let capacity: Int
    /// The last stamp handed out; 0 is never one, so zeroed arrays remember nothing.
    private var lastStamp: UInt32 = 0

    /// A partitioner for `map`'s workers whose batches are expected to grow to about `capacity` events.
    init(map: ShardMap, capacity: Int) {
        self.map = map
        self.capacity = capacity
        pending = Array(repeating: Pending(), count: map.workers.count)
        for worker in pending.indices {
            pending[worker].batch.events.reserveCapacity(capacity)
            advanceStamp(of: worker)
        }
    }

    /// The source batch whose events `append` routes.
    var current: EventBatch { source }

    /// Events in `worker`'s batch.
    func count(of worker: Int) -> Int { pending[worker].batch.events.count }

    /// Starts routing the events of `batch`; the events of the previous source batch stay in their workers' batches.
    mutating func start(_ batch: EventBatch) {
        source = batch
        owners.removeAll(keepingCapacity: true)
        owners.reserveCapacity(batch.employees.count)
        for employee in batch.employees { owners.append(map.ownerIndex(of: employee)) }
        Self.grow(&employees, to: batch.employees.count)
        for worker in pending.indices {
            advanceStamp(of: worker)
            Self.grow(&pending[worker].models, to: batch.models.count)
            Self.grow(&pending[worker].tools, to: batch.tools.count)
            Self.grow(&pending[worker].sessions, to: batch.sessions.count)
        }
    }

    /// Appends event `index` of the current source batch to its owner's batch and returns the owner. When that batch
    /// cannot take the event (its model or tool table already names 65,536) it is returned as `overflow` and the
    /// event starts the next one: send `overflow` first.
    @inline(__always)
    mutating func append(_ index: Int) -> (worker: Int, overflow: EventBatch?) {
        let event = source.events[index]
        let employee = Int(event.employee)
        let worker = owners[employee]
        var overflow: EventBatch?
        // Rare: only a batch that already names 65,536 models or tools needs the full check.
        if pending[worker].batch.models.count > Int(UInt16.max) || pending[worker].batch.tools.count > Int(UInt16.max),
            !fits(event, in: worker)
        {
            overflow = take(worker)
        }
        let stamp = UInt64(pending[worker].stamp) << 32
        var routed = event
        if employees[employee] & ~0xFFFF_FFFF == stamp {
            routed.employee = UInt32(truncatingIfNeeded: employees[employee])
        } else {
            routed.employee = UInt32(pending[worker].batch.employees.count)
            employees[employee] = stamp | UInt64(routed.employee)
            pending[worker].batch.employees.append(source.employees[employee])
        }
        pending[worker].appendRouting(&routed, from: source)
        return (worker, overflow)
    }

    /// Hands out `worker`'s batch and starts its next one.
    mutating func take(_ worker: Int) -> EventBatch {
        var next = EventBatch()
        next.events.reserveCapacity(capacity)
        let batch = pending[worker].batch
        pending[worker].batch = next
        advanceStamp(of: worker)
        return batch
    }

    /// Whether the event's model and tool fit the worker's tables (each addresses at most 65,536 names).
    private func fits(_ event: BatchedEvent, in worker: Int) -> Bool {
        let limit = Int(UInt16.max) + 1
        let stamp = UInt64(pending[worker].stamp) << 32
        // A full table takes the event only when it already names the event's model or tool.
        if pending[worker].batch.models.count >= limit, pending[worker].models[Int(event.model)] & ~0xFFFF_FFFF != stamp
        {
            return false
        }
        if pending[worker].batch.tools.count >= limit, pending[worker].tools[Int(event.tool)] & ~0xFFFF_FFFF != stamp {
            return false
        }
        return true
    }

    /// Gives the worker a stamp no worker has had yet, forgetting every index remembered under its old one. Stamps
    /// come from one counter for all workers, so an employee entry left by another worker never matches. After
    /// 2³² - 1 stamps every array is cleared once, so an old entry can never match a reused stamp.
    private mutating func advanceStamp(of worker: Int) {
        if lastStamp == .max {
            lastStamp = 0
            Self.clear(&employees)
            for other in pending.indices {
                Self.clear(&pending[other].models)
                Self.clear(&pending[other].tools)
                Self.clear(&pending[other].sessions)
                // Their batches then repeat a name they hold at most once more: still a valid batch.
                lastStamp += 1
                pending[other].stamp = lastStamp
            }
        }
        lastStamp += 1
        pending[worker].stamp = lastStamp
    }

    private static func grow(_ slots: inout [UInt64], to count: Int) {
        if slots.count < count { slots.append(contentsOf: repeatElement(0, count: count - slots.count)) }
    }

    private static func clear(_ slots: inout [UInt64]) {
        for i in slots.indices { slots[i] = 0 }
    }
}
