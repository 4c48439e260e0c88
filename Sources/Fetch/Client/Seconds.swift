/// Durations as numbers and as text, for every message and report that shows one.

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }

    /// Rounded to whole milliseconds, as curl's `_MS` options take them.
    var milliseconds: Int { Int((seconds * 1000).rounded()) }
}

/// Seconds for a message, to a tenth and without a trailing ".0": "20", "0.5", "1.2".
public func formatSeconds(_ seconds: Double) -> String { tenths(seconds) }

/// Seconds to two decimals, both always shown ("0.52", "3.10"), for one image's timings, where a tenth would make
/// most of them read alike; "?" for a value that is no duration.
public func formatSeconds(hundredths seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let hundredths = Int((seconds * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

/// `value` to a tenth, without a trailing ".0": the one rounding every figure in a message uses.
func tenths(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
}
