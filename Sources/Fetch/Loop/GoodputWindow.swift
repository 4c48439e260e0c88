/// The aggregate goodput over one measuring window, built from the loop's samples: what arrived, whether a consumer
/// took it yet or it still waits in a socket's receive buffer.
///
/// Time in which no transfer could receive (every one held by its consumer's backpressure or by the schedule) is
/// left out: it says nothing about the network. The window also tells how much of its time the aggregate was quiet
/// (a stretch far below the window's mean), which a saturated link never is, and how much of what arrived went
/// into receive buffers that nobody read.
struct GoodputWindow {
    /// A stretch below this fraction of the window's mean rate counts as quiet.
    static let quietFraction = 0.1
    /// Loop turns come far more often than packets (a consumer's wake-up is a turn too), so turns are pooled into
    /// stretches at least this long before one is judged quiet: a saturated link delivers something in every one.
    static let stretchSeconds = 0.04

    private(set) var seconds: Double = 0
    private(set) var bytes: Int64 = 0
    /// Counted time in which some transfer the schedule let receive was paused by its own consumer.
    private var consumerHeldSeconds: Double = 0
    /// Net growth of the unread bytes in receive buffers, over the steps where both ends were measured.
    private var buffered: Int64 = 0
    private var stretches: [(seconds: Double, bytes: Int64)] = []
    /// The stretch being pooled.
    private var pooled: (seconds: Double, bytes: Int64) = (0, 0)
    private var last: GoodputSample?

    init(from sample: GoodputSample) { last = sample }

    /// Adds the stretch since the previous sample. The previous sample's `receiving` says what was allowed during it.
    mutating func add(_ sample: GoodputSample) {
        defer { last = sample }
        guard let last, sample.at > last.at else { return }
        guard last.receiving > 0 else { return }
        let span = (sample.at - last.at).seconds
        var arrived = sample.delivered - last.delivered
        if let unread = sample.unread, let before = last.unread {
            arrived += unread - before
            buffered += unread - before
        }
        // Below zero when curl read bytes for a transfer that then paused: they wait inside curl, counted nowhere
        // until it resumes.
        let counted = max(0, arrived)
        seconds += span
        bytes += counted
        if last.consumerHeld > 0 { consumerHeldSeconds += span }
        pooled = (pooled.seconds + span, pooled.bytes + counted)
        if pooled.seconds >= Self.stretchSeconds {
            stretches.append(pooled)
            pooled = (0, 0)
        }
    }

    /// Bytes per second over the last pooled stretches that make up at least `span` seconds (all of them if fewer).
    func recentGoodput(over span: Double) -> Double {
        var time = 0.0
        var sum: Int64 = 0
        for stretch in stretches.reversed() where time < span {
            time += stretch.seconds
            sum += stretch.bytes
        }
        return time > 0 ? Double(sum) / time : goodput
    }

    /// Bytes per second over the counted time; 0 before any.
    var goodput: Double { seconds > 0 ? Double(bytes) / seconds : 0 }

    /// The share of the counted time (0...1) in which a consumer held back a transfer the schedule let receive:
    /// then the aggregate was what the consumers took, not what the link could deliver.
    var consumerHeldShare: Double { seconds > 0 ? consumerHeldSeconds / seconds : 0 }

    /// The share (0...1) of what arrived that stayed in receive buffers: the held transfers' flows still taking the
    /// link until their buffers are full.
    var bufferedShare: Double { bytes > 0 ? Double(max(0, buffered)) / Double(bytes) : 0 }

    /// The share of the pooled time spent in quiet stretches (0...1).
    var quietShare: Double {
        let judged = stretches.reduce(0.0) { $0 + $1.seconds }
        guard judged > 0 else { return 0 }
        guard bytes > 0 else { return 1 }
        let threshold = goodput * Self.quietFraction
        let quiet = stretches.reduce(0.0) { sum, stretch in
            Double(stretch.bytes) / stretch.seconds < threshold ? sum + stretch.seconds : sum
        }
        return quiet / judged
    }
}

/// What the loop tells `GoodputProbe` on each turn.
struct GoodputSample: Sendable, Equatable {
    var at: ContinuousClock.Instant
    /// Body bytes handed to consumers so far, all transfers together; never decreases.
    var delivered: Int64
    /// Bytes that arrived in the sockets' receive buffers and wait there unread; nil when not measured.
    var unread: Int64? = nil
    /// Transfers free to receive right now: allowed by the schedule and not paused by their consumer.
    var receiving: Int
    /// Transfers that want bytes: in flight or waiting their turn. The most that could ever receive at once.
    var contenders: Int
    /// Transfers the schedule lets receive that their consumer has paused (backpressure): a decoder behind on a busy
    /// CPU. The schedule's own pacing does not count here.
    var consumerHeld = 0
}
