import CNghttp2

/// The state libnghttp2's callbacks work on. The session hands the library an unretained pointer to it as
/// `user_data` and keeps it alive for as long as the library can call back.
final class SessionContext {
    /// A header block being received.
    struct Block {
        var fields: [HeaderField] = []
        var size = 0
        var oversized = false
    }

    let configuration: SessionConfiguration
    var events: [Event] = []
    var blocks: [Int32: Block] = [:]
    var outgoing: [Int32: any OutgoingBody] = [:]
    /// The library's explanation of the last connection error, for logs.
    var lastError: String?

    init(configuration: SessionConfiguration) {
        self.configuration = configuration
    }

    func takeEvents() -> [Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// Adds a field to a stream's block; false when the block has grown past all reason.
    func add(_ field: HeaderField, to streamID: Int32) -> Bool {
        var block = blocks[streamID] ?? Block()
        block.size += field.listSize
        if block.size > configuration.fatalHeaderListBytes { return false }
        if block.size > configuration.maxHeaderListBytes {
            block.oversized = true
        } else {
            block.fields.append(field)
        }
        blocks[streamID] = block
        return true
    }

    static func from(_ userData: UnsafeMutableRawPointer?) -> SessionContext {
        Unmanaged<SessionContext>.fromOpaque(userData!).takeUnretainedValue()
    }
}
