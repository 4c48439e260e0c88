/// `--near` as a `ListSink`: keeps the 4×count eligible lines whose sizes are closest to `--min-bytes` (ties go to
/// the earlier line), in a bounded max-heap, so memory is the heap whatever the length of the list. At the end
/// they are put in a random order (`--seed`): the first `count` are downloaded, the rest are the spares.
///
/// Lines whose size must be probed are sampled as for `--shuffle` and probed at the end only when the sized
/// lines cannot fill `count`.
public struct NearestSizes: ListSink, Sendable {
    public let rules: SelectionRules
    private var heap: BoundedHeap<Ranked>
    private var unsized = Reservoir.Sample()
    private var random: SplitMix64
    private var order = 0
    /// Only a line closer than this can enter the heap: the worst distance kept once the heap is full. Kept apart
    /// from the heap, so the test on every line reads one number and copies no candidate.
    private var cutoff = UInt64.max

    struct Ranked: Comparable, Sendable {
        var distance: UInt64
        var order: Int
        var candidate: Candidate

        static func < (a: Ranked, b: Ranked) -> Bool {
            (a.distance, a.order) < (b.distance, b.order)
        }

        static func == (a: Ranked, b: Ranked) -> Bool { (a.distance, a.order) == (b.distance, b.order) }
    }

    public init(rules: SelectionRules) {
        self.rules = rules
        heap = BoundedHeap(capacity: rules.probeBudget)
        random = SplitMix64(seed: rules.seed)
    }

    public mutating func take(_ entry: ListEntry) -> Bool {
        order += 1
        guard let size = entry.size else {
            unsized.offer(entry, capacity: rules.probeBudget, random: &random)
            return true
        }
        guard rules.admits(size: size) else { return true }
        let distance = Self.distance(size, rules.minBytes)
        // A later line of equal distance never displaces an earlier one: the earlier line wins ties.
        guard distance < cutoff else { return true }
        heap.insert(Ranked(distance: distance, order: order, candidate: entry.candidate()))
        if heap.isFull, let worst = heap.worst { cutoff = worst.distance }
        return true
    }

    /// The choice, once every list has been read.
    public mutating func finish(probe: Selection.Probe) async -> Selection {
        var ranked = heap.sorted()
        var probed = 0
        if DuplicateGuard.unique(ranked.map(\.candidate)).kept.count < rules.count && !unsized.kept.isEmpty {
            let sample = random.shuffled(unsized.kept)
            let result = await probe(sample, rules.count - ranked.count)
            probed = result.probed
            for found in result.found where rules.admits(size: found.size) {
                order += 1
                ranked.append(
                    Ranked(distance: Self.distance(found.size ?? 0, rules.minBytes), order: order, candidate: found))
            }
            ranked = Array(ranked.sorted().prefix(rules.probeBudget))
        }
        let closest = DuplicateGuard.unique(ranked.map(\.candidate)).kept
        let ordered = random.shuffled(closest)
        return Selection(
            chosen: Array(ordered.prefix(rules.count)), spares: Array(ordered.dropFirst(rules.count)), probed: probed)
    }

    static func distance(_ size: Int64, _ minBytes: Int64) -> UInt64 {
        size >= minBytes ? UInt64(size - minBytes) : UInt64(minBytes - size)
    }
}
