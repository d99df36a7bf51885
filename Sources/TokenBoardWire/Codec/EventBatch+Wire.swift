import NIOCore
import TokenBoardCore

/// The four string tables (employees, models, tools, sessions) as arrays of strings, then the events: a u32 count
/// and that many fixed 60-byte records, little-endian:
///
///     offset  0  employee         u32
///     offset  4  model            u16
///     offset  6  tool             u16
///     offset  8  session          u32
///     offset 12  timestampMillis  i64
///     offset 20  eventKey         u64
///     offset 28  input            u64
///     offset 36  output           u64
///     offset 44  cacheWrite       u64
///     offset 52  cacheRead        u64
///
/// Ingest is the hot path, so the records are written and read with raw unaligned stores and loads in one pass
/// over one bounds-checked region, and decoded straight into the array's storage. Indices are not checked here:
/// `EventBatch.validate()` does that where the batch is applied.
extension EventBatch: WireCodable {
    static var minimumWireSize: Int { encodedMinimumSize }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        let employees = try buffer.readWireStrings()
        let models = try buffer.readWireStrings()
        let tools = try buffer.readWireStrings()
        let sessions = try buffer.readWireStrings()
        let events = try Self.readEvents(from: &buffer) { _ in }
        self.init(employees: employees, models: models, tools: tools, sessions: sessions, events: events)
    }

    func write(to buffer: inout ByteBuffer) {
        let eventBytes = events.count * Self.encodedEventSize
        buffer.reserveCapacity(minimumWritableBytes: encodedTableBytes + 4 + eventBytes)
        writeTables(to: &buffer)
        buffer.writeWireCount(events.count)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: eventBytes) { raw in
            events.withUnsafeBufferPointer { events in
                var offset = 0
                for event in events {
                    Self.storeEvent(event, raw, at: offset)
                    offset &+= Self.encodedEventSize
                }
            }
            return eventBytes
        }
    }

    /// The bytes the four string tables take, in either layout.
    var encodedTableBytes: Int {
        [employees, models, tools, sessions].reduce(0) { sum, table in
            table.reduce(sum + 4) { $0 + 4 + $1.utf8.count }
        }
    }

    /// Writes the four string tables, which both layouts begin with.
    func writeTables(to buffer: inout ByteBuffer) {
        buffer.writeWireStrings(employees)
        buffer.writeWireStrings(models)
        buffer.writeWireStrings(tools)
        buffer.writeWireStrings(sessions)
    }

    /// Reads the event count and the wide records, calling `observe` with each event as it is read.
    @inline(__always)
    static func readEvents(
        from buffer: inout ByteBuffer,
        _ observe: (BatchedEvent) -> Void
    ) throws(WireError) -> [BatchedEvent] {
        let count = try buffer.readWireCount(minimumElementSize: encodedEventSize)
        return buffer.readWithUnsafeReadableBytes { raw -> (Int, [BatchedEvent]) in
            let events = [BatchedEvent](unsafeUninitializedCapacity: count) { storage, initialized in
                var offset = 0
                for index in 0..<count {
                    let event = loadEvent(raw, at: offset)
                    observe(event)
                    (storage.baseAddress.unsafelyUnwrapped + index).initialize(to: event)
                    offset &+= encodedEventSize
                }
                initialized = count
            }
            return (count * encodedEventSize, events)
        }
    }

    // The caller guarantees `offset + encodedEventSize <= raw.count`; loads and stores are unaligned because records
    // are 60 bytes apart and payloads start wherever the frame put them.

    @inline(__always)
    private static func loadEvent(_ raw: UnsafeRawBufferPointer, at offset: Int) -> BatchedEvent {
        let base = raw.baseAddress.unsafelyUnwrapped + offset
        func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            T(littleEndian: base.loadUnaligned(fromByteOffset: at, as: T.self))
        }
        return BatchedEvent(
            employee: load(0, UInt32.self),
            model: load(4, UInt16.self),
            tool: load(6, UInt16.self),
            session: load(8, UInt32.self),
            timestampMillis: load(12, Int64.self),
            eventKey: load(20, UInt64.self),
            counts: TokenCounts(
                input: load(28, UInt64.self),
                output: load(36, UInt64.self),
                cacheWrite: load(44, UInt64.self),
                cacheRead: load(52, UInt64.self)
            )
        )
    }

    @inline(__always)
    private static func storeEvent(_ event: BatchedEvent, _ raw: UnsafeMutableRawBufferPointer, at offset: Int) {
        let base = raw.baseAddress.unsafelyUnwrapped + offset
        base.storeBytes(of: event.employee.littleEndian, toByteOffset: 0, as: UInt32.self)
        base.storeBytes(of: event.model.littleEndian, toByteOffset: 4, as: UInt16.self)
        base.storeBytes(of: event.tool.littleEndian, toByteOffset: 6, as: UInt16.self)
        base.storeBytes(of: event.session.littleEndian, toByteOffset: 8, as: UInt32.self)
        base.storeBytes(of: event.timestampMillis.littleEndian, toByteOffset: 12, as: Int64.self)
        base.storeBytes(of: event.eventKey.littleEndian, toByteOffset: 20, as: UInt64.self)
        base.storeBytes(of: event.counts.input.littleEndian, toByteOffset: 28, as: UInt64.self)
        base.storeBytes(of: event.counts.output.littleEndian, toByteOffset: 36, as: UInt64.self)
        base.storeBytes(of: event.counts.cacheWrite.littleEndian, toByteOffset: 44, as: UInt64.self)
        base.storeBytes(of: event.counts.cacheRead.littleEndian, toByteOffset: 52, as: UInt64.self)
    }
}
