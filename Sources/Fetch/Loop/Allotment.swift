/// One transfer as the scheduler sees it: what is left of it, and how it used its last allowance.
struct Contender<ID: Hashable & Sendable>: Sendable, Equatable {
    var id: ID
    /// Bytes still to come: Content-Length (or the list's size, before the headers arrive) minus what arrived;
    /// nil while unknown.
    var bytesLeft: Int64?
    /// True once its request is in curl; false while it waits in the engine's queue.
    var isStarted: Bool
    /// Lower-cased host name, for per-host budgets.
    var host: String
    /// Bytes per second over about the last second, when it received at `allowance` all that time; else nil.
    var measured: Double?
    /// The rate it was allowed over that time; nil when unlimited or held.
    var allowance: Int?

    init(
        id: ID, bytesLeft: Int64?, isStarted: Bool, host: String = "", measured: Double? = nil,
        allowance: Int? = nil
    ) {
        self.id = id
        self.bytesLeft = bytesLeft
        self.isStarted = isStarted
        self.host = host
        self.measured = measured
        self.allowance = allowance
    }
}

/// What one transfer may do until the scheduler decides again.
enum Allotment: Sendable, Equatable {
    /// Receive, at most this many bytes per second (nil: as fast as it can). A waiting transfer may start.
    case receive(bytesPerSecond: Int?)
    /// Started, but held back to this floor while transfers closer to done have the link.
    case trickle(bytesPerSecond: Int)
    /// Not started until its turn.
    case waitTurn

    var isReceiving: Bool {
        if case .receive = self { return true }
        return false
    }
}
