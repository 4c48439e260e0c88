import Fetch

/// Where a run's events go: report lines, JSON events, stderr messages, the live gallery.
///
/// The pipeline records the first `selected` events, calls `begin`, then records each event as it happens
/// (`started` from the download tasks, the rest from the as-completed loop) and hands over `progress` while
/// downloads run when `showsProgress`; then `end`, and the summary event last. The `RunTally` has numbered and
/// counted everything already: an output only shows it.
protocol RunOutput: Sendable {
    /// True for an output that draws the downloads' progress; the pipeline ticks only when one does.
    var showsProgress: Bool { get }
    func begin() async
    func record(_ event: RunEvent) async
    /// The downloads in flight and the tally so far, at most once a `FrameThrottle.progressInterval`.
    func progress(_ transfers: [TransferProgress], tally: RunTally) async
    /// The downloads are over (`interrupted`: cut short); the summary event follows.
    func end(_ tally: RunTally, interrupted: Bool) async
}

extension RunOutput {
    var showsProgress: Bool { false }
    func begin() async {}
    func progress(_ transfers: [TransferProgress], tally: RunTally) async {}
    func end(_ tally: RunTally, interrupted: Bool) async {}
}

/// Several outputs as one, each called in the order given: the live gallery first, so an image is drawn before
/// its line is written.
struct RunOutputs: RunOutput {
    let outputs: [any RunOutput]

    var showsProgress: Bool { outputs.contains { $0.showsProgress } }

    func begin() async {
        for output in outputs { await output.begin() }
    }

    func record(_ event: RunEvent) async {
        for output in outputs { await output.record(event) }
    }

    func progress(_ transfers: [TransferProgress], tally: RunTally) async {
        for output in outputs where output.showsProgress { await output.progress(transfers, tally: tally) }
    }

    func end(_ tally: RunTally, interrupted: Bool) async {
        for output in outputs { await output.end(tally, interrupted: interrupted) }
    }
}
