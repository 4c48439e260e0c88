import Figures

/// Turns progress values into the fixed-shape text lines of the progress area. Pure, so tests pin the text.
///
/// Sizes use decimal units (kB, MB, GB) because that is how the selection threshold is written
/// (`--min-bytes 15000000` is 15 MB); exact byte counts with `_` grouping are the report's job.
public enum ProgressText {
    /// `name  ███████▌░░░░░  52%   7.8 MB/15.0 MB    4.0 MB/s  ETA 2.0 s `, exactly `width` columns when it fits.
    ///
    /// The fields right of the name have fixed widths (as long as their values fit them), so the bars of the lines
    /// above and below start in the same column whatever each transfer's sizes, rate or state.
    public static func line(_ progress: ProgressLine, width: Int) -> String {
        var right = ""
        if let total = progress.total, total > 0 {
            let fraction = min(1, max(0, Double(progress.received) / Double(total)))
            right += "  " + bar(fraction: fraction, width: barWidth(for: width))
            right += " " + leftPadded("\(Int(fraction * 100))%", to: 4)
            right += "  " + leftPadded(bytes(progress.received) + "/" + bytes(total), to: 17)
        } else {
            right += "  " + leftPadded(bytes(progress.received), to: 8)
        }
        right += "  " + leftPadded(rate(progress.bytesPerSecond), to: 10)
        let state = Sanitizer.clean(progress.state)
        var last = ""
        if !state.isEmpty && state != "downloading" {
            last = state
        } else if let seconds = progress.secondsRemaining {
            last = "ETA " + formatSeconds(seconds, .clock)
        }
        right += "  " + DisplayWidth.padded(last, toWidth: max(10, DisplayWidth.of(last)))
        let name = Sanitizer.displayName(progress.name)
        let nameWidth = width - DisplayWidth.of(right)
        guard nameWidth >= 8 else {
            return DisplayWidth.ellipsize(name + right, toWidth: width)
        }
        return DisplayWidth.padded(name, toWidth: nameWidth, truncation: .middle) + right
    }

    /// `3 of 10 shown · 1 failed · 6 active · 45.2 MB · 38.1 MB/s · 4.2 s`
    public static func summary(_ summary: ProgressSummary, width: Int) -> String {
        let text = [
            "\(summary.done) of \(summary.total) shown",
            "\(summary.failed) failed",
            "\(summary.active) active",
            bytes(summary.bytes),
            rate(summary.bytesPerSecond),
            formatSeconds(summary.elapsed, .clock),
        ].joined(separator: " · ")
        return DisplayWidth.ellipsize(text, toWidth: width)
    }

    /// A bar of `width` cells drawn with eighth blocks, so it moves smoothly even when narrow.
    public static func bar(fraction: Double, width: Int) -> String {
        guard width > 0 else { return "" }
        let eighths = Int((min(1, max(0, fraction)) * Double(width * 8)).rounded(.down))
        let full = eighths / 8
        let partial = eighths % 8
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var text = String(repeating: "█", count: full)
        if full < width {
            text += partial > 0 ? partials[partial] : "░"
            text += String(repeating: "░", count: width - full - 1)
        }
        return text
    }

    static func barWidth(for lineWidth: Int) -> Int {
        min(30, max(0, lineWidth / 6))
    }

    /// `0 B`, `999 B`, `1.5 kB`, `15.0 MB`, `1.2 GB`.
    public static func bytes(_ count: Int64) -> String {
        let value = Double(max(0, count))
        switch value {
        case ..<1000: return "\(Int64(value)) B"
        case ..<1_000_000: return decimals(value / 1e3, places: 1) + " kB"
        case ..<1_000_000_000: return decimals(value / 1e6, places: 1) + " MB"
        default: return decimals(value / 1e9, places: 1) + " GB"
        }
    }

    /// `4.0 MB/s`
    public static func rate(_ bytesPerSecond: Double) -> String {
        guard bytesPerSecond.isFinite else { return "– B/s" }
        return bytes(Int64(max(0, bytesPerSecond).rounded())) + "/s"
    }

    private static func leftPadded(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
