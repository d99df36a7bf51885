/// Events as a log's reading thread found them, their names copied as bytes into one buffer and not yet interned:
/// what that thread hands to the thread that builds the batch (`EventBatchBuilder.append(contentsOf:)`), so that
/// reading a log is two threads' work rather than one's.
///
/// Why: a JSONL replay is bound by its reading thread, which shares the machine's cores with the workers. Copying
/// an event's names (about 60 bytes) costs that thread a few nanoseconds; interning them into the batch's tables
/// (two hash probes, four checksums) costs it about a third of its time, which the building thread now spends.
public struct ScannedEvents: Sendable {
    /// One event: its fields but the names, and the lengths of its names, which lie one after the other in `bytes`
    /// from `start`: id, employee, model, tool, session.
    @usableFromInline
    struct Event: Sendable {
        var timestampMillis: Int64
        var counts: TokenCounts
        var start: Int
        var id: UInt32
        var employee: UInt32
        var model: UInt32
        var tool: UInt32
        var session: UInt32
    }

    /// The events' names, back to back.
    @usableFromInline private(set) var bytes: [UInt8] = []
    @usableFromInline private(set) var events: [Event] = []

    /// The bytes of names a reader puts in one `ScannedEvents` at most (it may go past by the last event's): a
    /// bound on memory whatever the lines hold, as a batch's interned tables are bounded by its distinct names.
    /// Computed rather than stored: a stored static is reached through a lazy initialiser's check, and a reader
    /// asks `isFull` once per line.
    @inlinable public static var byteBudget: Int { 16 << 20 }

    /// Nothing scanned yet.
    public init() {}

    // Inlinable, as `isFull`: a log reader asks for them once per line, from another module.

    /// Events held.
    @inlinable public var count: Int { events.count }

    @inlinable public var isEmpty: Bool { events.isEmpty }

    /// The bytes of the events' names held.
    @inlinable public var byteCount: Int { bytes.count }

    /// Whether `byteBudget` bytes of names are held, so a reader should hand these out now.
    @inlinable public var isFull: Bool { bytes.count >= Self.byteBudget }

    /// Makes room for `count` events whose names take `byteCount` bytes in all, so that filling a chunk does not
    /// copy its names again each time the buffer grows.
    public mutating func reserve(_ count: Int, byteCount: Int = 0) {
        events.reserveCapacity(count)
        bytes.reserveCapacity(Swift.min(byteCount, Self.byteBudget + (Self.byteBudget >> 3)))
    }
}

extension ScannedEvents: EventBytesAppending {
    /// Keeps the event and copies its names; always true.
    public mutating func append(
        id: UnsafeRawBufferPointer,
        timestampMillis: Int64,
        employee: UnsafeRawBufferPointer,
        model: UnsafeRawBufferPointer,
        tool: UnsafeRawBufferPointer,
        session: UnsafeRawBufferPointer,
        counts: TokenCounts
    ) -> Bool {
        let start = bytes.count
        bytes.append(contentsOf: id)
        bytes.append(contentsOf: employee)
        bytes.append(contentsOf: model)
        bytes.append(contentsOf: tool)
        bytes.append(contentsOf: session)
        events.append(
            Event(
                timestampMillis: timestampMillis,
                counts: counts,
                start: start,
                id: UInt32(id.count),
                employee: UInt32(employee.count),
                model: UInt32(model.count),
                tool: UInt32(tool.count),
                session: UInt32(session.count)
            )
        )
        return true
    }
}

extension EventBatchBuilder {
    /// Appends every event of `scanned`, in order, as `append(id:timestampMillis:employee:model:tool:session:counts:)`
    /// would one by one. Returns how many it appended: all of them, unless the batch's model or tool table filled up
    /// first (the events from there on are for the next batch: `append(contentsOf:from:)`).
    @discardableResult
    public mutating func append(contentsOf scanned: ScannedEvents, from first: Int = 0) -> Int {
        scanned.bytes.withUnsafeBytes { bytes in
            scanned.events.withUnsafeBufferPointer { events in
                var index = first
                while index < events.count {
                    let event = events[index]
                    var at = event.start
                    @inline(__always) func next(_ length: UInt32) -> UnsafeRawBufferPointer {
                        let field = UnsafeRawBufferPointer(rebasing: bytes[at..<at + Int(length)])
                        at += Int(length)
                        return field
                    }
                    let id = next(event.id)
                    let employee = next(event.employee)
                    let model = next(event.model)
                    let tool = next(event.tool)
                    let session = next(event.session)
                    guard
                        append(
                            id: id,
                            timestampMillis: event.timestampMillis,
                            employee: employee,
                            model: model,
                            tool: tool,
                            session: session,
                            counts: event.counts
                        )
                    else { break }
                    index += 1
                }
                return index - first
            }
        }
    }
}
