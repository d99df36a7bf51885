/// The best `capacity` elements offered, under a total order given as "ranks ahead of": a min-heap whose root
/// is the weakest element kept, so a candidate costs one comparison unless it gets in.
struct BoundedHeap<Element> {
    let capacity: Int
    private let ranksAhead: (Element, Element) -> Bool
    private(set) var items: [Element] = []

    init(capacity: Int, ranksAhead: @escaping (Element, Element) -> Bool) {
        self.capacity = max(capacity, 0)
        self.ranksAhead = ranksAhead
        items.reserveCapacity(min(self.capacity, 1 << 16))
    }

    /// The weakest element kept, once the heap is full: a candidate must rank ahead of it to get in.
    var threshold: Element? { items.count == capacity ? items.first : nil }

    mutating func offer(_ candidate: Element) {
        if items.count < capacity {
            items.append(candidate)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard ranksAhead(items[parent], items[child]) else { break }
                items.swapAt(child, parent)
                child = parent
            }
        } else if capacity > 0, ranksAhead(candidate, items[0]) {
            items[0] = candidate
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < items.count else { break }
                var weakest = left
                if left + 1 < items.count && ranksAhead(items[left], items[left + 1]) { weakest = left + 1 }
                guard ranksAhead(items[parent], items[weakest]) else { break }
                items.swapAt(weakest, parent)
                parent = weakest
            }
        }
    }

    /// The kept elements, best first.
    func sorted() -> [Element] {
        items.sorted(by: ranksAhead)
    }
}
