import Decode
import Imaging
import Selection

/// What `--json` reports, one event per line on stdout, for scripts.
enum RunEvent: Sendable {
    /// A candidate was chosen: at the start, or later as the replacement for a failed image.
    case selected(Candidate, replacement: Bool)
    /// Its download (or, when cached, its read from disk) began.
    case started(Candidate)
    /// `receivedAt` and `shownAt` are seconds since the run started: when the last byte arrived, and when the
    /// image was handed to the screen and its line written (what `make bench` checks: shown ≤ 20 ms after).
    case completed(ShownImage, index: Int, receivedAt: Double?, shownAt: Double)
    case failed(Candidate, reason: String)
    case summary(shown: Int, failed: Int, bytes: Int64, elapsed: Double)

    var json: String {
        switch self {
        case .selected(let candidate, let replacement):
            JSONLine.object([
                ("event", .string("selected")), ("url", .string(candidate.url)), ("name", .string(candidate.name)),
                ("size", candidate.size.map(JSONValue.int) ?? .null), ("line", .int(candidate.line)),
                ("replacement", .bool(replacement)),
            ])
        case .started(let candidate):
            JSONLine.object([("event", .string("started")), ("url", .string(candidate.url))])
        case .completed(let image, let index, let receivedAt, let shownAt):
            JSONLine.object([
                ("event", .string("completed")), ("index", .int(index)), ("url", .string(image.candidate.url)),
                ("name", .string(image.candidate.name)), ("bytes", .int(image.bytes)),
                ("format", .string(image.thumbnail.format.name)), ("width", .int(image.thumbnail.imageSize.width)),
                ("height", .int(image.thumbnail.imageSize.height)),
                ("seconds", .double(image.seconds)), ("receivedAt", receivedAt.map(JSONValue.double) ?? .null),
                ("shownAt", .double(shownAt)), ("cached", .bool(image.cached)),
                ("file", image.savedAs.map(JSONValue.string) ?? .null),
                ("resumedFrom", image.resumedFrom.map(JSONValue.int) ?? .null),
            ])
        case .failed(let candidate, let reason):
            JSONLine.object([
                ("event", .string("failed")), ("url", .string(candidate.url)), ("reason", .string(reason)),
            ])
        case .summary(let shown, let failed, let bytes, let elapsed):
            JSONLine.object([
                ("event", .string("summary")), ("shown", .int(shown)), ("failed", .int(failed)), ("bytes", .int(bytes)),
                ("elapsed", .double(elapsed)),
            ])
        }
    }
}
