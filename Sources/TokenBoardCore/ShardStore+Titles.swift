extension ShardStore {
    /// Session runs the store tracks, and new ones it could not because its session table was full.
    public var sessionCounts: (tracked: Int, untracked: UInt64) { (sessions.count, sessions.untracked) }

    /// This shard's best claim to each title over the window (none for a title nobody here qualifies for).
    public func titleCandidates(window: Window, anchor: Day, rules: TitleRules) -> [TitleHolder] {
        let range = window.range(anchor: anchor)
        let low = range.lowerBound.number
        let high = range.upperBound.number
        var candidates: [TitleHolder] = []
        func offer(_ holder: TitleHolder) {
            if let index = candidates.firstIndex(where: { $0.title == holder.title }) {
                if holder.beats(candidates[index]) { candidates[index] = holder }
            } else {
                candidates.append(holder)
            }
        }

        // Per model tokens of one employee at a time; `touched` resets only what was used. A model is touched
        // once even when its first cells hold no tokens (cells are visited in no particular order).
        var perModel = [UInt64](repeating: 0, count: modelNames.count)
        var isTouched = [Bool](repeating: false, count: modelNames.count)
        var touched: [Int] = []
        let sums = windowSums(range, metric: .tokens)
        for employee in 0..<sums.events.count where sums.events[employee] > 0 {
            let name = employeeNames[employee]
            offer(TitleHolder(title: .tokenLegend, employee: name, value: sums.scores[employee]))
            var total = TokenCounts.zero
            details.forEachCell(of: employee) { cell in
                guard cell.day >= low && cell.day <= high else { return }
                total.add(cell.counts)
                let model = Int(cell.model)
                if !isTouched[model] {
                    isTouched[model] = true
                    touched.append(model)
                }
                perModel[model] = perModel[model].saturatingAdd(cell.counts.total)
            }
            let used = touched.filter { rules.countsModel(tokens: perModel[$0], of: total.total) }.count
            for model in touched {
                perModel[model] = 0
                isTouched[model] = false
            }
            touched.removeAll(keepingCapacity: true)
            if used > 0 {
                offer(TitleHolder(title: .modelConnoisseur, employee: name, value: UInt64(used), base: total.total))
            }
            if total.total >= rules.cacheWizardMinTokens && total.total > 0 {
                offer(TitleHolder(title: .cacheWizard, employee: name, value: total.cacheRead, base: total.total))
            }
        }

        // A session counts in the window when its last event falls in it; its wall time is the whole session.
        let start = range.lowerBound.number == .min ? Int64.min : range.lowerBound.startMillis
        let end = range.upperBound.number == .max ? Int64.max : range.upperBound.adding(days: 1).startMillis
        sessions.forEachRun(endingIn: start, end) { employee, run in
            offer(
                TitleHolder(
                    title: .sessionImmortal,
                    employee: employeeNames[employee],
                    value: UInt64(run.last - run.first),
                    base: UInt64(bitPattern: run.first)
                )
            )
        }
        return candidates.sorted { $0.title.rawValue < $1.title.rawValue }
    }
}
