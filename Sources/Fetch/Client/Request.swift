/// What to fetch. A value: it crosses from the caller's task to the loop thread.
public struct Request: Sendable, Hashable {
    public enum Method: Sendable, Hashable {
        /// Download the body.
        case get
        /// Ask for the headers only, to learn the size.
        case head
        /// Learn the size from a GET for the first byte (`Range: bytes=0-0`), for servers that refuse HEAD: the
        /// total comes from `Content-Range: bytes 0-0/TOTAL` (a 206), or from Content-Length when the server
        /// ignores the range and answers 200, in which case the transfer is cut off as soon as the body starts.
        /// Nothing reaches the consumer.
        case probe
    }

    /// The URL exactly as the user wrote it; curl parses it, and messages quote it unchanged.
    public var url: String
    public var method: Method
    /// Continue a body the caller already holds the first `resume.offset` bytes of (a `.get` only): the first
    /// attempt asks for the rest with `Range` + `If-Range`. A 206 continues there; any other answer brings the whole
    /// body, which the body stream announces with `.restart` as for a retry that must start over.
    public var resume: ResumeToken?
    /// The body's size as the caller's list gave it, if it did: the scheduler orders transfers by bytes left with it
    /// until the response's Content-Length is in.
    public var expectedBytes: Int64?

    public init(url: String, method: Method = .get, resume: ResumeToken? = nil, expectedBytes: Int64? = nil) {
        self.url = url
        self.method = method
        self.resume = resume
        self.expectedBytes = expectedBytes
    }

    /// `host:port` as written in the URL, lower-cased: the key for per-host limits and protocol learning.
    ///
    /// Read from the UTF-8 bytes: every delimiter is ASCII, and the loop thread works this out for every transfer,
    /// where walking Characters would cost more than curl's own parsing of the URL.
    var hostKey: String {
        let bytes = url.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return "" }
        let rest = bytes[bytes.index(after: colon)...].drop { $0 == UInt8(ascii: "/") }
        let authority = rest.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        // After the last user-info `@` that has something after it.
        let hostPort = authority.split(separator: UInt8(ascii: "@")).last ?? authority[authority.endIndex...]
        return String(decoding: hostPort, as: UTF8.self).lowercased()
    }

    /// The host name alone (no port, no brackets), lower-cased: the key for host profiles and `hostLimits`.
    var hostName: String { Self.hostName(ofKey: hostKey) }

    /// `hostName` from a `hostKey` already worked out.
    static func hostName(ofKey key: String) -> String {
        if key.hasPrefix("["), let close = key.firstIndex(of: "]") {
            return String(key[key.index(after: key.startIndex)..<close])
        }
        return String(key.prefix { $0 != ":" })
    }

    var isHTTPS: Bool {
        let lowered = url.utf8.prefix(8).lazy.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        return lowered.elementsEqual("https://".utf8)
    }
}
