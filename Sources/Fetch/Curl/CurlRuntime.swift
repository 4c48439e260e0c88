import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// Initialises libcurl once per process, before the first loop thread starts.
///
/// `curl_global_init` is not thread-safe, so it runs inside a lazy global `let` (initialised exactly once).
/// SIGPIPE is ignored here too: a peer closing a socket, or `gallery … | head -3` closing stdout, must become an
/// error return (EPIPE), not a silent death. Every easy handle also sets `CURLOPT_NOSIGNAL`.
enum CurlRuntime {
    private static let initialised: Int32 = {
        signal(SIGPIPE, SIG_IGN)
        return Int32(curl_global_init(gallery_global_all).rawValue)
    }()

    /// Nil when curl initialised; otherwise why not.
    static func ensureInitialised() -> String? {
        initialised == 0 ? nil : "curl_global_init failed (code \(initialised))"
    }

    /// libcurl's version string, e.g. "7.88.1".
    static var version: String { String(cString: curl_version_info(gallery_version_now).pointee.version) }
}
