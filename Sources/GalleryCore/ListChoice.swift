import Selection

/// What the pipeline asks of the URL lists: the next image to start, one call per free slot, and a replacement
/// per failed image. It hides which chooser runs:
///
/// - first-N (the default): lines are read only as far as the run needs; the first `next()` returns as soon as
///   the first eligible line has been read, and an unsized line is probed (`probe`) when it is reached;
/// - `--shuffle` / `--near`: the first `next()` reads every list to its end (they need EOF), then hands out the
///   chosen images and, after them, the spares.
///
/// Everything reading turns up (warnings, skipped inputs, hosts whose limits now apply) goes to `onNews` as it
/// arrives. Owned by one task; not Sendable in use.
public struct ListChoice {
    public let rules: SelectionRules
    private let stream: ListStream
    private let onNews: (ListNews) -> Void
    private var phase: Phase
    /// Under `--strict`, reading stopped at a malformed line: the run must end with status 2.
    public private(set) var refused = false
    /// Lines probed for their size, for the `--verbose` detail.
    public var probed: Int {
        switch phase {
        case .inOrder(let chooser, _): chooser.probed
        case .sampling(_, let probed), .handingOut(_, let probed): probed
        }
    }

    private enum Phase {
        case inOrder(InOrderChooser, Puller)
        case sampling(Selection.Probe, probed: Int)
        case handingOut(ArraySlice<Candidate>, probed: Int)
    }

    /// Pulls for `InOrderChooser`: one `ListStream.pull` per call, keeping the sink (and its duplicate guard).
    final class Puller: @unchecked Sendable {
        // Used only by the task that owns the `ListChoice`, one pull at a time.
        var sink: FirstEligible
        let stream: ListStream
        let onNews: (ListNews) -> Void
        var refused = false

        init(stream: ListStream, rules: SelectionRules, onNews: @escaping (ListNews) -> Void) {
            (self.stream, self.onNews, sink) = (stream, onNews, FirstEligible(rules: rules))
        }

        func pull(_ want: Int) async -> [FirstEligible.Pick]? {
            guard !refused else { return nil }
            var (sink, news) = await stream.pull(into: sink, want: want)
            let picks = sink.drain()
            self.sink = sink
            refused = news.refused != nil
            let finished = news.finished
            onNews(news)
            return picks.isEmpty && (finished || refused) ? nil : picks
        }
    }

    /// - Parameters:
    ///   - window: the most size probes at once (first-N).
    ///   - probe: one line's size (first-N): `SizeProber.sized(_:)` over the fetcher.
    ///   - probeSample: the sizes of a sample, at most `need` found (`--shuffle`/`--near`): `SizeProber.fill`.
    public init(
        stream: ListStream, rules: SelectionRules, window: Int, probe: @escaping InOrderChooser.Probe,
        probeSample: @escaping Selection.Probe, onNews: @escaping (ListNews) -> Void
    ) {
        (self.stream, self.rules, self.onNews) = (stream, rules, onNews)
        if rules.order == .input {
            let puller = Puller(stream: stream, rules: rules, onNews: onNews)
            phase = .inOrder(InOrderChooser(rules: rules, window: window, pull: puller.pull, probe: probe), puller)
        } else {
            phase = .sampling(probeSample, probed: 0)
        }
    }

    /// The next image to start; nil when the lists hold no more (or `--strict` refused a line).
    /// - Parameter waiting: how many free slots wait for an image, this one among them: first-N reads and probes
    ///   that many lines ahead at once (`InOrderChooser.next(waiting:)`).
    public mutating func next(waiting: Int = 1) async -> Candidate? {
        switch phase {
        case .inOrder(var chooser, let puller):
            let next = await chooser.next(waiting: waiting)
            phase = .inOrder(chooser, puller)
            refused = puller.refused
            return refused ? nil : next
        case .sampling(let probeSample, _):
            let selection = await sample(probe: probeSample)
            phase = .handingOut((selection.chosen + selection.spares)[...], probed: selection.probed)
            return refused ? nil : await next()
        case .handingOut(var rest, let probed):
            let next = rest.popFirst()
            phase = .handingOut(rest, probed: probed)
            return next
        }
    }

    /// Stops probes still running: the run is over.
    public mutating func cancel() {
        guard case .inOrder(var chooser, let puller) = phase else { return }
        chooser.cancel()
        phase = .inOrder(chooser, puller)
    }

    private mutating func sample(probe: Selection.Probe) async -> Selection {
        if rules.order == .shuffle {
            let (sink, news) = await stream.readAll(into: Reservoir(rules: rules))
            return await finish(sink, news) { sink in await sink.finish(probe: probe) }
        }
        let (sink, news) = await stream.readAll(into: NearestSizes(rules: rules))
        return await finish(sink, news) { sink in await sink.finish(probe: probe) }
    }

    private mutating func finish<Sink>(
        _ sink: Sink, _ news: ListNews, _ choose: (inout Sink) async -> Selection
    ) async -> Selection {
        onNews(news)
        refused = news.refused != nil
        var sink = sink
        return refused ? Selection(chosen: [], spares: []) : await choose(&sink)
    }
}
