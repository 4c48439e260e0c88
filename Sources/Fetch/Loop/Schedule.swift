/// How the engine shares the link between the transfers it runs at once.
public enum Schedule: String, Sendable, CaseIterable {
    /// Measures whether more transfers at once still raise the aggregate (`GoodputProbe`) and, when they do not,
    /// gives the link to the transfers closest to done (`ShortestRemainingFirst`), so images complete one after
    /// another. Rate caps become budgets handed out in the same order.
    case adaptive
    /// Every transfer in flight receives at once and rate caps are split into equal shares, as curl, aria2 and
    /// wget2 do: on a shared link every image then completes near the end.
    case even
}

/// What limits the aggregate goodput, as `GoodputProbe` found it.
public enum LinkRegime: Sendable, Equatable, CustomStringConvertible {
    /// Nothing measured yet, or nothing to compare (one transfer): every transfer receives.
    case undecided
    /// More transfers at once raise the aggregate: each connection is limited on its own (server pacing, a long
    /// lossy path one TCP flow cannot fill), so every transfer receives.
    case perConnection
    /// This many receivers fill the bottleneck they share; more would only split the same bytes thinner.
    case linkBound(receivers: Int)

    /// How many transfers should receive at once; nil = all of them.
    public var receivers: Int? {
        if case .linkBound(let receivers) = self { return receivers }
        return nil
    }

    /// For `--verbose`: "link-bound: 1 transfer at a time, shortest remaining first".
    public var description: String {
        switch self {
        case .undecided: "not measured yet: every transfer receives"
        case .perConnection: "per-connection: more transfers at once raise the total, every transfer receives"
        case .linkBound(let receivers):
            "link-bound: \(receivers) transfer\(receivers == 1 ? "" : "s") at a time, shortest remaining first"
        }
    }
}

/// The regime the engine found, and when: for `--verbose` (`Fetcher.regimeChanges`).
public struct RegimeChange: Sendable, Equatable {
    public var regime: LinkRegime
    /// Seconds since the engine started.
    public var seconds: Double
}
