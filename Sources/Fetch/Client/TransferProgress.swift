/// Where a transfer is in its life, for progress lines.
public enum TransferState: String, Sendable {
    case queued, connecting, receiving, paused, retrying
    /// Held back by the schedule while transfers closer to done have the link (started and trickling, or not
    /// started yet).
    case waitingTurn = "waiting its turn"
}

/// A snapshot of one transfer in flight, published by the loop for the renderer to poll.
public struct TransferProgress: Sendable, Identifiable {
    public var id: TransferID
    public var url: String
    public var state: TransferState
    public var received: Int64
    /// Content-Length, once the headers are in and when the server sent one.
    public var expected: Int64?
    public var bytesPerSecond: Double
}
