/// What `--count`, `--min-bytes`, `--shuffle`, `--near` and `--seed` ask of the selection.
public struct SelectionRules: Sendable, Equatable {
    public enum Order: Sendable, Equatable {
        /// The first eligible lines, in input order (the default).
        case input
        /// At random among all eligible lines (`--shuffle`).
        case shuffle
        /// At random among the 4×count eligible sizes closest to `minBytes` (`--near`), like the talk's
        /// `get_sample_urls`, which sorted its index by size and sampled from just above the threshold.
        case near
    }

    public var count: Int
    public var minBytes: Int64
    public var order: Order
    /// Seeds the random orders; the same seed and list give the same choice.
    public var seed: UInt64

    public init(count: Int, minBytes: Int64 = 0, order: Order = .input, seed: UInt64 = 0) {
        self.count = count
        self.minBytes = minBytes
        self.order = order
        self.seed = seed
    }

    /// The most lines without a size that are ever probed: the talk sampled 4×count, so do we.
    public var probeBudget: Int { count.multipliedReportingOverflow(by: 4).overflow ? Int.max : count * 4 }

    /// Whether a line's size decides its eligibility (`--min-bytes` above 0), or ranks it (`--near`).
    public var needsSizes: Bool { minBytes > 0 || order == .near }

    /// Eligible as far as the size goes: known and at least `minBytes`; unknown only when no size is asked for.
    public func admits(size: Int64?) -> Bool {
        guard let size else { return !needsSizes }
        return size >= minBytes
    }
}
