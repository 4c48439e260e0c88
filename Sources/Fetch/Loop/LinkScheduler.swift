/// The scheduler as the fetch loop uses it: the probe, the allocator, and what the last allotment was, so the loop
/// only reports what it sees (bytes delivered, each transfer's bytes left and rate) and applies what comes back.
///
/// Owned by the fetch loop thread, like the transfers it schedules. Generic over the transfer's id so its tests
/// need no loop.
struct LinkScheduler<ID: Hashable & Sendable> {
    let schedule: Schedule
    /// `--max-rate`, bytes per second.
    let budget: Int?
    /// Per-host caps (host profiles), bytes per second by lower-cased host name.
    let hostBudgets: [String: Int]
    private(set) var probe: GoodputProbe
    let allocator: ShortestRemainingFirst
    /// Each transfer's allowance in the last allotment, and since when it has had it.
    private var granted: [ID: (allowance: Int?, since: ContinuousClock.Instant)] = [:]
    private var lastReceivers: Int?

    init(
        schedule: Schedule, budget: Int?, hostBudgets: [String: Int] = [:],
        probe: GoodputProbe.Settings = .init(), allocator: ShortestRemainingFirst.Settings = .init()
    ) {
        self.schedule = schedule
        self.budget = budget
        self.hostBudgets = hostBudgets
        self.probe = GoodputProbe(settings: probe)
        self.allocator = ShortestRemainingFirst(settings: allocator)
    }

    /// Under `even` the probe has nothing to decide: even never holds anyone. Under a cap it still runs: the cap
    /// may be above what the link delivers, and then the link, not the budget, is what the receivers share.
    var probes: Bool { schedule == .adaptive }

    /// Whether the probe still measures: false under `even` and once it found per-connection limits for good.
    var isProbing: Bool { probes && !probe.isFinal }

    /// One loop turn's totals. Returns the regime when it was found or changed (for `--verbose`), and whether the
    /// number of receivers changed, so allotments must be recomputed now.
    mutating func observe(_ sample: GoodputSample) -> (announce: LinkRegime?, reallot: Bool) {
        guard probes else { return (nil, false) }
        let announce = probe.observe(sample)
        let receivers = probe.receivers
        defer { lastReceivers = receivers }
        return (announce, receivers != lastReceivers)
    }

    /// What each transfer may do now. `rates` are the transfers' bytes per second over about the last second; a
    /// rate counts as what a transfer could use only once it has had the same allowance for that second.
    mutating func allot(
        _ contenders: [Contender<ID>], rates: [ID: Double], now: ContinuousClock.Instant
    ) -> [ID: Allotment] {
        let informed = contenders.map { contender in
            var contender = contender
            if let last = granted[contender.id], let allowance = last.allowance, now - last.since >= .seconds(1) {
                contender.allowance = allowance
                contender.measured = rates[contender.id]
            }
            return contender
        }
        let allotted = allocator.allot(
            informed, schedule: schedule, receivers: probes ? probe.receivers : nil, budget: budget,
            hostBudgets: hostBudgets)
        var next: [ID: (allowance: Int?, since: ContinuousClock.Instant)] = [:]
        for (id, allotment) in allotted {
            let allowance: Int? =
                switch allotment {
                case .receive(let rate): rate
                case .trickle, .waitTurn: nil
                }
            let previous = granted[id]
            next[id] = previous.map { $0.allowance == allowance ? $0 : (allowance, now) } ?? (allowance, now)
        }
        granted = next
        return allotted
    }
}

extension Allotment {
    /// The pace `RatePacer` holds a started transfer to; nil for no pacing.
    var pace: Int? {
        switch self {
        case .receive(let rate): rate
        case .trickle(let floor): floor
        case .waitTurn: nil
        }
    }

    /// CURLOPT_STREAM_WEIGHT (1...256) for a transfer on a shared HTTP/2 connection. Pausing one stream does not
    /// stop a server from filling its window, so the held streams also get the least weight, and a server that
    /// honours weights sends the receivers' frames first.
    /// - SeeAlso: <https://curl.se/libcurl/c/CURLOPT_STREAM_WEIGHT.html>
    var streamWeight: Int {
        switch self {
        case .receive: 256
        case .trickle, .waitTurn: 1
        }
    }
}
