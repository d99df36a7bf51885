import Dispatch

/// Two pieces of work run side by side on two threads, or one after the other, returning when both are done: how a
/// shard applies one large batch on two cores (`ShardStore.applyThreads`).
///
/// The two closures must touch disjoint state: each may write only what the other neither reads nor writes, and
/// both may read what neither writes. Nothing here checks that (the closures cross threads unchecked, which Swift's
/// `Sendable` checking cannot see into), so every caller states the split it relies on.
enum ForkJoin {
    /// Runs `first` and `second`: on two threads when `concurrently`, otherwise `first`, then `second`.
    @inline(__always)
    static func run(concurrently: Bool, _ first: () -> Void, _ second: () -> Void) {
        guard concurrently else {
            first()
            second()
            return
        }
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let work = Work(first: first, second: second)
                // The calling thread takes one of the two; if no other thread is free in time, it takes both.
                DispatchQueue.concurrentPerform(iterations: 2) { index in
                    if index == 0 { work.first() } else { work.second() }
                }
            }
        }
    }

    /// The closures, handed to the second thread; they outlive neither `run` nor its caller's state.
    private struct Work: @unchecked Sendable {
        let first: () -> Void
        let second: () -> Void
    }
}
