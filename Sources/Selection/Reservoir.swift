/// `--shuffle` as a `ListSink`: a uniform random sample of the eligible lines in memory bounded by the sample,
/// whatever the length of the list (reservoir sampling, Algorithm R), drawn with `SplitMix64` so `--seed` picks
/// the same lines on every machine.
///
/// The sample holds `count` images and `3 × count` spares: 4×count in all, the talk's sample size. Each line is
/// one draw, so a URL listed k times is k times likelier to be picked (its copies are dropped from the sample at
/// the end). Lines whose size must be probed are sampled the same way into a second reservoir of 4×count, probed
/// at the end only when the sized lines are too few.
///
/// - SeeAlso: Vitter, "Random sampling with a reservoir", ACM TOMS 11(1), 1985.
public struct Reservoir: ListSink, Sendable {
    public let rules: SelectionRules
    private var random: SplitMix64
    private var sized: Sample
    private var unsized: Sample

    /// One reservoir: `kept` is a uniform sample of the `seen` lines offered.
    struct Sample: Sendable {
        var kept: [Candidate] = []
        var seen = 0

        mutating func offer(_ entry: ListEntry, capacity: Int, random: inout SplitMix64) {
            seen += 1
            if kept.count < capacity {
                kept.append(entry.candidate())
                return
            }
            let slot = random.below(seen)
            if slot < capacity { kept[slot] = entry.candidate() }
        }
    }

    public init(rules: SelectionRules) {
        self.rules = rules
        random = SplitMix64(seed: rules.seed)
        sized = Sample()
        unsized = Sample()
    }

    /// The sample's size: `count` images and their spares.
    public var capacity: Int { rules.probeBudget }

    public mutating func take(_ entry: ListEntry) -> Bool {
        if entry.size == nil && rules.needsSizes {
            unsized.offer(entry, capacity: capacity, random: &random)
        } else if rules.admits(size: entry.size) {
            sized.offer(entry, capacity: capacity, random: &random)
        }
        return true
    }

    /// The choice, once every list has been read: the sample in a random order, the first `count` downloaded and
    /// the rest kept as spares. Lines without a size are probed (in their random order) only when the sized ones
    /// cannot fill `count`.
    public mutating func finish(probe: Selection.Probe) async -> Selection {
        var pool = DuplicateGuard.unique(sized.kept).kept
        var probed = 0
        if pool.count < rules.count && !unsized.kept.isEmpty {
            let sample = random.shuffled(DuplicateGuard.unique(unsized.kept).kept)
            let result = await probe(sample, rules.count - pool.count)
            pool = DuplicateGuard.unique(pool + result.found.filter { rules.admits(size: $0.size) }).kept
            probed = result.probed
        }
        let ordered = random.shuffled(pool)
        return Selection(
            chosen: Array(ordered.prefix(rules.count)), spares: Array(ordered.dropFirst(rules.count)), probed: probed)
    }
}
