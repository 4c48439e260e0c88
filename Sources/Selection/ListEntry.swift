/// A usable line as the scanner hands it to a chooser: its number and size are known at once, its URL is built
/// only when the chooser keeps it, so a line that is only counted costs no allocation.
///
/// Only plain values and pointers into the scanner's memory: handing one to a sink copies no reference, so a
/// list of millions of lines costs no reference counting per line.
public struct ListEntry {
    public let line: Int
    public let size: Int64?
    /// The URL field, or the resolved URL of a line decoded on the slow path. Points into the scanner's memory:
    /// valid only during `ListSink.take(_:)`, like `base`.
    let target: UnsafeBufferPointer<UInt8>
    /// Whether `target` is a path to join to `base`.
    let relative: Bool
    /// The base URL's bytes.
    let base: UnsafeBufferPointer<UInt8>

    init(line: Int, size: Int64?, target: UnsafeBufferPointer<UInt8>, relative: Bool, base: UnsafeBufferPointer<UInt8>)
    {
        (self.line, self.size, self.target, self.relative, self.base) = (line, size, target, relative, base)
    }

    /// The line as a `Candidate`, its URL resolved against the base URL.
    public func candidate() -> Candidate {
        Candidate(line: line, url: URLTarget.resolved(target, relative: relative, base: base), size: size)
    }

    /// The host's bytes (the base URL's for a path), without user or port; nil when there is none. Valid only
    /// during `ListSink.take(_:)`.
    var authority: UnsafeBufferPointer<UInt8>? { URLHost.authority(of: relative ? base : target) }

    /// Whether the URL's host is `host` (lower-case), checked on the line's bytes without building a `String`.
    public func hasHost(_ host: String) -> Bool {
        authority.map { URLHost.equalIgnoringCase($0, host) } ?? false
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
        origin(of: url)?.host
    }

    /// The host's bytes, and where the scheme, user, host and port end (at the first `/`, `?` or `#` after
    /// `://`, or the end): two URLs alike up to there have the same host.
    static func origin(of url: UnsafeBufferPointer<UInt8>) -> (host: UnsafeBufferPointer<UInt8>, end: Int)? {
        guard let colon = url.firstIndex(of: UInt8(ascii: ":")), colon + 3 <= url.count else { return nil }
        var start = colon + 3
        var end = start
        while end < url.count, !endsOrigin(url[end]) {
            if url[end] == UInt8(ascii: "@") { start = end + 1 }
            end += 1
        }
        if start < end, url[start] == UInt8(ascii: "[") {
            var close = start
            while close < end, url[close] != UInt8(ascii: "]") { close += 1 }
            return (UnsafeBufferPointer(rebasing: url[(start + 1)..<close]), end)
        }
        var stop = start
        while stop < end, url[stop] != UInt8(ascii: ":") { stop += 1 }
        return (UnsafeBufferPointer(rebasing: url[start..<stop]), end)
    }

    @inline(__always) static func endsOrigin(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
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
