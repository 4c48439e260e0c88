import Synchronization

/// The one count of a run: how many images were shown and failed, and their bytes.
///
/// Each outcome becomes the `RunEvent`s every output shows (a shown image gets its number here, in completion
/// order), and at the end the tally gives the summary and the exit status. A plain value, so its rules are tested
/// without a network or a terminal.
struct RunTally: Sendable {
    /// `--count`: fewer shown than this is a partial run.
    let wanted: Int
    /// Event times are seconds since this instant.
    let started: ContinuousClock.Instant
    private(set) var shown = 0
    private(set) var failed = 0
    /// Bytes of the images shown.
    private(set) var bytes: Int64 = 0
    /// Whether a failed image asks for a replacement (`--no-replace` turns it off).
    let replacesFailures: Bool

    init(wanted: Int, replacesFailures: Bool = true, started: ContinuousClock.Instant = .now) {
        self.wanted = wanted
        self.replacesFailures = replacesFailures
        self.started = started
    }

    /// Counts `outcome` and returns its events, and whether a replacement should be read from the lists in place
    /// of a failed image (the caller reads it and announces it). A download cut short because the run was
    /// cancelled is no failure: it adds nothing.
    mutating func record(_ outcome: ImageOutcome, cancelled: Bool, at now: ContinuousClock.Instant = .now)
        -> (events: [RunEvent], replace: Bool)
    {
        switch outcome {
        case .shown(let image):
            shown += 1
            bytes += image.bytes
            let receivedAt = image.lastByte.map { secondsBetween(started, $0) }
            let event = RunEvent.completed(
                image, index: shown, receivedAt: receivedAt, shownAt: secondsBetween(started, now))
            return ([event], false)
        case .failed(let candidate, let reason):
            guard !cancelled else { return ([], false) }
            failed += 1
            return ([.failed(candidate, reason: reason)], replacesFailures)
        }
    }

    /// The last event of a run.
    func summary(at now: ContinuousClock.Instant = .now) -> RunEvent {
        .summary(shown: shown, failed: failed, bytes: bytes, elapsed: secondsBetween(started, now))
    }

    /// How the run ends: a closed stdout and an interruption outrank what was shown.
    func exitStatus(interrupted: Bool, brokenPipe: Bool) -> ExitStatus {
        if brokenPipe { return .brokenPipe }
        if interrupted { return .interrupted }
        if shown == 0 { return .failure }
        return failed > 0 || shown < wanted ? .partial : .success
    }
}

/// The tally of a running pipeline: the as-completed loop records into it, the progress ticker reads it.
final class SharedTally: Sendable {
    private let tally: Mutex<RunTally>

    init(_ tally: RunTally) {
        self.tally = Mutex(tally)
    }

    var value: RunTally { tally.withLock { $0 } }

    func record(_ outcome: ImageOutcome, cancelled: Bool) -> (events: [RunEvent], replace: Bool) {
        tally.withLock { $0.record(outcome, cancelled: cancelled) }
    }
}
