import TokenBoardCore

/// Ask a worker for its best claim to each title over a window.
public struct TitleCandidatesQuery: Sendable, Hashable {
    public var window: Window
    public var anchor: Day
    public var rules: TitleRules

    public init(window: Window, anchor: Day, rules: TitleRules) {
        self.window = window
        self.anchor = anchor
        self.rules = rules
    }
}

public struct TitleCandidatesReply: Sendable, Hashable {
    public var candidates: [TitleHolder]
    public var mapVersion: UInt64

    public init(candidates: [TitleHolder], mapVersion: UInt64) {
        self.candidates = candidates
        self.mapVersion = mapVersion
    }
}

/// Ask the coordinator who holds each title over a window.
public struct TitlesQuery: Sendable, Hashable {
    public var window: Window
    public var anchor: Day?
    public var allowPartial: Bool

    public init(window: Window, anchor: Day?, allowPartial: Bool = false) {
        self.window = window
        self.anchor = anchor
        self.allowPartial = allowPartial
    }
}

public struct TitlesReply: Sendable, Hashable {
    /// One holder per title somebody qualifies for, in title order.
    public var holders: [TitleHolder]
    public var rules: TitleRules
    public var anchor: Day?
    public var coverage: Coverage

    public init(holders: [TitleHolder], rules: TitleRules, anchor: Day?, coverage: Coverage) {
        self.holders = holders
        self.rules = rules
        self.anchor = anchor
        self.coverage = coverage
    }
}
