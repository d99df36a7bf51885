import TokenBoardCore

/// Ask a worker which of its employees the gaming signals flag over a window.
public struct FlaggedQuery: Sendable, Hashable {
    public var window: Window
    public var anchor: Day
    public var rules: SignalRules

    public init(window: Window, anchor: Day, rules: SignalRules) {
        self.window = window
        self.anchor = anchor
        self.rules = rules
    }
}

public struct FlaggedReply: Sendable, Hashable {
    /// In employee key order.
    public var flagged: [FlaggedEmployee]
    public var mapVersion: UInt64

    public init(flagged: [FlaggedEmployee], mapVersion: UInt64) {
        self.flagged = flagged
        self.mapVersion = mapVersion
    }
}

/// Ask the coordinator who the gaming signals flag over a window.
public struct SignalsQuery: Sendable, Hashable {
    public var window: Window
    public var anchor: Day?
    public var allowPartial: Bool

    public init(window: Window, anchor: Day?, allowPartial: Bool = false) {
        self.window = window
        self.anchor = anchor
        self.allowPartial = allowPartial
    }
}

public struct SignalsReply: Sendable, Hashable {
    /// Every flagged employee of the covered shards, in employee key order.
    public var flagged: [FlaggedEmployee]
    public var rules: SignalRules
    public var anchor: Day?
    public var coverage: Coverage

    public init(flagged: [FlaggedEmployee], rules: SignalRules, anchor: Day?, coverage: Coverage) {
        self.flagged = flagged
        self.rules = rules
        self.anchor = anchor
        self.coverage = coverage
    }
}
