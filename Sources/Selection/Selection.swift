/// Chooses which candidates to download, in the order they will be started.
public struct Selection: Sendable {
    /// Downloaded first, `count` of them (fewer if the list is short).
    public var chosen: [Candidate]
    /// Eligible candidates not chosen, in order: replacements for images that fail.
    public var spares: [Candidate]

    /// The first `count` candidates whose known size is at least `minBytes`, in input order.
    ///
    /// A candidate without a size counts as eligible (it is not probed yet), unless `minBytes` asks for a size and
    /// `requireKnownSize` is set.
    public init(from candidates: [Candidate], count: Int, minBytes: Int64, requireKnownSize: Bool = false) {
        let eligible = candidates.filter { candidate in
            guard let size = candidate.size else { return !requireKnownSize }
            return size >= minBytes
        }
        chosen = Array(eligible.prefix(count))
        spares = Array(eligible.dropFirst(count))
    }
}
