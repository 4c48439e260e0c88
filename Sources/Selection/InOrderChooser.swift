/// First-N selection over a list that is still being read: hands out eligible lines in list order, one `next()` per
/// free download slot, pulling lines only as far as the run needs.
///
/// A line without a size, when a size is asked for, is probed when reached: its probe starts at once, in a window
/// of at most `window` probes, and the lines behind it wait for its answer, so the first `count` eligible lines
/// in list order win whatever order the answers come in. Not Sendable in use: one task owns it.
public struct InOrderChooser {
    /// The next lines the scan finds, at most `want` of them (fewer when a scan step ends); nil at the end of the
    /// last list. Runs the scan off the cooperative pool (the caller's business).
    public typealias Pull = (_ want: Int) async -> [FirstEligible.Pick]?
    /// The line with its size filled in (left nil when the server did not say); nil when the probe failed.
    public typealias Probe = @Sendable (Candidate) async -> Candidate?

    private enum Slot {
        case ready(Candidate)
        case probing(Task<Candidate?, Never>)
    }

    public let rules: SelectionRules
    public let window: Int
    private let pull: Pull
    private let probe: Probe
    private var slots: [Slot] = []
    private var head = 0
    private var finished = false
    private var handedOut = 0
    /// Slots waiting for a line, as the last `next(waiting:)` said.
    private var waiting = 1
    /// How many lines were probed.
    public private(set) var probed = 0

    public init(rules: SelectionRules, window: Int, pull: @escaping Pull, probe: @escaping Probe) {
        precondition(window >= 1, "at least one probe must be allowed")
        self.rules = rules
        self.window = window
        self.pull = pull
        self.probe = probe
    }

    /// The next eligible line in list order; nil once the lists hold no more. The first `count` calls share the
    /// probe window; each later one (a replacement for a failed image) reads on only as far as the lines the
    /// slots waiting need.
    /// - Parameter waiting: how many free slots wait for a line, this one among them. When failures come in a
    ///   burst, the lines for all the waiting slots are read, and probed, at once, not one probe after another.
    public mutating func next(waiting: Int = 1) async -> Candidate? {
        self.waiting = max(waiting, 1)
        while true {
            if head == slots.count && !finished { await fill() }
            guard head < slots.count else { return nil }
            let slot = slots[head]
            if case .probing = slot { await fill() }
            head += 1
            compact()
            switch slot {
            case .ready(let candidate):
                handedOut += 1
                return candidate
            case .probing(let task):
                let answer = await withTaskCancellationHandler {
                    await task.value
                } onCancel: {
                    task.cancel()
                }
                if let answer, rules.admits(size: answer.size) {
                    handedOut += 1
                    return answer
                }
            }
        }
    }

    /// Stops every probe still running (the run is over or cancelled).
    public mutating func cancel() {
        for case .probing(let task) in slots[head...] { task.cancel() }
        slots.removeAll()
        head = 0
        finished = true
    }

    /// Pulls lines until the slots waiting cover what the run still wants, as far as the probe window allows.
    private mutating func fill() async {
        while !finished {
            let ahead = slots.count - head
            let outstanding = max(rules.count - handedOut, waiting)
            guard ahead < outstanding, probesRunning < window else { return }
            guard let picks = await pull(outstanding - ahead) else {
                finished = true
                return
            }
            for pick in picks { add(pick) }
            if ahead == 0 && !picks.isEmpty && !picks.contains(where: \.needsProbe) { return }
        }
    }

    private mutating func add(_ pick: FirstEligible.Pick) {
        guard pick.needsProbe else {
            slots.append(.ready(pick.candidate))
            return
        }
        probed += 1
        let (probe, candidate) = (self.probe, pick.candidate)
        slots.append(.probing(Task { await probe(candidate) }))
    }

    private var probesRunning: Int {
        slots[head...].reduce(0) { count, slot in if case .probing = slot { count + 1 } else { count } }
    }

    private mutating func compact() {
        guard head > 64, head * 2 > slots.count else { return }
        slots.removeFirst(head)
        head = 0
    }
}
