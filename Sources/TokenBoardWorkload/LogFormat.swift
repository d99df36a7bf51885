/// The usage log formats tokenboard reads (docs/LOG-FORMAT.md).
public enum LogFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// tokenboard's own JSONL: one event per line, every field named.
    case canonical
    /// Claude Code session logs (`~/.claude/projects/*/SESSION.jsonl`): `message.usage` on assistant lines, one
    /// response often written on several lines.
    case claudeCode = "claude-code"
    /// OpenAI-style usage records, one JSON object per line: chat completions (`prompt_tokens`,
    /// `completion_tokens`) or the Responses API (`input_tokens`, `output_tokens`).
    case openAI = "openai"
    /// Gemini usage records, one JSON object per line: `generateContent` responses with `usageMetadata`.
    case gemini
    /// tokenboard's compact binary log: LZ4-compressed blocks of fixed-width records with string tables.
    case binary

    /// The name used on the command line and in reports.
    public var description: String { rawValue }

    /// Whether the format's records name their employee (so `--employee` does not apply).
    public var namesEmployees: Bool { self == .canonical || self == .binary }
}
