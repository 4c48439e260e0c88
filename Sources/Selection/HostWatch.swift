/// Notices the first line of each watched host (the hosts with a politeness profile), so the host's limits can be
/// applied when its first URL is read, not after the whole list.
///
/// Wraps the chooser's sink; once every watched host has been seen it costs nothing more per line.
public struct HostWatch<Inner: ListSink>: ListSink {
    public var inner: Inner
    /// Watched hosts seen for the first time, not yet collected.
    public var seen: [String] = []
    private var waiting: Set<String>
    /// The last base URL seen and its host, so a list of paths does not parse the base URL on every line.
    private var base = (url: "", host: "")

    /// - Parameter hosts: lower-case host names.
    public init(_ inner: Inner, hosts: some Sequence<String>) {
        self.inner = inner
        waiting = Set(hosts.map { $0.lowercased() })
    }

    public mutating func take(_ entry: ListEntry) -> Bool {
        guard !waiting.isEmpty else { return inner.take(entry) }
        if !entry.isRelative(to: base.url), let relativeBase = entry.relativeBase {
            base = (relativeBase, URLHost.of(relativeBase))
        }
        let found =
            entry.isRelative(to: base.url) ? waiting.first { $0 == base.host } : waiting.first(where: entry.hasHost)
        if let host = found {
            waiting.remove(host)
            seen.append(host)
        }
        return inner.take(entry)
    }
}

extension HostWatch: Sendable where Inner: Sendable {}
