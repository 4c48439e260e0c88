/// The one way a duration becomes text: every message, report line and screen that shows one formats it here, so
/// the same time reads the same wherever it appears.
public enum SecondsStyle: Sendable {
    /// `20 s`, `0.5 s`: to a tenth, without a trailing ".0". Limits and timeouts in messages, which users give as
    /// round figures.
    case tenths
    /// `0.52 s`, `3.10 s`: two decimals, both always shown. One image's timings, where a tenth would make most of
    /// them read alike.
    case hundredths
    /// `0.4 s`, `12 s`, `3:07`, `1:02:03`: a running clock or a countdown, which keeps its width as it ticks and
    /// drops precision nobody can read in passing.
    case clock
}

/// `seconds` with its unit, in `style`; "–" for a value that is no duration (not finite, or negative).
public func formatSeconds(_ seconds: Double, _ style: SecondsStyle = .tenths) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "–" }
    switch style {
    case .tenths: return tenths(seconds) + " s"
    case .hundredths: return decimals(seconds, places: 2) + " s"
    case .clock: return clock(seconds)
    }
}

/// `duration` with its unit, in `style`.
public func formatSeconds(_ duration: Duration, _ style: SecondsStyle = .tenths) -> String {
    let (whole, fraction) = duration.components
    return formatSeconds(Double(whole) + Double(fraction) / 1e18, style)
}

private func clock(_ seconds: Double) -> String {
    if seconds < 10 { return decimals(seconds, places: 1) + " s" }
    let whole = Int(min(seconds, 1e15).rounded())
    if whole < 60 { return "\(whole) s" }
    let (hours, minutes, rest) = (whole / 3600, (whole / 60) % 60, whole % 60)
    let twoDigits = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
    return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(rest))" : "\(minutes):\(twoDigits(rest))"
}
