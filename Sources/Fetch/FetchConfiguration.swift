/// Every knob of the fetch engine. Timeouts and limits are parameters so tests can shrink them.
public struct FetchConfiguration: Sendable {
    /// Transfers in flight at once; the rest wait in the engine's queue. Never more than `hardMaxInFlight`.
    public var maxInFlight: Int = Self.hardMaxInFlight
    /// Transfers in flight at once to one host (`host:port`), counted by our scheduler, not by curl's
    /// connection cap, so HTTP/2 streams count too.
    public var maxPerHost: Int = Self.hardMaxInFlight
    /// Give up connecting after this long.
    public var connectTimeout: Duration = .seconds(10)
    /// Abort a transfer that receives less than `stallBytesPerSecond` for this long. Whole seconds (curl's unit).
    /// Time spent paused by our own backpressure does not count: curl skips its speed check on paused transfers.
    public var stallTimeout: Duration = .seconds(20)
    public var stallBytesPerSecond: Int = 1024
    /// Abort a transfer that takes longer than this in total; nil means no limit.
    public var totalTimeout: Duration? = nil
    /// Body bytes the engine holds for one transfer before it pauses that transfer.
    public var maxBufferedBytes: Int = 256 * 1024
    /// Bodies larger than this fail, also when the server announces no or a false Content-Length.
    public var maxBytes: Int64 = 512 * 1024 * 1024
    public var maxRedirects: Int = 5
    public var userAgent: String = "gallery"
    /// A PEM file of extra CA certificates to trust.
    public var caCertificates: String? = nil
    /// Skip TLS verification. Only ever set by an explicit `--insecure`.
    public var insecure: Bool = false

    /// The ceiling on concurrent transfers whatever the options say: `--count 1000` must not open 1,000 sockets.
    public static let hardMaxInFlight = 64

    public init() {}
}
