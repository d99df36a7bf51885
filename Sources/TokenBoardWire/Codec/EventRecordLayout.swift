/// The layout an ingest batch's event records travel in: wide (`EventBatch+Wire`) in an `ingest` message, compact
/// (`CompactEventLayout`) in a `compactIngest` one. The string tables before them are the same in both.
enum EventRecordLayout: Sendable {
    case wide
    case compact
}
