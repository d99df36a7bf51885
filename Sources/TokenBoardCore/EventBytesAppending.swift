/// Takes events whose names arrive as UTF-8 bytes (valid UTF-8), as a log parser finds them: a batch being built
/// (`EventBatchBuilder`), or events kept as scanned for another thread to build one from (`ScannedEvents`).
public protocol EventBytesAppending {
    /// Appends the event with these fields; false (and nothing appended) when there is no room for it.
    mutating func append(
        id: UnsafeRawBufferPointer,
        timestampMillis: Int64,
        employee: UnsafeRawBufferPointer,
        model: UnsafeRawBufferPointer,
        tool: UnsafeRawBufferPointer,
        session: UnsafeRawBufferPointer,
        counts: TokenCounts
    ) -> Bool
}

extension EventBytesAppending {
    /// Appends a decoded event through its names' UTF-8 bytes; false (and nothing appended) when there is no room
    /// for it.
    @discardableResult
    public mutating func append(_ event: UsageEvent) -> Bool {
        var (id, employee, model, tool, session) = (event.id, event.employee, event.model, event.tool, event.session)
        return id.withUTF8 { id in
            employee.withUTF8 { employee in
                model.withUTF8 { model in
                    tool.withUTF8 { tool in
                        session.withUTF8 { session in
                            append(
                                id: UnsafeRawBufferPointer(id),
                                timestampMillis: event.timestampMillis,
                                employee: UnsafeRawBufferPointer(employee),
                                model: UnsafeRawBufferPointer(model),
                                tool: UnsafeRawBufferPointer(tool),
                                session: UnsafeRawBufferPointer(session),
                                counts: event.counts
                            )
                        }
                    }
                }
            }
        }
    }
}

extension EventBatchBuilder: EventBytesAppending {}
