import Testing

@testable import Fetch

/// `ShortestRemainingFirst` on synthetic transfers: who receives, who is held, and how budgets are handed out.
struct SchedulerAllotmentTests {
    typealias C = Contender<String>
    let srf = ShortestRemainingFirst()
    var floor: Int { srf.settings.trickleFloor }

    @Test func orderIsFewestBytesLeftThenUnknownThenArrival() {
        let contenders = [
            C(id: "big", bytesLeft: 9_000, isStarted: true),
            C(id: "unknown1", bytesLeft: nil, isStarted: true),
            C(id: "small", bytesLeft: 1_000, isStarted: true),
            C(id: "tieA", bytesLeft: 5_000, isStarted: false),
            C(id: "unknown2", bytesLeft: nil, isStarted: false),
            C(id: "tieB", bytesLeft: 5_000, isStarted: true),
        ]
        #expect(
            ShortestRemainingFirst.order(contenders).map(\.id) == [
                "small", "tieA", "tieB", "big", "unknown1", "unknown2",
            ])
    }

    @Test func linkBoundGivesTheLinkToTheNearestToDone() {
        let contenders = [
            C(id: "a", bytesLeft: 12_000_000, isStarted: true),
            C(id: "b", bytesLeft: 3_000_000, isStarted: true),
            C(id: "c", bytesLeft: 8_000_000, isStarted: false),
        ]
        let allotted = srf.allot(contenders, schedule: .adaptive, receivers: 1, budget: nil)
        #expect(allotted["b"] == .receive(bytesPerSecond: nil))
        #expect(allotted["a"] == .trickle(bytesPerSecond: floor))
        #expect(allotted["c"] == .waitTurn)
    }

    /// A waiting transfer with fewer bytes (the list's size) than any started one is started ahead of them.
    @Test func shorterWaitingTransferIsStartedAheadOfStartedOnes() {
        let contenders = [
            C(id: "started", bytesLeft: 10_000_000, isStarted: true),
            C(id: "waiting", bytesLeft: 1_000_000, isStarted: false),
        ]
        let allotted = srf.allot(contenders, schedule: .adaptive, receivers: 1, budget: nil)
        #expect(allotted["waiting"] == .receive(bytesPerSecond: nil))
        #expect(allotted["started"] == .trickle(bytesPerSecond: floor))
    }

    @Test func perConnectionRegimeLetsEveryoneReceive() {
        let contenders = (1...5).map { C(id: "t\($0)", bytesLeft: Int64($0) * 1_000_000, isStarted: $0 <= 3) }
        let allotted = srf.allot(contenders, schedule: .adaptive, receivers: nil, budget: nil)
        #expect(allotted.count == 5)
        #expect(allotted.values.allSatisfy { $0 == .receive(bytesPerSecond: nil) })
    }

    @Test func twoReceiversAreTheTwoNearestToDone() {
        let contenders = [4, 1, 3, 2].map { C(id: "t\($0)", bytesLeft: Int64($0) * 1_000_000, isStarted: true) }
        let allotted = srf.allot(contenders, schedule: .adaptive, receivers: 2, budget: nil)
        #expect(Set(allotted.filter { $0.value.isReceiving }.keys) == ["t1", "t2"])
    }

    /// `--max-rate` is a budget: the leader gets all of it but the held transfers' floors, not a third.
    @Test func budgetGoesToTheLeaderMinusFloors() {
        let contenders = [3, 1, 2].map { C(id: "t\($0)", bytesLeft: Int64($0) * 1_000_000, isStarted: true) }
        let allotted = srf.allot(contenders, schedule: .adaptive, receivers: nil, budget: 1_000_000)
        #expect(allotted["t1"] == .receive(bytesPerSecond: 1_000_000 - 2 * floor))
        #expect(allotted["t2"] == .trickle(bytesPerSecond: floor))
        #expect(allotted["t3"] == .trickle(bytesPerSecond: floor))
    }

    /// A leader that used well under its allowance is limited elsewhere: it keeps what it used plus headroom and
    /// the next in line receives the rest.
    @Test func leaderLimitedElsewherePassesTheRestOn() {
        let contenders = [
            C(id: "lead", bytesLeft: 1_000_000, isStarted: true, measured: 200_000, allowance: 900_000),
            C(id: "next", bytesLeft: 2_000_000, isStarted: true),
            C(id: "last", bytesLeft: 3_000_000, isStarted: true),
        ]
        let allotted = srf.allot(contenders, schedule: .adaptive, receivers: nil, budget: 1_000_000)
        #expect(allotted["lead"] == .receive(bytesPerSecond: 250_001))
        #expect(allotted["next"] == .receive(bytesPerSecond: 1_000_000 - 250_001 - floor))
        #expect(allotted["last"] == .trickle(bytesPerSecond: floor))
        let total = allotted.values.reduce(0) { sum, allotment in
            switch allotment {
            case .receive(let rate?), .trickle(let rate): sum + rate
            default: sum
            }
        }
        #expect(total == 1_000_000)
    }

    /// A leader that used nearly all of its allowance may be able to use more: it keeps the whole budget.
    @Test func leaderUsingItsAllowanceKeepsIt() {
        let contenders = [
            C(id: "lead", bytesLeft: 1_000_000, isStarted: true, measured: 880_000, allowance: 900_000),
            C(id: "next", bytesLeft: 2_000_000, isStarted: false),
        ]
        let allotted = srf.allot(contenders, schedule: .adaptive, receivers: nil, budget: 1_000_000)
        #expect(allotted["lead"] == .receive(bytesPerSecond: 1_000_000))
        #expect(allotted["next"] == .waitTurn)
    }

    @Test func tinyBudgetSpendsAtMostHalfOnFloors() {
        let contenders = (1...10).map { C(id: "t\($0)", bytesLeft: Int64($0) * 1_000, isStarted: true) }
        let allotted = srf.allot(contenders, schedule: .adaptive, receivers: nil, budget: 10_000)
        #expect(allotted["t1"] == .receive(bytesPerSecond: 10_000 - 9 * 500))
        #expect(allotted["t10"] == .trickle(bytesPerSecond: 500))
    }

    /// A host's cap (a host profile) is handed out shortest first among that host's transfers; another host's
    /// transfers are not held by it.
    @Test func hostBudgetOnlyHoldsThatHostsTransfers() {
        let contenders = [
            C(id: "w1", bytesLeft: 5_000_000, isStarted: true, host: "upload.wikimedia.org"),
            C(id: "w2", bytesLeft: 1_000_000, isStarted: true, host: "upload.wikimedia.org"),
            C(id: "x", bytesLeft: 9_000_000, isStarted: true, host: "example.org"),
        ]
        let allotted = srf.allot(
            contenders, schedule: .adaptive, receivers: nil, budget: nil,
            hostBudgets: ["upload.wikimedia.org": 3_125_000])
        #expect(allotted["w2"] == .receive(bytesPerSecond: 3_125_000 - floor))
        #expect(allotted["w1"] == .trickle(bytesPerSecond: floor))
        #expect(allotted["x"] == .receive(bytesPerSecond: nil))
    }

    /// Under both a host cap and a total budget, a transfer gets the smaller of its two allowances.
    @Test func hostCapBoundsTheTotalBudgetsGrant() {
        let contenders = [
            C(id: "w", bytesLeft: 1_000_000, isStarted: true, host: "slow.example"),
            C(id: "x", bytesLeft: 2_000_000, isStarted: false, host: "fast.example"),
        ]
        let allotted = srf.allot(
            contenders, schedule: .adaptive, receivers: nil, budget: 2_000_000, hostBudgets: ["slow.example": 500_000])
        #expect(allotted["w"] == .receive(bytesPerSecond: 500_000))
        #expect(allotted["x"] == .receive(bytesPerSecond: 1_500_000))
    }

    @Test func evenSplitsEveryCapBetweenStartedTransfers() {
        let contenders = [
            C(id: "a", bytesLeft: 1_000_000, isStarted: true, host: "h"),
            C(id: "b", bytesLeft: 5_000_000, isStarted: true, host: "h"),
            C(id: "c", bytesLeft: 9_000_000, isStarted: true, host: "k"),
        ]
        let allotted = srf.allot(
            contenders, schedule: .even, receivers: 1, budget: 900_000, hostBudgets: ["h": 200_000])
        #expect(allotted["a"] == .receive(bytesPerSecond: 100_000))
        #expect(allotted["b"] == .receive(bytesPerSecond: 100_000))
        #expect(allotted["c"] == .receive(bytesPerSecond: 300_000))
    }

    @Test func evenWithoutCapsLetsEveryoneReceiveUnlimited() {
        let contenders = (1...3).map { C(id: "t\($0)", bytesLeft: nil, isStarted: true) }
        let allotted = srf.allot(contenders, schedule: .even, receivers: 1, budget: nil)
        #expect(allotted.values.allSatisfy { $0 == .receive(bytesPerSecond: nil) })
    }
}
