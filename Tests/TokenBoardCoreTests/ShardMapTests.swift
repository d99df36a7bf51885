import TokenBoardCore
import XCTest

final class ShardMapTests: XCTestCase {
    func testSlotOfFixedKeysIsCRC32CModuloSlotCount() {
        let hasher = SlotHasher()
        XCTAssertEqual(hasher.slotCount, 4096)
        // CRC-32C("123456789") = 0xE3069283; 4096 = 0x1000, so the slot is the low 12 bits: 0x283 = 643.
        XCTAssertEqual(hasher.slot(for: "123456789"), 643)
        XCTAssertEqual(hasher.slot(for: ""), 0, "CRC of nothing is 0")
        for key in ["alice", "bob", "carol@example.com", "zoë", "Ω-omega", "emp-299", "🙂"] {
            XCTAssertEqual(hasher.slot(for: key), Int(Reference.crc32c(key) % 4096), key)
        }
        let seven = SlotHasher(slotCount: 7)
        for key in ["alice", "bob", "123456789"] {
            XCTAssertEqual(seven.slot(for: key), Int(Reference.crc32c(key) % 7), key)
        }
        // 0xE3069283 = 3,808,858,755 = 7 × 544,122,679 + 2.
        XCTAssertEqual(seven.slot(for: "123456789"), 2)
    }

    func testInitialMapAssignsSlotsRoundRobinOverSortedWorkers() {
        let map = ShardMap.initial(workers: ["w3", "w1", "w0", "w2"])
        XCTAssertEqual(map.version, 1)
        XCTAssertEqual(map.workers, ["w0", "w1", "w2", "w3"])
        XCTAssertEqual(map.owners.count, 4096)
        XCTAssertEqual(map.hasher, SlotHasher(slotCount: 4096))
        for slot in 0..<4096 { XCTAssertEqual(Int(map.owners[slot]), slot % 4, "slot \(slot)") }

        let small = ShardMap.initial(workers: ["b", "c", "a"], slotCount: 8)
        XCTAssertEqual(small.workers, ["a", "b", "c"])
        XCTAssertEqual(small.owners, [0, 1, 2, 0, 1, 2, 0, 1])
        XCTAssertEqual(small.slots(of: "a"), [0, 3, 6])
        XCTAssertEqual(small.slots(of: "b"), [1, 4, 7])
        XCTAssertEqual(small.slots(of: "c"), [2, 5])
    }

    func testOwnerIsConsistentWithSlots() {
        let map = ShardMap.initial(workers: ["w0", "w1", "w2"])
        var owned: [String: Set<Int>] = [:]
        for worker in map.workers { owned[worker] = map.slots(of: worker) }
        for key in employeeKeys(300) + ["123456789", ""] {
            let slot = Int(Reference.crc32c(key) % 4096)
            let owner = map.owner(of: key)
            XCTAssertEqual(owner, map.workers[slot % 3], key)
            XCTAssertEqual(map.workers[map.ownerIndex(of: key)], owner, key)
            for worker in map.workers {
                XCTAssertEqual(owned[worker]!.contains(slot), worker == owner, "\(key) on \(worker)")
            }
        }
    }

    func testEverySlotIsOwnedExactlyOnce() {
        for workerCount in [1, 3, 4, 7] {
            let workers = (0..<workerCount).map { "worker-\($0)" }
            let map = ShardMap.initial(workers: workers)
            var seen = [Int](repeating: 0, count: 4096)
            var sizes: [Int] = []
            for worker in workers {
                let slots = map.slots(of: worker)
                sizes.append(slots.count)
                for slot in slots { seen[slot] += 1 }
            }
            XCTAssertEqual(seen, [Int](repeating: 1, count: 4096), "\(workerCount) workers")
            // 4096 slots dealt round robin: the first 4096 mod n workers get one more.
            let base = 4096 / workerCount
            let extra = 4096 % workerCount
            XCTAssertEqual(sizes, (0..<workerCount).map { $0 < extra ? base + 1 : base })
        }
        XCTAssertEqual(ShardMap.initial(workers: ["w0"]).slots(of: "nobody"), [])
    }
}
