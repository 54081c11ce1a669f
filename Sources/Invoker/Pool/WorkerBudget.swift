import Foundation
import Synchronization

/// The invoker-wide cap on worker processes, shared by every function's pool so that a burst on many functions at
/// once cannot overrun the machine. Each running worker holds a numbered slot, which also picks its user id when
/// workers are isolated (``WorkerIdentity``).
final class WorkerBudget: Sendable {
    /// The most worker processes at once.
    let limit: Int
    private let free: Mutex<[Int]>

    /// A budget of `limit` workers.
    init(limit: Int) {
        self.limit = limit
        self.free = Mutex(Array((0..<limit).reversed()))
    }

    /// The default cap for this machine: 32 workers per core, and no more than one per 128 MiB of memory.
    static var machineDefault: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memoryMiB = ProcessInfo.processInfo.physicalMemory / (1 << 20)
        return max(1, min(cores * 32, Int(memoryMiB / 128)))
    }

    /// Takes a slot from the budget (the lowest free one); nil when the cap is reached.
    func reserve() -> Int? {
        free.withLock { $0.popLast() }
    }

    /// Returns `slot` to the budget.
    func release(_ slot: Int) {
        free.withLock { free in
            free.append(slot)
            free.sort(by: >)
        }
    }
}
