/// Decides when a transfer has stalled: fewer than `bytes` received over `timeout` of *unpaused* time.
///
/// The window restarts whenever `bytes` more have arrived, so a complete stall is caught `timeout` after the last
/// good stretch. Time while our backpressure holds the transfer paused is not counted: a slow consumer is not a
/// slow server. This is why the loop checks stalls itself instead of CURLOPT_LOW_SPEED_TIME, whose window also
/// averages over paused stretches once the transfer runs again.
/// - SeeAlso: <https://curl.se/libcurl/c/CURLOPT_LOW_SPEED_TIME.html>
struct StallMeter {
    private var mark: Int64 = 0
    private var active: Duration = .zero
    private var lastCheck: ContinuousClock.Instant

    init(since start: ContinuousClock.Instant) { lastCheck = start }

    mutating func isStalled(
        received: Int64, paused: Bool, now: ContinuousClock.Instant, bytes: Int64, timeout: Duration
    )
        -> Bool
    {
        let elapsed = now - lastCheck
        lastCheck = now
        if paused { return false }
        if received - mark >= max(1, bytes) {
            mark = received
            active = .zero
            return false
        }
        active += elapsed
        return active >= timeout
    }
}
