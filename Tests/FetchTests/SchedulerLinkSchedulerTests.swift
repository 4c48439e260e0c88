import Testing

@testable import Fetch

/// `LinkScheduler`: the allowance memory between allotments, and how allotments map to pacing and HTTP/2 weights.
struct SchedulerLinkSchedulerTests {
    typealias C = Contender<Int>
    let origin = ContinuousClock.Instant.now

    /// A leader's low rate counts as "limited elsewhere" only after a second at the same allowance: right after
    /// it was granted, a slow start says nothing.
    @Test func measuredRateCountsOnlyAfterASecondAtTheSameAllowance() {
        var scheduler = LinkScheduler<Int>(schedule: .adaptive, budget: 1_000_000)
        let contenders = [
            C(id: 1, bytesLeft: 1_000_000, isStarted: true), C(id: 2, bytesLeft: 2_000_000, isStarted: true),
        ]
        let floor = scheduler.allocator.settings.trickleFloor
        let first = scheduler.allot(contenders, rates: [1: 100_000], now: origin)
        #expect(first[1] == .receive(bytesPerSecond: 1_000_000 - floor))
        let early = scheduler.allot(contenders, rates: [1: 100_000], now: origin + .milliseconds(500))
        #expect(early[1] == .receive(bytesPerSecond: 1_000_000 - floor))
        #expect(early[2] == .trickle(bytesPerSecond: floor))
        let later = scheduler.allot(contenders, rates: [1: 100_000], now: origin + .milliseconds(1100))
        #expect(later[1] == .receive(bytesPerSecond: 125_001))
        #expect(later[2] == .receive(bytesPerSecond: 1_000_000 - 125_001))
    }

    @Test func evenNeverProbesNorHolds() {
        var scheduler = LinkScheduler<Int>(schedule: .even, budget: nil)
        for step in 0..<200 {
            let sample = GoodputSample(
                at: origin + .milliseconds(20 * step), delivered: Int64(step) * 500_000, receiving: 10,
                contenders: 10)
            let seen = scheduler.observe(sample)
            #expect(seen.announce == nil && !seen.reallot)
        }
        let contenders = (1...10).map { C(id: $0, bytesLeft: Int64($0) * 1000, isStarted: true) }
        let allotted = scheduler.allot(contenders, rates: [:], now: origin)
        #expect(allotted.values.allSatisfy { $0 == .receive(bytesPerSecond: nil) })
    }

    /// On a shared link the scheduler asks for a new allotment each time the receivers change, and announces the
    /// regime once.
    @Test func adaptiveAsksToReallotWhenTheReceiversChange() {
        var scheduler = LinkScheduler<Int>(schedule: .adaptive, budget: nil)
        var reallots = 0
        var announced: [LinkRegime] = []
        for step in 0..<100 {
            let sample = GoodputSample(
                at: origin + .milliseconds(20 * step), delivered: Int64(step) * 500_000, receiving: 10,
                contenders: 10)
            let seen = scheduler.observe(sample)
            if seen.reallot { reallots += 1 }
            if let regime = seen.announce { announced.append(regime) }
        }
        #expect(announced == [.linkBound(receivers: 1)])
        #expect(reallots == 2)  // 10 -> 2 -> 1
    }

    @Test func allotmentsMapToPaceAndStreamWeight() {
        #expect(Allotment.receive(bytesPerSecond: nil).pace == nil)
        #expect(Allotment.receive(bytesPerSecond: 5000).pace == 5000)
        #expect(Allotment.trickle(bytesPerSecond: 100).pace == 100)
        #expect(Allotment.waitTurn.pace == nil)
        #expect(Allotment.receive(bytesPerSecond: nil).streamWeight == 256)
        #expect(Allotment.trickle(bytesPerSecond: 100).streamWeight == 1)
    }
}
