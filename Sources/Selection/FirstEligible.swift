/// The default choice as a `ListSink`: eligible lines in list order, each kept as the scan reaches it, so the
/// first download can start as soon as its line has been read.
///
/// A line whose size is needed but not given is kept too, marked for a probe (`InOrderChooser` asks the server).
/// The sink holds only what one scan step found; the chooser drains it.
public struct FirstEligible: ListSink, Sendable {
    /// A line the chooser takes next.
    public struct Pick: Sendable, Equatable {
        public var candidate: Candidate
        /// Its size must be asked for before it is known to be eligible.
        public var needsProbe: Bool
    }

    public let rules: SelectionRules
    /// Found and not yet drained.
    public var picks: [Pick] = []
    /// The scan pauses once this many picks wait.
    public var want = 1
    /// Lines whose size rules them out, and lines naming a URL already picked.
    public private(set) var ineligible = 0
    public private(set) var duplicates = 0
    private var seen = DuplicateGuard()

    public init(rules: SelectionRules) {
        self.rules = rules
    }

    public mutating func take(_ entry: ListEntry) -> Bool {
        guard entry.size == nil || rules.admits(size: entry.size) else {
            ineligible += 1
            return true
        }
        let candidate = entry.candidate()
        guard seen.insert(candidate.url) else {
            duplicates += 1
            return true
        }
        picks.append(Pick(candidate: candidate, needsProbe: entry.size == nil && rules.needsSizes))
        return picks.count < want
    }

    /// The picks found so far, leaving none.
    public mutating func drain() -> [Pick] {
        defer { picks.removeAll(keepingCapacity: true) }
        return picks
    }
}

/// The URLs already chosen or kept as spares: a line naming one of them again is fetched once. It holds only what
/// the choice keeps, never the whole list.
public struct DuplicateGuard: Sendable {
    private var urls = Set<String>()

    public init() {}

    /// False when `url` is already kept.
    public mutating func insert(_ url: String) -> Bool { urls.insert(url).inserted }

    /// `candidates` without the later copies of a URL, and how many were dropped.
    public static func unique(_ candidates: [Candidate]) -> (kept: [Candidate], dropped: Int) {
        var guardSet = DuplicateGuard()
        let kept = candidates.filter { guardSet.insert($0.url) }
        return (kept, candidates.count - kept.count)
    }
}

extension ListScanner {
    /// One pull for `InOrderChooser`: scans until `sink` holds at least one pick and the scan reaches a pause or the
    /// end of a buffer, or until the input stops (`.end`, `.notAList`, `.refused`). A stretch of ineligible lines
    /// is read in one go, without returning to the caller per buffer.
    public mutating func pull(into sink: inout some PickingSink, want: Int) throws -> Step {
        sink.want = max(want, 1)
        while true {
            let step = try scan(into: &sink)
            if step != .more || sink.hasPicks { return step }
        }
    }
}

/// A sink that pauses the scan once it holds `want` picks: `FirstEligible`, or a wrapper around it.
public protocol PickingSink: ListSink {
    var want: Int { get set }
    var hasPicks: Bool { get }
}

extension FirstEligible: PickingSink {
    public var hasPicks: Bool { !picks.isEmpty }
}

extension HostWatch: PickingSink where Inner: PickingSink {
    public var want: Int {
        get { inner.want }
        set { inner.want = newValue }
    }
    public var hasPicks: Bool { inner.hasPicks }
}
