import Dispatch
import Selection

/// The URL lists of a run, read in turn as one stream, on a Dispatch queue of their own: a read(2) that waits for
/// a slow producer blocks that queue's thread, never the cooperative pool.
///
/// Each call runs one step of the scan on the queue and returns the chooser's sink with what the step found,
/// so memory is the scan buffer and the chooser's own state, whatever the length of the lists.
public final class ListStream: @unchecked Sendable {
    // Everything below is touched only on `queue`, one step at a time: that is what makes the class Sendable.
    private let queue = DispatchQueue(label: "gallery.lists")
    private var files: [ListFile] = []
    private var current = 0
    private var news = ListNews()
    private var tally = InputTally()
    private var watched: Set<String>

    /// Opens every list at once, so a name that cannot be read is reported before any download starts.
    /// - Parameter watchedHosts: hosts with a politeness profile; `ListNews.hosts` names each at its first URL.
    public init(paths: [String], baseURL: String, strict: Bool, watchedHosts: some Sequence<String>) {
        watched = Set(watchedHosts.map { $0.lowercased() })
        for path in paths.isEmpty ? ["-"] : paths {
            do {
                files.append(try ListFile(path: path, baseURL: baseURL, strict: strict))
                tally.opened += 1
            } catch {
                tally.unreadable += 1
                news.lines.append(error.description)
            }
        }
    }

    deinit {
        for file in files[current...] { file.close() }
    }

    /// First-N: the next picks in list order, at most `want` (`ListScanner.pull(into:want:)`), with the news.
    public func pull(into sink: FirstEligible, want: Int) async -> (FirstEligible, ListNews) {
        await onQueue { stream in
            var watch = HostWatch(sink, hosts: stream.watched)
            stream.scan(into: &watch) { scanner, sink in try scanner.pull(into: &sink, want: want) }
            return (watch.inner, stream.takeNews())
        }
    }

    /// `--shuffle` and `--near`: every list read to its end into `sink`, with the news.
    public func readAll<Sink: ListSink & Sendable>(into sink: Sink) async -> (Sink, ListNews) {
        await onQueue { stream in
            // One wrapper for the whole read: the sink is not copied per step.
            var watch = HostWatch(sink, hosts: stream.watched)
            while !stream.news.finished && stream.news.refused == nil {
                stream.scan(into: &watch) { scanner, sink in try scanner.scan(into: &sink) }
            }
            return (watch.inner, stream.takeNews())
        }
    }

    /// How the inputs fared so far (final once `ListNews.finished` was seen).
    public func inputs() async -> InputTally {
        await onQueue { $0.tally }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (ListStream) -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body(self)) }
        }
    }

    /// One scan step on the current list, moving to the next when it ends or is skipped.
    private func scan<Sink: ListSink>(
        into watch: inout HostWatch<Sink>, _ step: (inout ListScanner, inout HostWatch<Sink>) throws -> ListScanner.Step
    ) {
        guard current < files.count else {
            news.finished = true
            return
        }
        let outcome = Result { try step(&files[current].scanner, &watch) }
        for host in watch.seen { watched.remove(host) }
        news.hosts += watch.seen
        watch.seen.removeAll()
        news.malformed += files[current].scanner.log.pending
        files[current].scanner.log.pending.removeAll()
        switch outcome {
        case .success(.more), .success(.paused): return
        case .success(.refused): news.refused = news.malformed.last
        case .success(.end): endFile(skippedBecause: nil)
        case .success(.notAList(let reason)): endFile(skippedBecause: reason)
        case .failure(let error): endFile(skippedBecause: nil, unreadable: "\(error)")
        }
    }

    private func endFile(skippedBecause reason: String?, unreadable: String? = nil) {
        let file = files[current]
        if let unreadable {
            tally.unreadable += 1
            tally.failedReads += 1
            news.lines.append(unreadable)
        } else if let reason {
            tally.skipped += 1
            news.lines.append("\(file.name): \(reason); skipped")
        } else {
            if let summary = file.scanner.log.summary { news.lines.append(summary) }
        }
        file.close()
        current += 1
        if current == files.count { news.finished = true }
    }

    private func takeNews() -> ListNews {
        defer {
            let finished = news.finished
            news = ListNews()
            news.finished = finished
        }
        return news
    }
}
