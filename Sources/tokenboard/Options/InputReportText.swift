import TokenBoardClient

/// The lines every log-reading command prints about its input, worded the same everywhere.
enum InputReportText {
    /// "N lines read, N without usage or duplicate copies, N bad".
    static func counts(linesRead: Int, skipped: Int, bad: Int) -> String {
        line(
            "\(Formatting.grouped(UInt64(linesRead))) lines read, \(Formatting.grouped(UInt64(skipped))) without usage or duplicate copies, \(Formatting.grouped(UInt64(bad))) bad"
        )
    }

    /// The skipped bad lines and the first errors (file, line, reason); nothing when there were none.
    static func badLines(_ count: Int, errors: some Sequence<String>) -> String {
        guard count > 0 else { return "" }
        var text = line("skipped \(Formatting.grouped(UInt64(count))) bad lines; first ones:")
        for error in errors.prefix(20) { text += line("  \(error)") }
        return text
    }
}
