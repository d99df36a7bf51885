/// A failure found while a command runs (not a malformed command line): printed as its message alone, without
/// the usage text, and the command exits 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
