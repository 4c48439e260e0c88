import Fetch
import Figures
import Render
import Selection
import Synchronization

/// The selection stage as the pipeline runs it: the URL lists read as the run needs them, and everything reading
/// turns up printed through the reporter, which holds it while the grid owns the screen.
extension Pipeline {
    /// An image about to start: the candidate, and its `--save` name (decided as it starts, by `SaveNamer`).
    struct Start: Sendable {
        var candidate: Candidate
        var saveName: String?
    }

    func makeChoice(stream: ListStream, fetcher: Fetcher) -> ListChoice {
        let rules = options.selectionRules
        if rules.order != .input { reporter.detail("choosing at random with --seed \(rules.seed)") }
        let prober = SizeProber(
            fetcher: fetcher, concurrency: options.fetch.maxInFlight, rules: rules,
            onFailure: { [reporter] candidate, reason in
                reporter.warning("\(Sanitizer.clean(candidate.url)): size unknown (\(Sanitizer.clean(reason)))")
            })
        return ListChoice(
            stream: stream, rules: rules, window: options.fetch.maxInFlight,
            probe: { await prober.sized($0) }, probeSample: { await prober.fill(from: $0, need: $1) },
            onNews: { news in report(news) })
    }

    /// Malformed lines are warnings (errors under `--strict`, where the first ends the reading); skipped or
    /// unreadable inputs and the malformed-line summaries are one line each; a profiled host's limits are told
    /// once, at its first URL.
    func report(_ news: ListNews) {
        for bad in news.malformed {
            if options.strict {
                reporter.error(Sanitizer.clean(bad.description))
            } else {
                reporter.warning(Sanitizer.clean(bad.description) + " (skipped)")
            }
        }
        for line in news.lines { reporter.error(Sanitizer.clean(line)) }
        for host in news.hosts {
            if let notice = options.hostNotices[host] { reporter.notice(notice) }
        }
    }

    /// Why nothing could start, said once; the run then ends with status 2. Nothing more is said when `--strict`
    /// refused a line or no input could be used: those lines were printed as the lists were read.
    func reportNoImage(refused: Bool, stream: ListStream) async {
        guard !refused, await stream.inputs().usable > 0 else { return }
        reporter.error(
            options.minBytes > 0
                ? "no image in the list is at least \(grouped(options.minBytes)) bytes"
                : "no image in the list")
    }

    /// The run's own status, made worse by the inputs: 2 when `--strict` refused a line, else at least the floor
    /// skipped or unreadable inputs set. A closed stdout or an interruption outranks both.
    static func finalStatus(_ run: ExitStatus, refused: Bool, inputs: InputTally) -> ExitStatus {
        if run == .brokenPipe || run == .interrupted { return run }
        if refused { return .failure }
        guard let floor = inputs.statusFloor, floor.rawValue > run.rawValue else { return run }
        return floor
    }
}
