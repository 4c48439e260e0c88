/// Durations as numbers, for the loop's arithmetic and curl's options; as text they go through `formatSeconds`.

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }

    /// Rounded to whole milliseconds, as curl's `_MS` options take them.
    var milliseconds: Int { Int((seconds * 1000).rounded()) }
}
