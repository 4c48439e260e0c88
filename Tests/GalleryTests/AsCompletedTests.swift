import Synchronization
import Testing

@testable import GalleryCore

#if canImport(Glibc)
    import Glibc
#endif

struct AsCompletedTests {
    @Test func outcomesArriveInCompletionOrder() async {
        // Each operation finishes only after the outcome of the one started after it was handed over: 3, then 2,
        // then 1. (Waiting for the next one merely to have returned would race with the group's delivery of it.)
        let delivered = Mutex<Set<Int>>([])
        var order: [Int] = []
        await asCompleted([1, 2, 3]) { n in
            while n < 3 && !delivered.withLock({ $0.contains(n + 1) }) { await Task.yield() }
            return n
        } body: { n in
            order.append(n)
            delivered.withLock { _ = $0.insert(n) }
            return nil
        }
        #expect(order == [3, 2, 1])
    }

    @Test func replacementsStartAndArrive() async {
        var seen: [Int] = []
        await asCompleted([1]) {
            $0
        } body: { n in
            seen.append(n)
            return n < 3 ? n + 1 : nil
        }
        #expect(seen == [1, 2, 3])
    }

    /// What a spinning operation reports: whether it saw the body handle the first outcome before giving up.
    struct Spun: Sendable {
        var index: Int
        var sawBody: Bool
    }

    /// The pipeline's loop (on its own queue) hears of the first outcome while the other operations keep every
    /// thread of the cooperative pool busy without ever suspending, as decoders with bytes in hand do. On the pool,
    /// or with the operations on the loop's queue, the spinners below would give up after their deadline.
    @Test(.timeLimit(.minutes(1)))
    func bodyRunsWhileOperationsHoldEveryPoolThread() async {
        let poolThreads = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let firstSeen = Atomic<Bool>(false)
        var outcomes: [Spun] = []
        await withTaskExecutorPreference(SerialQueueExecutor(label: "test.loop")) {
            await asCompleted(Array(0...poolThreads)) { (index: Int) -> Spun in
                if index == 0 { return Spun(index: 0, sawBody: true) }
                let giveUp = ContinuousClock.now + .seconds(20)  // a hang catcher: expected in microseconds
                while !firstSeen.load(ordering: .acquiring) && ContinuousClock.now < giveUp {}
                return Spun(index: index, sawBody: firstSeen.load(ordering: .acquiring))
            } body: { (outcome: Spun) -> Int? in
                if outcome.index == 0 { firstSeen.store(true, ordering: .releasing) }
                outcomes.append(outcome)
                return nil
            }
        }
        let gaveUp = outcomes.filter { !$0.sawBody }.map(\.index)
        #expect(outcomes.first?.index == 0)
        #expect(outcomes.count == poolThreads + 1)
        #expect(gaveUp.isEmpty, "operations that gave up before the body ran: \(gaveUp)")
    }

    /// Pulls counted across the tasks that make them.
    final class Pulls: Sendable {
        let count = Mutex(0)
        func take() -> Int {
            count.withLock {
                $0 += 1
                return $0
            }
        }
    }

    /// The second element is read only after the first outcome was handed over: the loop must hand outcomes over
    /// while the source is still reading, or it never ends (the time limit catches that).
    @Test(.timeLimit(.minutes(1))) func anOutcomeIsHandedOverWhileTheNextElementIsStillBeingRead() async {
        let (firstShown, shown) = AsyncStream.makeStream(of: Void.self)
        let pulls = Pulls()
        var outcomes: [Int] = []
        await asCompleted(
            slots: 2,
            next: {
                switch pulls.take() {
                case 1: return 1
                case 2:
                    for await _ in firstShown { return 2 }
                    return nil
                default: return nil
                }
            },
            operation: { $0 * 10 }
        ) { outcome in
            outcomes.append(outcome)
            shown.yield()
            return outcome == 10
        }
        #expect(outcomes == [10, 20], "the first outcome came before the second element was read")
    }
}
