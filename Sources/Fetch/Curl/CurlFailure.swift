import CCurl
import Figures

#if canImport(Glibc)
    import Glibc
#endif

/// Turns curl's result code, the OS errno behind it and curl's error buffer into a human reason, once.
///
/// - SeeAlso: <https://curl.se/libcurl/c/libcurl-errors.html>, <https://curl.se/libcurl/c/CURLINFO_OS_ERRNO.html>
enum CurlFailure {
    static func reason(code: CURLcode, osErrno: Int, detail: String, configuration: FetchConfiguration)
        -> FetchError.Reason
    {
        let message: String
        switch code {
        case CURLE_COULDNT_CONNECT:
            message = osErrno == Int(ECONNREFUSED) ? "connection refused" : "could not connect (\(errnoText(osErrno)))"
        case CURLE_COULDNT_RESOLVE_HOST: message = "could not resolve host"
        case CURLE_COULDNT_RESOLVE_PROXY: message = "could not resolve proxy"
        case CURLE_OPERATION_TIMEDOUT:
            // Stalls are detected by the loop itself (it must not count paused time); what is left is curl's
            // connect timeout or the whole-transfer CURLOPT_TIMEOUT_MS.
            if detail.hasPrefix("Connection timed out") || detail.hasPrefix("Failed to connect") {
                message = "could not connect within \(formatSeconds(configuration.connectTimeout))"
            } else {
                return .timedOut(seconds: configuration.totalTimeout?.seconds ?? 0)
            }
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            message = osErrno == Int(ECONNRESET) ? "connection reset by peer" : "network error (\(detail))"
        case CURLE_GOT_NOTHING: message = "server closed the connection without a response"
        case CURLE_PARTIAL_FILE: message = "connection closed before the body ended"
        case CURLE_TOO_MANY_REDIRECTS: message = "too many redirects (more than \(configuration.maxRedirects))"
        case CURLE_UNSUPPORTED_PROTOCOL: message = "scheme not allowed (only http and https)"
        case CURLE_PEER_FAILED_VERIFICATION: message = "TLS certificate not trusted"
        case CURLE_SSL_CONNECT_ERROR: message = "TLS handshake failed"
        case CURLE_URL_MALFORMAT: message = "malformed URL"
        case CURLE_FILESIZE_EXCEEDED: message = "larger than the limit of \(configuration.maxBytes) bytes"
        case CURLE_WEIRD_SERVER_REPLY: message = "not an HTTP response"
        default:
            message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        }
        return .transport(code: Int(code.rawValue), message: message)
    }

    /// curl failures worth another attempt: the connection failed, broke or timed out while connecting.
    /// A whole-transfer timeout is mapped to `.timedOut` before this is asked, so it is never retried.
    static func isTransient(code: Int) -> Bool {
        let transient: [CURLcode] = [
            CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
            CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_SSL_CONNECT_ERROR,
        ]
        return transient.contains { Int($0.rawValue) == code }
    }

    private static func errnoText(_ number: Int) -> String {
        number == 0 ? "no OS error" : String(cString: strerror(Int32(number)))
    }
}
