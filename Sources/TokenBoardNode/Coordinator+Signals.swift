import TokenBoardCore
import TokenBoardWire

extension Coordinator {
    /// Who the gaming signals flag: every shard judges the employees it owns whole, so the union is exact.
    func signals(_ query: SignalsQuery) async throws -> SignalsReply {
        let map = self.map
        let rules = board.signals
        let (resolved, search) = await resolveAnchor(query.anchor, map: map)
        guard let anchor = resolved else {
            let coverage = try nothingIngested(search, map: map, allowPartial: query.allowPartial)
            return SignalsReply(flagged: [], rules: rules, anchor: nil, coverage: coverage)
        }
        let result = await fanOut(
            FlaggedQuery(window: query.window, anchor: anchor, rules: rules),
            expecting: FlaggedReply.self,
            map: map
        )
        if !result.missing.isEmpty && !query.allowPartial { throw result.unavailableError(map: map) }
        let flagged = result.replies.flatMap(\.reply.flagged).sorted {
            $0.employee.utf8.lexicographicallyPrecedes($1.employee.utf8)
        }
        return SignalsReply(flagged: flagged, rules: rules, anchor: anchor, coverage: result.coverage(map: map))
    }
}
