/// The URL field of a list line: an absolute http(s) URL, or a path to join to the base URL.
///
/// Checked on bytes, so a line that is only counted never becomes a `String`.
enum URLTarget {
    struct Refusal: Error { var text: String }

    /// Accepts http(s) URLs and relative paths; refuses every other scheme (`file:`, `ftp:` …) and control
    /// characters. Succeeds with whether the target is relative.
    /// - Parameter mayHoldControls: false when the caller knows the target holds no control character, space or
    ///   DEL (a field of a line without control characters), so it is not searched for them again.
    static func check(
        _ target: UnsafeBufferPointer<UInt8>, baseURL: String, mayHoldControls: Bool = true
    ) -> Result<Bool, Refusal> {
        let colon = target.firstIndex(of: UInt8(ascii: ":"))
        let slash = target.firstIndex(of: UInt8(ascii: "/"))
        if let colon, let slash, colon < slash {
            guard isHTTPScheme(UnsafeBufferPointer(rebasing: target[..<colon])) else {
                let scheme = String(decoding: UnsafeBufferPointer(rebasing: target[..<colon]), as: UTF8.self)
                return .failure(Refusal(text: "scheme '\(scheme.lowercased()):' is not allowed (only http and https)"))
            }
            let rest = target.count - colon - 1
            guard rest > 2, target[colon + 1] == UInt8(ascii: "/"), target[colon + 2] == UInt8(ascii: "/"),
                target[colon + 3] != UInt8(ascii: "/")
            else { return .failure(notAURL(target)) }
            guard !mayHoldControls || hasNoControlCharacters(target) else { return .failure(controlCharacters) }
            return .success(false)
        }
        guard colon == nil, target.first != UInt8(ascii: "/") || !baseURL.isEmpty else {
            return .failure(notAURL(target))
        }
        guard !mayHoldControls || hasNoControlCharacters(target) else { return .failure(controlCharacters) }
        return .success(true)
    }

    /// The URL to fetch: the target itself, or the base URL joined with the path (one `/` between them).
    static func resolved(_ target: UnsafeBufferPointer<UInt8>, relative: Bool, baseURL: String) -> String {
        guard relative else { return String(decoding: target, as: UTF8.self) }
        let path = target.first == UInt8(ascii: "/") ? UnsafeBufferPointer(rebasing: target.dropFirst()) : target
        let base = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        return base + String(decoding: path, as: UTF8.self)
    }

    /// `resolved(_:relative:baseURL:)` with the base URL as bytes.
    static func resolved(
        _ target: UnsafeBufferPointer<UInt8>, relative: Bool, base: UnsafeBufferPointer<UInt8>
    ) -> String {
        guard relative else { return String(decoding: target, as: UTF8.self) }
        return resolved(target, relative: true, baseURL: String(decoding: base, as: UTF8.self))
    }

    private static let controlCharacters = Refusal(text: "not a URL (control characters)")

    private static func notAURL(_ target: UnsafeBufferPointer<UInt8>) -> Refusal {
        Refusal(text: "not a URL: " + String(decoding: target, as: UTF8.self))
    }

    /// Compared on the bytes, against literals rather than a stored table, so checking a scheme touches no
    /// global.
    private static func isHTTPScheme(_ scheme: UnsafeBufferPointer<UInt8>) -> Bool {
        guard scheme.count == 4 || scheme.count == 5 else { return false }
        let http =
            scheme[0] | 0x20 == UInt8(ascii: "h") && scheme[1] | 0x20 == UInt8(ascii: "t")
            && scheme[2] | 0x20 == UInt8(ascii: "t") && scheme[3] | 0x20 == UInt8(ascii: "p")
        return http && (scheme.count == 4 || scheme[4] | 0x20 == UInt8(ascii: "s"))
    }

    private static func hasNoControlCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !ByteScan.hasControlOrSpace(in: bytes, from: 0, to: bytes.count)
    }
}
