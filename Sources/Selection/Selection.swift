/// What `--shuffle` and `--near` chose (`Reservoir`, `NearestSizes`): the images to start, in order, and the
/// spares that replace failed ones.
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
}
