/// Every knob of the fetch engine. Timeouts and limits are parameters so tests can shrink them.
public struct FetchConfiguration: Sendable {
    /// Transfers in flight at once; the rest wait in the engine's queue. Never more than `hardMaxInFlight`.
    public var maxInFlight: Int = Self.hardMaxInFlight
    /// Transfers in flight at once to one host (`host:port`), counted by our scheduler, not by curl's
    /// connection cap, so HTTP/2 streams count too.
    public var maxPerHost: Int = Self.hardMaxInFlight
    /// Give up connecting after this long.
    public var connectTimeout: Duration = .seconds(10)
    /// Abort a transfer that receives less than `stallBytesPerSecond` for this long (the error says
    /// "no data for 20 s (stalled)"). Checked by the loop itself, not curl's CURLOPT_LOW_SPEED_TIME, so time spent
    /// paused by our own backpressure never counts and tests may use fractions of a second.
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

    /// Attempts after the first for transient failures (`FetchError.Reason.isTransient`); 0 = never retry.
    public var retries: Int = 3
    /// The wait before the first retry; it doubles for each further one, plus up to 25 % jitter.
    public var retryBackoff: Duration = .milliseconds(500)
    /// No backoff grows beyond this.
    public var maxRetryBackoff: Duration = .seconds(30)
    /// A server's `Retry-After` is honoured up to this long.
    public var maxRetryAfter: Duration = .seconds(60)

    /// Total download rate over all transfers, in bytes per second; nil = unlimited. A budget `schedule` hands out
    /// (shortest remaining first, or in equal shares), each transfer paced by the loop (`RatePacer`).
    public var maxBytesPerSecond: Int? = nil
    /// How the transfers in flight share the link: `.adaptive` finds whether it is the limit and then gives it to the
    /// transfers closest to done; `.even` lets every transfer receive at once.
    public var schedule: Schedule = .adaptive
    /// How often the loop refreshes the snapshot `Fetcher.progress` returns; nil = never, and it shows only the
    /// transfers waiting to retry. Set it to the pace its reader draws at (gallery: `FrameThrottle.progressInterval`),
    /// so there is one throttle and no snapshot is built that nobody reads.
    public var progressInterval: Duration? = nil
    /// Limits for particular hosts (lower-cased host name, no port), e.g. from `HostProfiles.effectiveLimits`.
    public var hostLimits: [String: HostLimit] = [:]

    /// `PRODUCT libcurl/7.88.1`: names the program and the library that speaks for it, and nothing it cannot vouch
    /// for (no project URL); users add their own contact details in place of it.
    public static func userAgent(product: String) -> String { "\(product) libcurl/\(CurlRuntime.version)" }

    /// The ceiling on concurrent transfers whatever the options say: `--count 1000` must not open 1,000 sockets.
    public static let hardMaxInFlight = 64

    public init() {}
}

/// Politeness limits for one host, on top of the global ones.
public struct HostLimit: Sendable, Equatable {
    /// Transfers in flight at once to this host; nil = the global `maxPerHost`.
    public var maxInFlight: Int?
    /// This host's total download rate in bytes per second; nil = unlimited.
    public var maxBytesPerSecond: Int?

    public init(maxInFlight: Int? = nil, maxBytesPerSecond: Int? = nil) {
        self.maxInFlight = maxInFlight
        self.maxBytesPerSecond = maxBytesPerSecond
    }
}
