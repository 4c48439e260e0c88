import Figures

/// A failed transfer, as one line that names the URL and a human reason.
///
/// C error codes are turned into a `Reason` once, at the edge (`CurlFailure`), and nowhere else.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The server answered with an error status.
        case http(status: Int, reason: String)
        /// curl failed; `message` is its reason in words, e.g. "connection refused".
        case transport(code: Int, message: String)
        /// Fewer than `FetchConfiguration.stallBytesPerSecond` arrived for this long (paused time not counted).
        case stalled(seconds: Double)
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
        /// The server broke HTTP in a way we cannot work around, e.g. a 206 for another range than we asked.
        case badResponse(String)
        /// Every retry failed; `last` is why the last attempt did.
        indirect case gaveUp(retries: Int, last: Reason)

        /// Worth another attempt: the network or the server may do better in a moment (connection refused or
        /// reset, timeouts, a body cut short, HTTP 408, 429, 500, 502, 503, 504). Never other 4xx, never a
        /// whole-transfer `--timeout`, never a consumer's rejection.
        public var isTransient: Bool {
            switch self {
            case .http(let status, _): [408, 429, 500, 502, 503, 504].contains(status)
            case .transport(let code, _): CurlFailure.isTransient(code: code)
            case .stalled, .shortBody: true
            default: false
            }
        }

        /// The reason without an HTTP status's phrase, for "gave up after 3 retries (HTTP 503)".
        var shortText: String {
            switch self {
            case .http(let status, _): "HTTP \(status)"
            case .stalled: "stalled"
            default: FetchError(url: "", reason: self).reasonText
            }
        }
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
        case .stalled(let seconds): "no data for \(formatSeconds(seconds)) (stalled)"
        case .timedOut(let seconds): "timed out after \(formatSeconds(seconds))"
        case .shortBody(let received, let announced): "body ended after \(received) of \(announced) bytes"
        case .tooLarge(let limit): "larger than the limit of \(limit) bytes"
        case .rejected(let why): why
        case .cancelled: "cancelled"
        case .shutdown: "fetch engine shut down"
        case .setup(let why): why
        case .badResponse(let why): why
        case .gaveUp(let retries, let last):
            "gave up after \(retries) \(retries == 1 ? "retry" : "retries") (\(last.shortText))"
        }
    }

    public var description: String { "\(url): \(reasonText)" }
}
