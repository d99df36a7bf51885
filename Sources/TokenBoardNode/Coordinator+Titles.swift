import TokenBoardCore
import TokenBoardWire

extension Coordinator {
    /// Who holds each title: every shard sends its best claim to each, the coordinator keeps the best of those.
    /// Exact, because each employee's claim is computed whole on the one shard that owns them.
    func titles(_ query: TitlesQuery) async throws -> TitlesReply {
        let map = self.map
        let rules = board.titles
        let (resolved, search) = await resolveAnchor(query.anchor, map: map)
        guard let anchor = resolved else {
            let coverage = try nothingIngested(search, map: map, allowPartial: query.allowPartial)
            return TitlesReply(holders: [], rules: rules, anchor: nil, coverage: coverage)
        }
        let result = await fanOut(
            TitleCandidatesQuery(window: query.window, anchor: anchor, rules: rules),
            expecting: TitleCandidatesReply.self,
            map: map
        )
        if !result.missing.isEmpty && !query.allowPartial { throw result.unavailableError(map: map) }
        return TitlesReply(
            holders: TitleHolder.merge(result.replies.flatMap(\.reply.candidates)),
            rules: rules,
            anchor: anchor,
            coverage: result.coverage(map: map)
        )
    }
}
