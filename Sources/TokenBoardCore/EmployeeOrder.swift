/// The order in which a shard applies a batch's events: grouped by shard-local employee id, ascending, each
/// employee's events in arrival order.
///
/// Everything a shard keeps per employee (the ranking index's entry, the detail record and recent cells, the
/// latest session run) sits in arrays indexed by that id. A large batch taken in arrival order reaches them at
/// random, a cache miss per array per event once a shard has more employees than its caches hold; taken in id
/// order it sweeps each array once from low to high, which the CPU's prefetchers stream. An employee's events
/// keep their relative order and employees share no counters, so the result is that of arrival order.
struct EmployeeOrder {
    /// Below this many events a batch is applied in arrival order: sorting would cost more than it saves.
    static let minimumEvents = 512

    /// Event indices in application order, or nil for arrival order.
    let indices: [Int32]?
    /// In application order the events are grouped by `employee >> bucketShift`, ascending.
    let bucketShift: Int

    /// The order of `events`, whose `employee` fields index `localIDs` (the shard-local id of each of the batch's
    /// employees, all below `employeeCount`).
    init(events: [BatchedEvent], localIDs: [Int32], employeeCount: Int) {
        guard events.count >= Self.minimumEvents, employeeCount > 1 else {
            indices = nil
            bucketShift = 0
            return
        }
        // A counting sort on the id's high bits with at most about one bucket per event: a full sort when the
        // shard has no more employees than the batch has events, otherwise runs of a few neighbouring ids per
        // bucket, which are as good for the caches and keep the bucket table small for a small batch.
        var shift = 0
        while (employeeCount - 1) >> shift >= events.count { shift += 1 }
        let bucketCount = ((employeeCount - 1) >> shift) + 1
        var starts = [Int32](repeating: 0, count: bucketCount + 1)
        var sorted = [Int32](repeating: 0, count: events.count)
        events.withUnsafeBufferPointer { events in
            localIDs.withUnsafeBufferPointer { localIDs in
                starts.withUnsafeMutableBufferPointer { starts in
                    for event in events {
                        starts[Int(localIDs[Int(event.employee)]) >> shift + 1] &+= 1
                    }
                    for bucket in 0..<bucketCount { starts[bucket + 1] &+= starts[bucket] }
                    sorted.withUnsafeMutableBufferPointer { sorted in
                        for (index, event) in events.enumerated() {
                            let bucket = Int(localIDs[Int(event.employee)]) >> shift
                            sorted[Int(starts[bucket])] = Int32(truncatingIfNeeded: index)
                            starts[bucket] &+= 1
                        }
                    }
                }
            }
        }
        indices = sorted
        bucketShift = shift
    }

    /// The first position from `position` on at which, in application order, no employee has events both before
    /// and after: where the events can be split between two threads that each keep some employees' counters.
    /// `employeeAt(i)` is the shard-local id of the event at position `i` of `count`. In arrival order only the
    /// ends qualify.
    func split(near position: Int, count: Int, employeeAt: (Int) -> Int32) -> Int {
        guard position > 0 else { return 0 }
        guard indices != nil else { return count }
        var end = Swift.min(position, count)
        guard end < count else { return count }
        let bucket = employeeAt(end - 1) >> bucketShift
        while end < count && employeeAt(end) >> bucketShift == bucket { end += 1 }
        return end
    }
}
