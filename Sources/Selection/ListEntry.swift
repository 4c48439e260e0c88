/// A usable line as the scanner hands it to a chooser: its number and size are known at once, its URL is built
/// only when the chooser keeps it, so a line that is only counted costs no allocation.
public struct ListEntry {
    public let line: Int
    public let size: Int64?
    /// Points into the scanner's read buffer: valid only during `ListSink.take(_:)`.
    let target: UnsafeBufferPointer<UInt8>
    let relative: Bool
    let decoded: String?
    let baseURL: String

    init(line: Int, size: Int64?, target: UnsafeBufferPointer<UInt8>, relative: Bool, baseURL: String) {
        (self.line, self.size, self.target, self.relative) = (line, size, target, relative)
        (decoded, self.baseURL) = (nil, baseURL)
    }

    init(line: Int, size: Int64?, url: String) {
        (self.line, self.size, target, relative, decoded, baseURL) = (
            line, size, .init(start: nil, count: 0), false, url, ""
        )
    }

    /// The line as a `Candidate`, its URL resolved against the base URL.
    public func candidate() -> Candidate {
        Candidate(
            line: line, url: decoded ?? URLTarget.resolved(target, relative: relative, baseURL: baseURL), size: size)
    }

    /// The host name of an absolute URL, lower-cased, without port or user; the base URL's host for a path.
    public func host() -> String {
        URLHost.of(decoded ?? (relative ? baseURL : String(decoding: target, as: UTF8.self)))
    }

    /// The base URL a path is joined to; nil for an absolute URL.
    public var relativeBase: String? { decoded == nil && relative ? baseURL : nil }

    /// Whether the line is a path joined to this base URL (so its host is the base URL's).
    public func isRelative(to base: String) -> Bool { relative && baseURL == base }

    /// Whether the URL's host is `host` (lower-case), checked on the line's bytes without building a `String`.
    public func hasHost(_ host: String) -> Bool {
        guard decoded == nil, !relative else { return self.host() == host }
        return URLHost.authority(of: target).map { URLHost.equalIgnoringCase($0, host) } ?? false
    }
}

/// Takes the usable lines of a list, in list order, as the scanner finds them: a chooser.
public protocol ListSink {
    /// Returns false to pause the scan after this line: the chooser has what the run needs for now.
    mutating func take(_ entry: ListEntry) -> Bool
}

/// The host part of a URL, for host profiles: `upload.wikimedia.org` from `https://User@Upload.Wikimedia.org:443/x`.
public enum URLHost {
    /// The host's bytes in an absolute URL (without user or port); nil when there is no `://`.
    static func authority(of url: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard let colon = url.firstIndex(of: UInt8(ascii: ":")), colon + 3 <= url.count else { return nil }
        var start = colon + 3
        var end = start
        while end < url.count, url[end] != UInt8(ascii: "/"), url[end] != UInt8(ascii: "?"),
            url[end] != UInt8(ascii: "#")
        {
            if url[end] == UInt8(ascii: "@") { start = end + 1 }
            end += 1
        }
        if start < end, url[start] == UInt8(ascii: "[") {
            var close = start
            while close < end, url[close] != UInt8(ascii: "]") { close += 1 }
            return UnsafeBufferPointer(rebasing: url[(start + 1)..<close])
        }
        var stop = start
        while stop < end, url[stop] != UInt8(ascii: ":") { stop += 1 }
        return UnsafeBufferPointer(rebasing: url[start..<stop])
    }

    /// ASCII case-insensitive equality with a lower-case `host`.
    static func equalIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ host: String) -> Bool {
        guard bytes.count == host.utf8.count else { return false }
        for (byte, lower) in zip(bytes, host.utf8) {
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            if folded != lower { return false }
        }
        return true
    }

    public static func of(_ url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[rest.index(after: rest.startIndex)..<close]).lowercased()
        }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.lowercased()
    }
}
