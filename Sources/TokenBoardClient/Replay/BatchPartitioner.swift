import TokenBoardCore

/// Splits source batches (a binary log's blocks, or parsed events interned into a batch) into one batch per owning
/// worker, keeping the events' order, so that the replayer never hashes a string per event.
///
/// Each distinct employee of a source batch is routed once (`ShardMap.ownerIndex`). Arrays indexed by the source's
/// table indices (per worker for models, tools and sessions) remember where each name already sits in a worker's
/// batch, stamped with that worker's current stamp; the worker gets a new stamp with every new source batch and
/// every batch taken, which forgets every remembered index at once without clearing the arrays.
///
/// A worker's batches hold the same events as `EventBatchBuilder` fed the events one by one would give, batch for
/// batch. Within one source batch the tables are the builder's too; a batch that takes events from two source
/// batches may name a string once per source (finding it again would mean hashing it), which a worker resolves
/// like any other entry.
struct BatchPartitioner {
    /// One worker's batch being filled.
    private struct Pending {
        var batch = EventBatch()
        var stamp: UInt32 = 0
    }

    let map: ShardMap
    private var pending: [Pending]
    private var source = EventBatch()
    /// Per source employee: the owner's index in `map.workers`.
    private var owners: [Int] = []
    /// Where each source name already sits in each worker's batch.
    private var remembered = Remembered()
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
        remembered.grow(for: batch, workers: pending.count)
        for worker in pending.indices { advanceStamp(of: worker) }
    }

    /// Appends event `index` of the current source batch to its owner's batch and returns the owner. When that batch
    /// cannot take the event (its model or tool table already names 65,536) it is returned as `overflow` and the
    /// event starts the next one: send `overflow` first.
    mutating func append(_ index: Int) -> (worker: Int, overflow: EventBatch?) {
        let worker = owners[Int(source.events[index].employee)]
        guard appendEvents(index..<index + 1, fillingUpTo: .max) == index else { return (worker, nil) }
        let overflow = take(worker)
        let appended = appendEvents(index..<index + 1, fillingUpTo: .max)
        precondition(appended == index + 1, "an empty batch takes any event")
        return (worker, overflow)
    }

    /// Routes events from the start of `range` of the current source batch, in order, and hands out the batches
    /// that are then ready, in the order to send them: one that could not take its next event (a full model or tool
    /// table) and every one that reached `limit` events. Returns the first event not routed yet and those batches;
    /// a caller routing a whole range calls again from there until it reaches the range's end.
    mutating func routeEvents(
        _ range: Range<Int>,
        fillingUpTo limit: Int
    ) -> (next: Int, ready: [(worker: Int, batch: EventBatch)]) {
        var ready: [(worker: Int, batch: EventBatch)] = []
        var next = appendEvents(range, fillingUpTo: limit)
        if next == range.lowerBound && !range.isEmpty {
            // The event's owner's batch names 65,536 models or tools already and cannot take it.
            let (worker, overflow) = append(next)
            if let overflow { ready.append((worker, overflow)) }
            next += 1
        }
        for worker in pending.indices where pending[worker].batch.events.count >= limit {
            ready.append((worker, take(worker)))
        }
        return (next, ready)
    }

    /// Appends events `range` of the current source batch, in order, to their owners' batches, and stops after the
    /// event that brings a batch to `limit` events, or before an event its owner's batch cannot take (a full model
    /// or tool table: `append(_:)` hands that batch back). Returns the first event not appended.
    ///
    /// An event's employee and session entries are random accesses into arrays the size of the source's tables,
    /// so they are asked for several events ahead of use.
    mutating func appendEvents(_ range: Range<Int>, fillingUpTo limit: Int) -> Int {
        let events = source.events
        let owners = self.owners
        let workers = pending.count
        let lookahead = 8
        var index = range.lowerBound
        // Moved out while routing, so that `route` may change the rest of `self`.
        var remembered = self.remembered
        self.remembered = Remembered()
        defer { self.remembered = remembered }
        events.withUnsafeBufferPointer { events in
            owners.withUnsafeBufferPointer { owners in
                remembered.withEntries { entries in
                    while index < range.upperBound {
                        if index + lookahead < range.upperBound {
                            let employee = Int(events[index + lookahead].employee)
                            Prefetch.line(owners.baseAddress.unsafelyUnwrapped + employee)
                            Prefetch.line(entries.employees + employee)
                        }
                        if index + lookahead / 2 < range.upperBound {
                            // The owner's entry was asked for above, so it is in by now.
                            let ahead = events[index + lookahead / 2]
                            Prefetch.line(
                                entries.sessions + Int(ahead.session) * workers + owners[Int(ahead.employee)]
                            )
                        }
                        let event = events[index]
                        let worker = owners[Int(event.employee)]
                        guard fits(event, in: worker, entries) else { return }
                        pending[worker].batch.events.append(route(event, to: worker, entries))
                        index += 1
                        if pending[worker].batch.events.count >= limit { return }
                    }
                }
            }
        }
        return index
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

    /// The event with its names moved from the source's tables to `worker`'s batch's, appending each name the
    /// first time that batch meets it.
    @inline(__always)
    private mutating func route(_ event: BatchedEvent, to worker: Int, _ entries: Remembered.Entries) -> BatchedEvent {
        let stamp = UInt64(pending[worker].stamp) << 32
        let workers = pending.count
        var routed = event
        let employee = Int(event.employee)
        routed.employee = Self.slot(
            entries.employees + employee,
            stamp,
            name: employee,
            of: source.employees,
            into: &pending[worker].batch.employees
        )
        let model = Int(event.model)
        routed.model = UInt16(
            truncatingIfNeeded: Self.slot(
                entries.models + model * workers + worker,
                stamp,
                name: model,
                of: source.models,
                into: &pending[worker].batch.models
            )
        )
        let tool = Int(event.tool)
        routed.tool = UInt16(
            truncatingIfNeeded: Self.slot(
                entries.tools + tool * workers + worker,
                stamp,
                name: tool,
                of: source.tools,
                into: &pending[worker].batch.tools
            )
        )
        let session = Int(event.session)
        routed.session = Self.slot(
            entries.sessions + session * workers + worker,
            stamp,
            name: session,
            of: source.sessions,
            into: &pending[worker].batch.sessions
        )
        return routed
    }

    /// The index in `table` of source name `name`, whose entry is `entry`, appending the name the first time.
    @inline(__always)
    private static func slot(
        _ entry: UnsafeMutablePointer<UInt64>,
        _ stamp: UInt64,
        name: Int,
        of names: [String],
        into table: inout [String]
    ) -> UInt32 {
        let known = entry.pointee
        if known & ~0xFFFF_FFFF == stamp { return UInt32(truncatingIfNeeded: known) }
        let position = UInt32(table.count)
        entry.pointee = stamp | UInt64(position)
        table.append(names[name])
        return position
    }

    /// Whether the event's model and tool fit the worker's tables (each addresses at most 65,536 names).
    @inline(__always)
    private func fits(_ event: BatchedEvent, in worker: Int, _ entries: Remembered.Entries) -> Bool {
        let limit = Int(UInt16.max) + 1
        let modelsFull = pending[worker].batch.models.count >= limit
        let toolsFull = pending[worker].batch.tools.count >= limit
        // Rare: only a batch that already names 65,536 models or tools needs the full check.
        guard modelsFull || toolsFull else { return true }
        let stamp = UInt64(pending[worker].stamp) << 32
        let workers = pending.count
        // A full table takes the event only when it already names the event's model or tool.
        if modelsFull, entries.models[Int(event.model) * workers + worker] & ~0xFFFF_FFFF != stamp { return false }
        if toolsFull, entries.tools[Int(event.tool) * workers + worker] & ~0xFFFF_FFFF != stamp { return false }
        return true
    }

    /// Gives the worker a stamp no worker has had yet, forgetting every index remembered under its old one. Stamps
    /// come from one counter for all workers, so an employee entry left by another worker never matches. After
    /// 2³² - 1 stamps every array is cleared once, so an old entry can never match a reused stamp.
    private mutating func advanceStamp(of worker: Int) {
        if lastStamp == .max {
            lastStamp = 0
            remembered.clear()
            for other in pending.indices {
                // Their batches then repeat a name they hold at most once more: still a valid batch.
                lastStamp += 1
                pending[other].stamp = lastStamp
            }
        }
        lastStamp += 1
        pending[worker].stamp = lastStamp
    }
}

/// Where each name of a source batch already sits in each worker's batch: `stamp << 32 | index in the batch`, an
/// entry being current only under the worker's current stamp.
private struct Remembered {
    /// Per source employee (who has one owner).
    var employees: [UInt64] = []
    /// Per source model, tool and session, and per worker (`index * workers + worker`). One array each rather than
    /// one per worker, so the loop over a source batch reaches them through one pointer apiece, and a name's
    /// entries for every worker share a cache line.
    var models: [UInt64] = []
    var tools: [UInt64] = []
    var sessions: [UInt64] = []

    /// The arrays' storage.
    struct Entries {
        var employees: UnsafeMutablePointer<UInt64>
        var models: UnsafeMutablePointer<UInt64>
        var tools: UnsafeMutablePointer<UInt64>
        var sessions: UnsafeMutablePointer<UInt64>
    }

    /// Makes room for the names of `batch` for `workers` workers.
    mutating func grow(for batch: EventBatch, workers: Int) {
        Self.grow(&employees, to: batch.employees.count)
        Self.grow(&models, to: workers * batch.models.count)
        Self.grow(&tools, to: workers * batch.tools.count)
        Self.grow(&sessions, to: workers * batch.sessions.count)
    }

    /// Forgets every entry.
    mutating func clear() {
        for i in employees.indices { employees[i] = 0 }
        for i in models.indices { models[i] = 0 }
        for i in tools.indices { tools[i] = 0 }
        for i in sessions.indices { sessions[i] = 0 }
    }

    /// Runs `body` with the arrays' storage, each checked for sole ownership once rather than per event.
    @inline(__always)
    mutating func withEntries<Result>(_ body: (Entries) -> Result) -> Result {
        // An array never allocated has no storage to point at; one entry makes sure every pointer is real.
        if employees.isEmpty { employees.append(0) }
        if models.isEmpty { models.append(0) }
        if tools.isEmpty { tools.append(0) }
        if sessions.isEmpty { sessions.append(0) }
        return employees.withUnsafeMutableBufferPointer { employees in
            models.withUnsafeMutableBufferPointer { models in
                tools.withUnsafeMutableBufferPointer { tools in
                    sessions.withUnsafeMutableBufferPointer { sessions in
                        body(
                            Entries(
                                employees: employees.baseAddress.unsafelyUnwrapped,
                                models: models.baseAddress.unsafelyUnwrapped,
                                tools: tools.baseAddress.unsafelyUnwrapped,
                                sessions: sessions.baseAddress.unsafelyUnwrapped
                            )
                        )
                    }
                }
            }
        }
    }

    private static func grow(_ slots: inout [UInt64], to count: Int) {
        if slots.count < count { slots.append(contentsOf: repeatElement(0, count: count - slots.count)) }
    }
}
