import NIOCore
import TokenBoardCore

/// The compact layout of an `EventBatch`, the batch of a `compactIngest` message (docs/PROTOCOL.md): the four
/// string tables as in the wide layout (`EventBatch+Wire`), then a u32 event count, the batch's timestamp base (i64,
/// Unix epoch milliseconds) and that many fixed 34-byte records, little-endian:
///
///     offset  0  employee         u16
///     offset  2  session          u16
///     offset  4  model            u8
///     offset  5  tool             u8
///     offset  6  timestamp        u32, milliseconds after the base
///     offset 10  eventKey         u64
///     offset 18  input            u32
///     offset 22  output           u32
///     offset 26  cacheWrite       u32
///     offset 30  cacheRead        u32
///
/// Why: the wide 60-byte records are mostly the zero high bytes of counts and indices, which LZ4 matches poorly
/// (to 78–85% of their size, at 60–100 ns of the sender's CPU per event). The same events in 34 bytes are smaller
/// than that already, and LZ4 gives up on them within about 10 ns an event; what it still saves is in the string
/// tables. A batch fits this layout when its tables can be indexed in 16 and 8 bits,
/// every count fits 32 bits and its timestamps span less than 2³² ms (49 days); a producer sends any other batch
/// in the wide layout.
enum CompactEventLayout {
    static let recordSize = 34

    /// The timestamp base `batch` is written with (its earliest timestamp), or nil when the batch does not fit the
    /// layout.
    static func timestampBase(of batch: EventBatch) -> Int64? {
        guard batch.employees.count <= 1 << 16, batch.sessions.count <= 1 << 16,
            batch.models.count <= 1 << 8, batch.tools.count <= 1 << 8
        else { return nil }
        var earliest = Int64.max
        var latest = Int64.min
        var countBits: UInt64 = 0
        // An index past its table (a batch the worker will refuse) must not be cut down to one inside it.
        var indexOverflow: UInt32 = 0
        for event in batch.events {
            earliest = min(earliest, event.timestampMillis)
            latest = max(latest, event.timestampMillis)
            let counts = event.counts
            countBits |= counts.input | counts.output | counts.cacheWrite | counts.cacheRead
            indexOverflow |= (event.employee | event.session) >> 16 | UInt32(event.model | event.tool) >> 8
        }
        guard !batch.events.isEmpty else { return 0 }
        let (span, overflow) = latest.subtractingReportingOverflow(earliest)
        guard countBits <= UInt32.max, indexOverflow == 0, !overflow, span <= Int64(UInt32.max) else { return nil }
        return earliest
    }

    /// Writes `batch` in the layout. No event may be before `base` or 2³² ms or more after it: `timestampBase(of:)`
    /// gives the earliest timestamp, and a decoded request keeps the base its sender wrote.
    static func write(_ batch: EventBatch, base: Int64, to buffer: inout ByteBuffer) {
        let eventBytes = batch.events.count * recordSize
        buffer.reserveCapacity(minimumWritableBytes: batch.encodedTableBytes + 12 + eventBytes)
        batch.writeTables(to: &buffer)
        buffer.writeWireCount(batch.events.count)
        buffer.writeInteger(base, endianness: .little)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: eventBytes) { raw in
            batch.events.withUnsafeBufferPointer { events in
                var offset = 0
                for event in events {
                    storeEvent(event, base: base, raw, at: offset)
                    offset &+= recordSize
                }
            }
            return eventBytes
        }
    }

    /// Reads a batch in the layout, with the timestamp base its sender wrote.
    static func readBatch(from buffer: inout ByteBuffer) throws(WireError) -> (batch: EventBatch, base: Int64) {
        let employees = try buffer.readWireStrings()
        let models = try buffer.readWireStrings()
        let tools = try buffer.readWireStrings()
        let sessions = try buffer.readWireStrings()
        let (events, base) = try readEvents(from: &buffer) { _ in }
        return (
            EventBatch(employees: employees, models: models, tools: tools, sessions: sessions, events: events), base
        )
    }

    /// Reads the event count, the base and the records, calling `observe` with each event as it is read.
    @inline(__always)
    static func readEvents(
        from buffer: inout ByteBuffer,
        _ observe: (BatchedEvent) -> Void
    ) throws(WireError) -> (events: [BatchedEvent], base: Int64) {
        let count = try buffer.readWireCount(minimumElementSize: recordSize)
        let base: Int64 = try buffer.readWireInteger()
        guard count * recordSize <= buffer.readableBytes else {
            throw .truncated("compact event records", needed: count * recordSize, remaining: buffer.readableBytes)
        }
        let events = buffer.readWithUnsafeReadableBytes { raw -> (Int, [BatchedEvent]) in
            let events = [BatchedEvent](unsafeUninitializedCapacity: count) { storage, initialized in
                var offset = 0
                for index in 0..<count {
                    let event = loadEvent(raw, at: offset, base: base)
                    observe(event)
                    (storage.baseAddress.unsafelyUnwrapped + index).initialize(to: event)
                    offset &+= recordSize
                }
                initialized = count
            }
            return (count * recordSize, events)
        }
        return (events, base)
    }

    // The caller guarantees `offset + recordSize <= raw.count`; loads and stores are unaligned, as in the wide layout.

    @inline(__always)
    private static func loadEvent(_ raw: UnsafeRawBufferPointer, at offset: Int, base: Int64) -> BatchedEvent {
        let record = raw.baseAddress.unsafelyUnwrapped + offset
        func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            T(littleEndian: record.loadUnaligned(fromByteOffset: at, as: T.self))
        }
        return BatchedEvent(
            employee: UInt32(load(0, UInt16.self)),
            model: UInt16(load(4, UInt8.self)),
            tool: UInt16(load(5, UInt8.self)),
            session: UInt32(load(2, UInt16.self)),
            // base + an offset below 2³² overflows only past the year 292 million: wrapping keeps a forged base
            // from trapping, and the worker refuses such a timestamp as out of range.
            timestampMillis: base &+ Int64(load(6, UInt32.self)),
            eventKey: load(10, UInt64.self),
            counts: TokenCounts(
                input: UInt64(load(18, UInt32.self)),
                output: UInt64(load(22, UInt32.self)),
                cacheWrite: UInt64(load(26, UInt32.self)),
                cacheRead: UInt64(load(30, UInt32.self))
            )
        )
    }

    @inline(__always)
    private static func storeEvent(
        _ event: BatchedEvent,
        base: Int64,
        _ raw: UnsafeMutableRawBufferPointer,
        at offset: Int
    ) {
        let record = raw.baseAddress.unsafelyUnwrapped + offset
        func store<T: FixedWidthInteger>(_ value: T, _ at: Int) {
            record.storeBytes(of: value.littleEndian, toByteOffset: at, as: T.self)
        }
        store(UInt16(truncatingIfNeeded: event.employee), 0)
        store(UInt16(truncatingIfNeeded: event.session), 2)
        store(UInt8(truncatingIfNeeded: event.model), 4)
        store(UInt8(truncatingIfNeeded: event.tool), 5)
        store(UInt32(truncatingIfNeeded: event.timestampMillis &- base), 6)
        store(event.eventKey, 10)
        store(UInt32(truncatingIfNeeded: event.counts.input), 18)
        store(UInt32(truncatingIfNeeded: event.counts.output), 22)
        store(UInt32(truncatingIfNeeded: event.counts.cacheWrite), 26)
        store(UInt32(truncatingIfNeeded: event.counts.cacheRead), 30)
    }
}
