import TokenBoardCore
import TokenBoardWire

extension Coordinator {
    /// A window's exact tier floors and counts, searched with per-shard counts (`TierRules.cutoffs`).
    func tiers(_ query: TiersQuery) async throws -> TiersReply {
        let map = self.map
        let (resolved, search) = await resolveAnchor(query.anchor, map: map)
        guard let anchor = resolved else {
            let coverage = try nothingIngested(search, map: map, allowPartial: query.allowPartial)
            let empty = await board.tiers.cutoffs { _ in (0, []) }
            return TiersReply(cutoffs: empty, anchor: nil, coverage: coverage)
        }
        let rules = board.tiers
        var missing: [String: String] = [:]
        let cutoffs = try await rules.cutoffs { thresholds in
            let result = await self.fanOut(
                ScoreCountQuery(window: query.window, anchor: anchor, metric: rules.metric, thresholds: thresholds),
                expecting: ScoreCountReply.self,
                map: map
            )
            if !result.missing.isEmpty && !query.allowPartial { throw result.unavailableError(map: map) }
            for (worker, reason) in result.missing { missing[worker] = reason }
            var active: UInt64 = 0
            var counts = [UInt64](repeating: 0, count: thresholds.count)
            for (_, reply) in result.replies {
                guard reply.counts.count == thresholds.count else {
                    throw ErrorMessage(code: .internalError, message: "a shard answered the wrong number of counts")
                }
                active += reply.activeEmployees
                for index in counts.indices { counts[index] += reply.counts[index] }
            }
            return (active, counts)
        }
        let answered = map.workers.filter { missing[$0] == nil }.sorted()
        return TiersReply(
            cutoffs: cutoffs,
            anchor: anchor,
            coverage: Coverage(
                mapVersion: map.version,
                shardsTotal: UInt32(map.workers.count),
                answered: answered,
                missing: missing.keys.sorted()
            )
        )
    }
}
