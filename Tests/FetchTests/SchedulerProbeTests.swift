import Testing

@testable import Fetch

/// `GoodputProbe` against synthetic links: each test says how much the aggregate delivers for a given number of
/// receivers, and feeds the probe what a loop turning every 20 ms would see. No clock is read.
struct SchedulerProbeTests {
    /// Aggregate bytes per second for `receivers` free to receive, `seconds` into the run.
    typealias Link = (_ receivers: Int, _ seconds: Double) -> Double

    /// Runs the probe over `seconds` of a link with `contenders` transfers; returns the receivers it asked for at each
    /// turn (0 for "all") and the regimes it announced, in order.
    static func drive(
        _ probe: inout GoodputProbe, contenders: Int, seconds: Double, from start: Double = 0,
        receiving: (Int) -> Int = { $0 }, link: Link
    ) -> (receivers: [Int], announced: [LinkRegime]) {
        let origin = ContinuousClock.Instant.now
        var delivered: Double = 0
        var history: [Int] = []
        var announced: [LinkRegime] = []
        var time = start
        while time < start + seconds {
            // What the loop knows at a turn: bytes so far, and how many are free to receive from now on.
            let allowed = probe.receivers.map { min($0, contenders) } ?? contenders
            let free = receiving(allowed)
            let sample = GoodputSample(
                at: origin + .milliseconds(Int((time * 1000).rounded())), delivered: Int64(delivered),
                receiving: free, contenders: contenders, consumerHeld: allowed - free)
            if let regime = probe.observe(sample) { announced.append(regime) }
            history.append(probe.receivers ?? 0)
            delivered += link(free, time) * 0.02
            time += 0.02
        }
        return (history, announced)
    }

    /// One bottleneck of 25 MB/s that any single flow fills.
    static func sharedLink(_ receivers: Int, _: Double) -> Double { receivers > 0 ? 25e6 : 0 }

    @Test func sharedLinkSettlesOnOneReceiverStepByStep() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 10, seconds: 3, link: Self.sharedLink)
        #expect(probe.regime == .linkBound(receivers: 1))
        #expect(run.announced == [.linkBound(receivers: 1)])
        // Full concurrency first, then a quarter (2), then one: each level seen, in that order, none skipped back.
        let levels = run.receivers.reduce(into: [Int]()) { if $0.last != $1 { $0.append($1) } }
        #expect(levels == [0, 2, 1])
    }

    @Test func sharedLinkIsFoundWithinAboutASecond() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 10, seconds: 3, link: Self.sharedLink)
        let firstSingle = run.receivers.firstIndex(of: 1)
        #expect(firstSingle != nil && firstSingle! * 20 <= 1000, "\(String(describing: firstSingle))")
    }

    /// nginx's limit_rate: each connection gets a second's worth at each second, all of it within 60 ms.
    @Test func burstPacedServerKeepsFullConcurrency() {
        var probe = GoodputProbe()
        let paced: Link = { receivers, seconds in
            seconds.truncatingRemainder(dividingBy: 1) < 0.06 ? Double(receivers) * 4e6 / 0.06 : 0
        }
        let run = Self.drive(&probe, contenders: 10, seconds: 4, link: paced)
        #expect(probe.regime == .perConnection)
        #expect(run.receivers.allSatisfy { $0 == 0 }, "held transfers on a per-connection server")
    }

    /// A long path on which each flow is held to 3 MB/s by its own window, steadily: only the trial tells.
    @Test func steadyPerConnectionLimitKeepsFullConcurrency() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 10, seconds: 3) { receivers, _ in Double(receivers) * 3e6 }
        #expect(probe.regime == .perConnection)
        #expect(run.announced == [.perConnection])
        #expect(run.receivers.last == 0)
    }

    /// Two flows are needed to fill the link: the probe stops one level above where goodput fell.
    @Test func linkThatTwoFlowsFillSettlesOnTwo() {
        var probe = GoodputProbe()
        _ = Self.drive(&probe, contenders: 10, seconds: 3) { receivers, _ in min(25e6, Double(receivers) * 12.5e6) }
        #expect(probe.regime == .linkBound(receivers: 2))
    }

    /// Per-connection limits, with two more transfers arriving after the baseline measured eight (a list's
    /// transfers reach the engine over a few tenths of a second on a busy machine): the first trial still loses
    /// against all who received, so all ten receive, rather than eight while two wait.
    @Test func transfersArrivingDuringTheFirstTrialStillGetPerConnection() {
        var probe = GoodputProbe()
        let perConnection: Link = { receivers, _ in Double(receivers) * 3e6 }
        let early = Self.drive(&probe, contenders: 8, seconds: 0.5, link: perConnection)
        #expect(early.receivers.last == 2, "the baseline of eight did not end in a trial: \(early.receivers)")
        let late = Self.drive(&probe, contenders: 10, seconds: 2.5, from: 0.5, link: perConnection)
        #expect(late.announced == [.perConnection] && late.receivers.last == 0, "\(late)")
    }

    /// nginx's limit_rate on loopback: smooth at first, then silent between bursts, and a burst lands in the held
    /// flows' socket buffers as well, so a window that starts with one delivers as much as everyone did. A trial
    /// whose first window was silent is lost there and then, before a burst can pass for a climb.
    @Test func silentTrialWindowIsPerConnectionNotARamp() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 10, seconds: 4) { receivers, seconds in
            if seconds < 0.4 { return Double(receivers) * 4e6 }
            return (seconds - 0.66).truncatingRemainder(dividingBy: 1) < 0.24 && seconds >= 0.66 ? 40e6 : 0
        }
        #expect(run.announced == [.perConnection], "a burst after a silent window passed for a climb")
        #expect(run.receivers.last == 0)
    }

    /// A real shared queue (tbf): the leaders grow into the room the held flows leave, so fewer receivers deliver
    /// well under the full link for a while. Still far above the fifth a per-connection server would give.
    @Test func sharedLinkWhoseLeadersFillItSlowlyIsStillLinkBound() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 10, seconds: 4) { receivers, _ in
            receivers >= 10 ? 25e6 : receivers > 0 ? 18e6 : 0
        }
        #expect(probe.regime == .linkBound(receivers: 1))
        #expect(run.announced == [.linkBound(receivers: 1)])
    }

    /// Each connection limited on its own, with two flows getting a little more than their share when the others
    /// are held (a server's pacing is not exact): still proportional, so every transfer keeps receiving.
    @Test func nearlyProportionalLossKeepsFullConcurrency() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 10, seconds: 4) { receivers, _ in
            Double(receivers) * (receivers >= 10 ? 3e6 : 4.5e6)
        }
        #expect(probe.regime == .perConnection)
        #expect(run.receivers.last == 0)
    }

    @Test func trialsNeedAShareBetweenTheTwoPredictions() {
        let probe = GoodputProbe()
        #expect(probe.required(level: 2, above: 10) == 0.5)
        #expect(abs(probe.required(level: 1, above: 2) - 0.5.squareRoot()) < 1e-9)
        #expect(probe.required(level: 9, above: 10) == 0.8)
    }

    /// Connecting and waiting for headers take a while before any body byte: that is not a quiet link.
    @Test func timeBeforeTheFirstByteIsNotCounted() {
        var probe = GoodputProbe()
        _ = Self.drive(&probe, contenders: 10, seconds: 3) { receivers, seconds in
            seconds < 0.5 || receivers == 0 ? 0 : 25e6
        }
        #expect(probe.regime == .linkBound(receivers: 1))
    }

    @Test func oneTransferHasNothingToDecide() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 1, seconds: 2, link: Self.sharedLink)
        #expect(probe.regime == .undecided)
        #expect(run.receivers.allSatisfy { $0 == 0 })
    }

    /// Consumers that hold every transfer paused for stretches (backpressure) do not make the link look idle.
    @Test func timeWhenNothingMayReceiveIsNotCountedAsQuiet() {
        var probe = GoodputProbe()
        var turn = 0
        _ = Self.drive(
            &probe, contenders: 10, seconds: 3,
            receiving: { allowed in
                turn += 1
                return turn % 3 == 0 ? 0 : allowed
            }, link: Self.sharedLink)
        #expect(probe.regime == .linkBound(receivers: 1))
    }

    /// Each connection limited on its own (4 MB/s), and decoders on a busy CPU that take 12 MB/s in all, so most
    /// transfers sit paused by their consumers: twenty receivers deliver no more than five. That is the consumers'
    /// limit, not a shared link, and holding transfers back would only slow the run.
    @Test func consumerBackpressureIsNotASharedLink() {
        var probe = GoodputProbe()
        let run = Self.drive(
            &probe, contenders: 20, seconds: 4, receiving: { min($0, 3) },
            link: { receivers, _ in Double(receivers) * 4e6 })
        #expect(!run.announced.contains { $0.receivers != nil }, "\(run.announced)")
        #expect(run.receivers.allSatisfy { $0 == 0 }, "held transfers behind busy decoders")
    }

    /// Consumers that fall behind for a few tenths of a second, from the baseline into the first trial, delay the
    /// probe but do not decide it: the windows after them still find the shared link.
    @Test func sharedLinkIsStillFoundWhenConsumersLagForAMoment() {
        var probe = GoodputProbe()
        var turn = 0
        let run = Self.drive(
            &probe, contenders: 10, seconds: 4,
            receiving: { allowed in
                turn += 1
                return (15..<40).contains(turn) ? max(1, allowed / 2) : allowed
            }, link: Self.sharedLink)
        #expect(probe.regime == .linkBound(receivers: 1), "\(run.announced)")
    }

    /// Link-bound at one receiver, then the leader gets limited elsewhere to a quarter of the link: the probe
    /// raises the receivers, and keeps the raise because it pays.
    @Test func leaderLimitedElsewhereRaisesReceivers() {
        var probe = GoodputProbe()
        _ = Self.drive(&probe, contenders: 10, seconds: 3, link: Self.sharedLink)
        #expect(probe.regime == .linkBound(receivers: 1))
        let run = Self.drive(&probe, contenders: 10, seconds: 3, from: 3) { receivers, _ in
            min(25e6, Double(receivers) * 6.25e6)
        }
        #expect(run.announced.first == .linkBound(receivers: 2))
        #expect((probe.regime.receivers ?? 10) >= 4, "\(probe.regime)")
    }

    /// Link-bound at one receiver, then the link itself halves: more receivers would not help, so none are added.
    @Test func slowerLinkKeepsOneReceiver() {
        var probe = GoodputProbe()
        _ = Self.drive(&probe, contenders: 10, seconds: 3, link: Self.sharedLink)
        let run = Self.drive(&probe, contenders: 10, seconds: 4, from: 3) { receivers, _ in
            receivers > 0 ? 12.5e6 : 0
        }
        #expect(probe.regime == .linkBound(receivers: 1))
        #expect(run.announced.isEmpty)
        #expect(run.receivers.last == 1)
    }

    /// Turns come far more often than packets: a saturated link seen every millisecond, with bytes in one turn of
    /// five, is not quiet.
    @Test func frequentTurnsBetweenPacketsAreNotQuiet() {
        let origin = ContinuousClock.Instant.now
        var window = GoodputWindow(
            from: GoodputSample(at: origin, delivered: 0, receiving: 5, contenders: 5))
        for turn in 1...300 {
            let delivered = Int64(turn / 5) * 125_000
            window.add(
                GoodputSample(at: origin + .milliseconds(turn), delivered: delivered, receiving: 5, contenders: 5))
        }
        #expect(window.quietShare == 0)
        #expect(window.goodput > 24e6 && window.goodput < 26e6)
    }

    @Test func quietShareCountsOnlyTimeSomeTransferCouldReceive() {
        let origin = ContinuousClock.Instant.now
        func sample(_ ms: Int, _ bytes: Int64, _ receiving: Int) -> GoodputSample {
            GoodputSample(at: origin + .milliseconds(ms), delivered: bytes, receiving: receiving, contenders: 2)
        }
        var window = GoodputWindow(from: sample(0, 0, 2))
        window.add(sample(100, 1_000_000, 2))  // 100 ms at 10 MB/s
        window.add(sample(200, 1_000_000, 0))  // 100 ms quiet while receiving: counted
        window.add(sample(500, 1_000_000, 2))  // 300 ms in which nothing could receive: not counted
        window.add(sample(600, 2_000_000, 2))
        #expect(window.seconds > 0.299 && window.seconds < 0.301)
        #expect(window.bytes == 2_000_000)
        #expect(window.quietShare > 0.33 && window.quietShare < 0.34)
    }
}
