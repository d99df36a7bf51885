import Foundation

/// A progress line on standard error that rewrites itself on a terminal and prints plain lines otherwise.
struct ProgressLine {
    let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) == 1

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + text : text + "\n").utf8))
    }

    func finish() {
        guard enabled, isTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

extension Duration {
    /// Seconds as a Double, for rates.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
