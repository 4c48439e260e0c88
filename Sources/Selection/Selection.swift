/// Chooses which candidates to download, in the order they will be started, and which wait as spares.
public struct Selection: Sendable {
    /// Downloaded first, `count` of them (fewer if not enough lines are eligible).
    public var chosen: [Candidate]
    /// Eligible candidates not chosen, best first: replacements for images that fail.
    public var spares: [Candidate]
    /// How many lines without a size were probed.
    public var probed: Int

    /// Finds the sizes of lines that have none: given a sample (already in the order to try, at most the probe
    /// budget long), returns eligible candidates with their sizes filled in, at most `need` of them, probing no
    /// more lines than it must. The second value is the number of lines probed.
    public typealias Probe = @Sendable (_ sample: [Candidate], _ need: Int) async -> (found: [Candidate], probed: Int)

    public init(chosen: [Candidate], spares: [Candidate], probed: Int = 0) {
        self.chosen = chosen
        self.spares = spares
        self.probed = probed
    }

    /// Applies `rules` to the list.
    ///
    /// Lines with a known size are used first; lines without one are probed only when those are too few to fill
    /// `count`, and only a sample of them (in input order, or at random for `--shuffle`/`--near`) no longer than
    /// 4×count. When no size is asked for (`--min-bytes 0` without `--near`), nothing is probed.
    public static func choose(
        from candidates: [Candidate], rules: SelectionRules, probe: Probe
    ) async -> Selection {
        var random = SplitMix64(seed: rules.seed)
        guard rules.needsSizes else {
            let ordered = rules.order == .shuffle ? random.shuffled(candidates) : candidates
            return Selection(chosen: Array(ordered.prefix(rules.count)), spares: Array(ordered.dropFirst(rules.count)))
        }
        var pool = candidates.filter { $0.size != nil && rules.admits(size: $0.size) }
        var probed = 0
        let unsized = candidates.filter { $0.size == nil }
        if pool.count < rules.count && !unsized.isEmpty {
            let sample = (rules.order == .input ? unsized : random.shuffled(unsized)).prefix(rules.probeBudget)
            let result = await probe(Array(sample), rules.count - pool.count)
            pool += result.found.filter { rules.admits(size: $0.size) }
            probed = result.probed
        }
        let position = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1.url, $0) })
        let ordered: [Candidate]
        switch rules.order {
        case .input:
            ordered = pool.sorted { position[$0.url, default: 0] < position[$1.url, default: 0] }
        case .shuffle:
            ordered = random.shuffled(pool)
        case .near:
            let byCloseness = pool.sorted { a, b in
                let (da, db) = (distance(a, rules.minBytes), distance(b, rules.minBytes))
                return da != db ? da < db : position[a.url, default: 0] < position[b.url, default: 0]
            }
            ordered =
                random.shuffled(Array(byCloseness.prefix(rules.probeBudget)))
                + byCloseness.dropFirst(rules.probeBudget)
        }
        return Selection(
            chosen: Array(ordered.prefix(rules.count)), spares: Array(ordered.dropFirst(rules.count)), probed: probed)
    }

    /// How far a size is from the threshold; an unknown size (only possible with `--min-bytes 0`) ranks last.
    private static func distance(_ candidate: Candidate, _ minBytes: Int64) -> UInt64 {
        guard let size = candidate.size else { return .max }
        return size >= minBytes ? UInt64(size - minBytes) : UInt64(minBytes - size)
    }
}
