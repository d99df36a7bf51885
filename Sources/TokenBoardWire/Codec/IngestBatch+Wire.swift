import NIOCore
import TokenBoardCore

/// A received ingest batch read for the worker that applies it: the bytes are `EventBatch`'s encoding (see there
/// and docs/PROTOCOL.md), read in one pass without creating a `String` per employee or session. Employee keys go
/// into a `KeyTable` with their CRC-32C, session ids become their `EventKey` digests (all a shard keeps of them),
/// and the events' `EventBounds` are gathered while the events are decoded. The same bytes are refused as
/// `EventBatch(wire:)` refuses them (truncation, over-long or invalid UTF-8 strings, forged counts).
extension IngestBatch {
    init(wire buffer: inout ByteBuffer) throws(WireError) {
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
        let count = try buffer.readWireCount(minimumElementSize: EventBatch.encodedEventSize)
        var bounds = EventBounds()
        let recordSize = EventBatch.encodedEventSize
        let events = buffer.readWithUnsafeReadableBytes { raw -> (Int, [BatchedEvent]) in
            let events = [BatchedEvent](unsafeUninitializedCapacity: count) { storage, initialized in
                var offset = 0
                for index in 0..<count {
                    let event = EventBatch.loadEvent(raw, at: offset)
                    bounds.include(event)
                    (storage.baseAddress.unsafelyUnwrapped + index).initialize(to: event)
                    offset &+= recordSize
                }
                initialized = count
            }
            return (count * recordSize, events)
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
