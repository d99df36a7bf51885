import NIOCore
import TokenBoardCore

/// A received ingest batch read for the worker that applies it: the bytes are `EventBatch`'s encoding in either
/// record layout (`EventBatch+Wire`, `CompactEventLayout`, docs/PROTOCOL.md), read in one pass without creating a
/// `String` per employee or session. Employee keys go into a `KeyTable` with their CRC-32C, session ids become their
/// `EventKey` digests (all a shard keeps of them), and the events' `EventBounds` are gathered while the events are
/// decoded. The same bytes are refused as `EventBatch(wire:)` and `CompactEventLayout.readBatch` refuse them
/// (truncation, over-long or invalid UTF-8 strings, forged counts).
extension IngestBatch {
    init(wire buffer: inout ByteBuffer, layout: EventRecordLayout) throws(WireError) {
        var employees = KeyTable()
        try buffer.readWireUTF8Strings { index, count, utf8 in
            if index == 0 { employees.reserveCapacity(keys: count, byteCount: count * Self.typicalKeyBytes) }
            employees.append(utf8: utf8)
        }
        let models = try buffer.readWireStrings()
        let tools = try buffer.readWireStrings()
        var sessionKeys: [UInt64] = []
        try buffer.readWireUTF8Strings { index, count, utf8 in
            if index == 0 { sessionKeys.reserveCapacity(count) }
            sessionKeys.append(EventKey.digest(utf8: utf8))
        }
        var bounds = EventBounds()
        let events =
            switch layout {
            case .wide: try EventBatch.readEvents(from: &buffer) { bounds.include($0) }
            case .compact: try CompactEventLayout.readEvents(from: &buffer) { bounds.include($0) }.events
            }
        self.init(
            employees: employees,
            models: models,
            tools: tools,
            sessionKeys: sessionKeys,
            events: events,
            bounds: bounds
        )
    }

    /// A first guess at an employee key's length, so a table of usual keys is not grown step by step.
    private static let typicalKeyBytes = 24
}
