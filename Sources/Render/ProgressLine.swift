/// One active download as the progress area shows it.
public struct ProgressLine: Sendable, Hashable {
    /// The URL's last path segment, as in the URL; sanitized and percent-decoded when drawn.
    public var name: String
    public var received: Int64
    /// Nil until the server says (no Content-Length yet, or chunked).
    public var total: Int64?
    public var bytesPerSecond: Double
    /// A word for what is happening when it is not plain downloading: `connecting`, `decoding`, `retrying`.
    public var state: String

    public init(name: String, received: Int64, total: Int64?, bytesPerSecond: Double, state: String = "") {
        self.name = name
        self.received = received
        self.total = total
        self.bytesPerSecond = bytesPerSecond
        self.state = state
    }

    /// Seconds left at the current rate, when both the total and a rate are known.
    public var secondsRemaining: Double? {
        guard let total, bytesPerSecond > 0, total >= received else { return nil }
        return Double(total - received) / bytesPerSecond
    }
}

/// The aggregate line under the per-download lines.
public struct ProgressSummary: Sendable, Hashable {
    /// Images shown in the grid so far.
    public var done: Int
    public var failed: Int
    public var active: Int
    /// Slots in the grid, so the line can say `3 of 10`.
    public var total: Int
    public var bytes: Int64
    public var bytesPerSecond: Double
    public var elapsed: Duration

    public init(
        done: Int, failed: Int, active: Int, total: Int, bytes: Int64, bytesPerSecond: Double, elapsed: Duration
    ) {
        self.done = done
        self.failed = failed
        self.active = active
        self.total = total
        self.bytes = bytes
        self.bytesPerSecond = bytesPerSecond
        self.elapsed = elapsed
    }
}
