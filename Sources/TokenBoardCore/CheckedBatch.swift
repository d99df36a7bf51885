/// A batch `ShardStore.check` has passed, so applying it cannot fail: the worker checks a batch before logging it
/// and then applies it without validating every event a second time.
public struct CheckedBatch: Sendable {
    public let batch: IngestBatch

    init(batch: IngestBatch) {
        self.batch = batch
    }
}
