import Foundation

/// A link that every connection of a `FaultServer` shares, like a home line or a host's total cap: one token bucket
/// all of them draw from, so whatever one connection sends is missing from the others.
///
/// Emulates on loopback what `tc qdisc tbf` does on a veth pair (scripts/netns-link), without root or a namespace.
/// Kernel buffers would hide any scheduling (a client that stops reading keeps taking the link until its socket
/// buffers are full), so every connection's SO_SNDBUF is set to `sendBufferBytes`, and tests serve bodies at least
/// ten times larger than the buffers on both sides.
public final class SharedLink: @unchecked Sendable {
    // Justification: `tokens` and `last` are guarded by `lock`; the rest are lets.

    public let bytesPerSecond: Int
    public let sendBufferBytes: Int
    /// Closes a connection whose send makes no progress for this long, as nginx's `send_timeout` does (SO_SNDTIMEO
    /// on each connection); nil = wait forever.
    public let sendTimeout: Duration?
    private let lock = NSLock()
    private var tokens: Double = 0
    private var last = ContinuousClock.now

    /// - Parameters:
    ///   - bytesPerSecond: the whole link's rate, shared by every connection.
    ///   - sendBufferBytes: SO_SNDBUF for each connection (Linux doubles it for its own bookkeeping).
    ///   - sendTimeout: close a connection whose client read nothing for this long.
    public init(bytesPerSecond: Int, sendBufferBytes: Int = 16 * 1024, sendTimeout: Duration? = nil) {
        self.bytesPerSecond = max(1, bytesPerSecond)
        self.sendBufferBytes = sendBufferBytes
        self.sendTimeout = sendTimeout
    }

    /// The bucket holds at most 100 ms of the link: one sender alone must be able to fill it on a busy machine,
    /// where a thread that sleeps a few hundred microseconds may wake tens of milliseconds later, and time it
    /// slept beyond what the bucket holds would be lost to the link.
    private var capacity: Double { Double(bytesPerSecond) / 10 }

    /// A sender waits for at least this much of the link (or all it wants, if less) rather than waking for a few
    /// bytes at a time.
    private static let leastGrant = 4096

    /// Waits until the link has room, then takes up to `wanted` bytes of it; returns how many (0 once `stopped`).
    func take(upTo wanted: Int, stopped: () -> Bool) -> Int {
        while !stopped() {
            let (granted, wait): (Int, Double) = lock.withLock {
                let now = ContinuousClock.now
                let elapsed = now - last
                last = now
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                tokens = min(capacity, tokens + seconds * Double(bytesPerSecond))
                let least = Double(min(wanted, Self.leastGrant))
                guard tokens >= least else { return (0, (least - tokens) / Double(bytesPerSecond)) }
                let granted = min(wanted, Int(tokens))
                tokens -= Double(granted)
                return (granted, 0)
            }
            if granted > 0 { return granted }
            usleep(useconds_t(max(200, min(5_000, wait * 1e6))))
        }
        return 0
    }
}
