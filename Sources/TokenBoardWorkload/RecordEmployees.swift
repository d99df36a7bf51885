import TokenBoardCore

/// Where the employee of an API usage record comes from (OpenAI and Gemini records): `--employee` for every
/// record; else the record's `user`, mapped by the employee map's `user:` rules (an unmapped user is the employee
/// key itself); else, for a record without a user, the employee of the file's `path:` rule.
public struct RecordEmployees: Sendable {
    /// `--employee`: every record's, whatever its `user`.
    public var fixed: String?
    /// `user` rules map a record's `user`.
    public var map: EmployeeMap?
    /// For records without a `user`: the employee of the file's `path` rule.
    public var fileDefault: String?
    /// Users already mapped; bounded, so a log with endless distinct users simply stops being remembered.
    private var mappedUsers: [String: String] = [:]

    public init(fixed: String? = nil, map: EmployeeMap? = nil, fileDefault: String? = nil) {
        self.fixed = fixed
        self.map = map
        self.fileDefault = fileDefault
    }

    /// The canonical event of one API usage record (no session: the records name none), refusing a record without
    /// a time or a model, named by the format's own field names.
    mutating func event(
        id: String?,
        timestamp: Int64?,
        timeField: String,
        model: String?,
        modelField: String,
        user: String?,
        tool: String,
        counts: TokenCounts
    ) throws(LogLineError.Reason) -> UsageEvent {
        guard let timestamp else { throw .missingField(timeField) }
        guard let model else { throw .missingField(modelField) }
        guard !model.isEmpty else { throw .emptyField(modelField) }
        return UsageEvent(
            id: id ?? "",
            timestampMillis: timestamp,
            employee: try employee(user: user),
            model: model,
            tool: tool,
            session: "",
            counts: counts
        )
    }

    /// The employee of a record whose `user` field (if any) is `user`.
    mutating func employee(user: String?) throws(LogLineError.Reason) -> String {
        if let fixed { return fixed }
        if let user, !user.isEmpty {
            if let known = mappedUsers[user] { return known }
            let employee = map?.employee(forUser: user) ?? user
            guard employee.utf8.count <= CanonicalLineParser.maxEmployeeBytes else {
                throw .fieldTooLong(field: "user", limit: CanonicalLineParser.maxEmployeeBytes)
            }
            if mappedUsers.count < 65536 { mappedUsers[user] = employee }
            return employee
        }
        guard let fileDefault else { throw .noEmployee }
        return fileDefault
    }
}
