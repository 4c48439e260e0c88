import Testing

@testable import Fetch

/// The probe and the allocator together, on a simulated link with its own clock: ten equal transfers, a loop turn
/// every 20 ms. These check the decisions' consequences (who completes when), so the figures are simulated
/// seconds, not measured ones.
struct SchedulerSimulationTests {
    /// Completion times (simulated seconds) of `sizes` over a link that gives `link(receivers)` bytes/s in total,
    /// split evenly between the transfers allowed to receive; held transfers get at most their trickle floor.
    static func completions(
        _ schedule: Schedule, sizes: [Int64], link: (Int) -> Double, budget: Int? = nil
    ) -> [Double] {
        var probe = GoodputProbe()
        let srf = ShortestRemainingFirst()
        let origin = ContinuousClock.Instant.now
        var left = sizes.map(Double.init)
        var done = [Double?](repeating: nil, count: sizes.count)
        var delivered = 0.0
        var time = 0.0
        while done.contains(where: { $0 == nil }) && time < 600 {
            let open = left.indices.filter { done[$0] == nil }
            let contenders = open.map { Contender(id: $0, bytesLeft: Int64(left[$0].rounded(.up)), isStarted: true) }
            let allotted = srf.allot(contenders, schedule: schedule, receivers: probe.receivers, budget: budget)
            let receiving = open.filter { allotted[$0]?.isReceiving == true }
            _ = probe.observe(
                GoodputSample(
                    at: origin + .milliseconds(Int((time * 1000).rounded())), delivered: Int64(delivered),
                    receiving: receiving.count, contenders: open.count))
            var capacity = link(receiving.count) * 0.02
            for index in open {
                guard case .trickle(let floor) = allotted[index] else { continue }
                let got = min(left[index], Double(floor) * 0.02, capacity)
                left[index] -= got
                capacity -= got
                delivered += got
            }
            for index in receiving {
                var share = capacity / Double(receiving.count)
                if case .receive(let cap?) = allotted[index] { share = min(share, Double(cap) * 0.02) }
                let got = min(left[index], share)
                left[index] -= got
                delivered += got
            }
            time += 0.02
            for index in open where left[index] <= 0.5 { done[index] = time }
        }
        return done.map { $0 ?? .infinity }
    }

    static let tenImages = [Int64](repeating: 15_000_000, count: 10)
    static func sharedLink(_ receivers: Int) -> Double { receivers > 0 ? 25e6 : 0 }
    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    @Test func sharedLinkCompletesOneAfterAnother() {
        let even = Self.completions(.even, sizes: Self.tenImages, link: Self.sharedLink)
        let adaptive = Self.completions(.adaptive, sizes: Self.tenImages, link: Self.sharedLink)
        // Even sharing: every image in the last tenth of the run.
        #expect(even.min()! > 0.9 * even.max()!, "\(even)")
        // Shortest remaining first: the first well before half, the mean near 55 % of the total, the total the same.
        #expect(adaptive.min()! < 0.25 * even.min()!, "\(adaptive)")
        #expect(Self.mean(adaptive) < 0.65 * Self.mean(even), "\(adaptive)")
        #expect(adaptive.max()! < 1.05 * even.max()!, "\(adaptive) vs \(even)")
        let spread = adaptive.sorted()
        #expect(zip(spread, spread.dropFirst()).allSatisfy { $1 - $0 > 0.3 }, "completions in a burst: \(spread)")
    }

    /// Steady per-connection limits: after one short trial every transfer receives, so all ten complete together,
    /// about as fast as even (the trial held most of them for two measuring windows: a loss that does not recover
    /// in the second is not a shared queue's leaders still ramping up).
    @Test func perConnectionLinkCompletesTogether() {
        let perConnection: (Int) -> Double = { Double($0) * 3e6 }
        let even = Self.completions(.even, sizes: Self.tenImages, link: perConnection)
        let adaptive = Self.completions(.adaptive, sizes: Self.tenImages, link: perConnection)
        #expect(adaptive.max()! < 1.15 * even.max()!, "\(adaptive) vs \(even)")
        #expect(adaptive.min()! > 0.9 * adaptive.max()!, "\(adaptive)")
    }

    /// `--max-rate` on a fast link: the budget goes shortest first, so the images complete one after another,
    /// while even shares finish them all at the end.
    @Test func budgetCompletesOneAfterAnother() {
        let fast: (Int) -> Double = { $0 > 0 ? 1e9 : 0 }
        let sizes = [Int64](repeating: 2_000_000, count: 5)
        let even = Self.completions(.even, sizes: sizes, link: fast, budget: 1_000_000)
        let adaptive = Self.completions(.adaptive, sizes: sizes, link: fast, budget: 1_000_000)
        #expect(Self.mean(even) > 0.9 * even.max()!, "\(even)")
        #expect(Self.mean(adaptive) < 0.65 * Self.mean(even), "\(adaptive) vs \(even)")
        #expect(adaptive.max()! < 1.05 * even.max()!, "\(adaptive) vs \(even)")
    }
}
