/// Picks an index with probability proportional to its weight.
struct Sampler: Sendable {
    private let cumulative: [Double]

    init(weights: [Double]) {
        var sum = 0.0
        cumulative = weights.map {
            sum += $0
            return sum
        }
    }

    func pick(_ rng: inout Xoshiro256StarStar) -> Int {
        guard let total = cumulative.last, total > 0 else { return 0 }
        let target = rng.nextDouble() * total
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
