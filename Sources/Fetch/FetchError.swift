/// A failed transfer, as one line that names the URL and a human reason.
///
/// C error codes are turned into a `Reason` once, at the edge (`EasyHandle`), and nowhere else.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The server answered with an error status.
        case http(status: Int, reason: String)
        /// curl failed; `message` is its reason in words, e.g. "connection refused".
        case transport(code: Int, message: String)
        /// No byte arrived fast enough for too long.
        case stalled(seconds: Int)
        case timedOut(seconds: Double)
        /// The body ended before the announced Content-Length.
        case shortBody(received: Int64, announced: Int64)
        case tooLarge(limit: Int64)
        /// The consumer of the body gave up, for the reason it names (e.g. "not a JPEG").
        case rejected(String)
        case cancelled
        /// The engine shut down before the transfer ended.
        case shutdown
        /// The engine could not be set up, e.g. curl_multi_init failed.
        case setup(String)
    }

    public var url: String
    public var reason: Reason

    public init(url: String, reason: Reason) {
        self.url = url
        self.reason = reason
    }

    /// The reason alone, for places that show the URL already (a failure list under the grid).
    public var reasonText: String {
        switch reason {
        case .http(let status, let text): text.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(text)"
        case .transport(_, let message): message
        case .stalled(let seconds): "no data for \(seconds) s (stalled)"
        case .timedOut(let seconds): "timed out after \(formatSeconds(seconds)) s"
        case .shortBody(let received, let announced): "body ended after \(received) of \(announced) bytes"
        case .tooLarge(let limit): "larger than the limit of \(limit) bytes"
        case .rejected(let why): why
        case .cancelled: "cancelled"
        case .shutdown: "fetch engine shut down"
        case .setup(let why): why
        }
    }

    public var description: String { "\(url): \(reasonText)" }
}

func formatSeconds(_ seconds: Double) -> String {
    let tenths = (seconds * 10).rounded()
    return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
}
