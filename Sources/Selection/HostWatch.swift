/// Notices the first line of each watched host (the hosts with a politeness profile), so the host's limits can be
/// applied when its first URL is read, not after the whole list.
///
/// Wraps the chooser's sink; once every watched host has been seen it costs nothing more per line.
public struct HostWatch<Inner: ListSink>: ListSink {
    public var inner: Inner
    /// Watched hosts seen for the first time, not yet collected.
    public var seen: [String] = []
    /// Lower-case, and an array rather than a set: there are a few, and each line's host is compared to them
    /// on its bytes, without building a `String`.
    private var waiting: [String]
    /// The scheme, user, host and port of the last line whose host is not watched (`http://example.org:8080`).
    /// Lists tend to name one host for many lines in a row; a line alike up to the end of these bytes has the
    /// same host, and is passed on after one comparison.
    private var lastMiss: [UInt8] = []

    /// - Parameter hosts: host names.
    public init(_ inner: Inner, hosts: some Sequence<String>) {
        self.inner = inner
        waiting = Array(Set(hosts.map { $0.lowercased() })).sorted()
    }

    public mutating func take(_ entry: ListEntry) -> Bool {
        if !waiting.isEmpty { look(at: entry.relative ? entry.base : entry.target) }
        return inner.take(entry)
    }

    private mutating func look(at url: UnsafeBufferPointer<UInt8>) {
        let sameOrigin = lastMiss.withUnsafeBufferPointer { last in
            !last.isEmpty && ByteScan.hasPrefix(url, last)
                && (url.count == last.count || URLHost.endsOrigin(url[last.count]))
        }
        guard !sameOrigin, let (host, end) = URLHost.origin(of: url) else { return }
        if let found = waiting.firstIndex(where: { URLHost.equalIgnoringCase(host, $0) }) {
            seen.append(waiting.remove(at: found))
        } else {
            lastMiss = Array(url[..<end])
        }
    }
}

extension HostWatch: Sendable where Inner: Sendable {}
