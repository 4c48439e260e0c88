import Testing

@testable import Fetch

struct RateMeterTests {
    /// A server that sends a second's worth at once and then pauses reads as its real rate, not as a spike.
    @Test func burstsAverageOverAboutASecond() {
        var meter = RateMeter()
        let start = ContinuousClock.now
        var total: Int64 = 0
        for tick in 0...48 {  // 3 s of samples, as the loop takes them; 4 MB arrives at the start of each second
            let now = start + RateMeter.spacing * tick
            if tick % 16 == 1 { total += 4_000_000 }
            meter.update(total: total, at: now)
        }
        #expect(meter.bytesPerSecond > 3_000_000 && meter.bytesPerSecond < 5_500_000, "\(meter.bytesPerSecond)")
    }

    @Test func stoppedTransferFallsToZero() {
        var meter = RateMeter()
        let start = ContinuousClock.now
        meter.update(total: 0, at: start)
        meter.update(total: 1_000_000, at: start + .milliseconds(500))
        for tick in 1...32 { meter.update(total: 1_000_000, at: start + .milliseconds(500) + RateMeter.spacing * tick) }
        #expect(meter.bytesPerSecond == 0)
    }
}
