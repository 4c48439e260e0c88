import Testing

@testable import Fetch

/// `GoodputProbe` when the held transfers' flows keep arriving into their sockets' receive buffers until those are
/// full, as they do on a real connection: a trial's first tenths of a second then look the same on a shared link and
/// on a server that paces each connection. Synthetic, like `SchedulerProbeTests`: a loop turning every 20 ms.
struct SchedulerProbeBufferTests {
    /// How the link serves `flows` flows that want bytes: bytes per second for each.
    typealias PerFlow = (_ flows: Int) -> Double

    struct Run {
        var receivers: [Int] = []
        var announced: [LinkRegime] = []
    }

    /// `contenders` transfers; those the probe holds back keep taking the link into buffers of `buffer` bytes each
    /// until full. A held transfer let go delivers its buffer at once. Returns what the probe asked for and said.
    static func drive(
        _ probe: inout GoodputProbe, contenders: Int, seconds: Double, buffer: Double, perFlow: PerFlow
    ) -> Run {
        let origin = ContinuousClock.Instant.now
        var delivered: Double = 0
        var unread: Double = 0
        var run = Run()
        var time = 0.0
        while time < seconds {
            let free = probe.receivers.map { min($0, contenders) } ?? contenders
            let held = contenders - free
            let room = Double(held) * buffer
            if unread > room {
                delivered += unread - room
                unread = room
            }
            let sample = GoodputSample(
                at: origin + .milliseconds(Int((time * 1000).rounded())), delivered: Int64(delivered),
                unread: Int64(unread), receiving: free, contenders: contenders)
            if let regime = probe.observe(sample) { run.announced.append(regime) }
            run.receivers.append(probe.receivers ?? 0)
            let filling = unread < room ? held : 0
            let rate = perFlow(free + filling)
            delivered += Double(free) * rate * 0.02
            unread = min(room, unread + Double(filling) * rate * 0.02)
            time += 0.02
        }
        return run
    }

    /// A 3 MB/s link all flows share.
    static func shared(_ flows: Int) -> Double { flows > 0 ? 3e6 / Double(flows) : 0 }

    /// Six transfers on a 3 MB/s shared link, each held flow taking 400 kB into its buffer: the leader gets a sixth
    /// of the link for most of a second, exactly what a per-connection server would give it. Once the buffers
    /// are full it gets the whole link, and the trial passes.
    @Test func sharedLinkIsFoundOnceTheHeldBuffersAreFull() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 6, seconds: 4, buffer: 400_000, perFlow: Self.shared)
        #expect(run.announced == [.linkBound(receivers: 1)], "\(run.announced)")
        #expect(run.receivers.last == 1)
    }

    /// Each connection paced to 0.5 MB/s: while the held flows fill their buffers, everything still arrives as
    /// fast as before, as on a shared link. The trial waits for the buffers and is then lost.
    @Test func perConnectionServerIsNotTakenForASharedLinkWhileBuffersFill() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 6, seconds: 4, buffer: 400_000) { _ in 0.5e6 }
        #expect(run.announced == [.perConnection], "\(run.announced)")
        #expect(run.receivers.last == 0)
    }

    /// Buffers that would take ten seconds to fill: the trial waits `longestFill`, then is lost, and every
    /// transfer receives again.
    @Test func buffersThatNeverFillLoseTheTrial() {
        var probe = GoodputProbe()
        let run = Self.drive(&probe, contenders: 6, seconds: 6, buffer: 6_000_000, perFlow: Self.shared)
        #expect(run.announced == [.perConnection], "\(run.announced)")
        let trialTurns = run.receivers.filter { $0 != 0 }.count
        #expect(Double(trialTurns) * 0.02 >= probe.settings.longestFill.seconds - 0.1, "\(trialTurns) turns")
    }

    @Test func windowCountsWhatArrivedAndWhatStayedUnread() {
        let origin = ContinuousClock.Instant.now
        func sample(_ ms: Int, _ delivered: Int64, _ unread: Int64?) -> GoodputSample {
            GoodputSample(
                at: origin + .milliseconds(ms), delivered: delivered, unread: unread, receiving: 1, contenders: 6)
        }
        var window = GoodputWindow(from: sample(0, 0, 0))
        window.add(sample(100, 100_000, 300_000))
        window.add(sample(200, 200_000, 600_000))
        #expect(window.bytes == 800_000)
        #expect(abs(window.bufferedShare - 0.75) < 1e-9)
        // A turn that did not measure the buffers neither adds nor removes what they hold.
        window.add(sample(300, 300_000, nil))
        window.add(sample(400, 400_000, 600_000))
        #expect(window.bytes == 1_000_000)
        #expect(abs(window.bufferedShare - 0.6) < 1e-9)
        // A held transfer let go: its buffer is read, which moves bytes without any arriving.
        window.add(sample(500, 1_000_000, 0))
        #expect(window.bytes == 1_000_000)
    }
}
