import Decode
public import Fetch
import Imaging
import Render
import Selection

/// input → selection → fetch → decode → render → report, for one run.
public struct Pipeline: Sendable {
    public let options: GalleryOptions
    let reporter: Reporter
    /// Where the run itself executes (selection, the as-completed loop, the live view): a queue of its own, not
    /// the cooperative pool, which is left to the downloads and their decoders (see `SerialQueueExecutor`).
    private let executor = SerialQueueExecutor(label: "gallery.pipeline")

    public init(options: GalleryOptions, reporter: Reporter) {
        self.options = options
        self.reporter = reporter
    }

    /// The live view for these options, or nil: none with `--json` (stdout is for the events) or `--render none`,
    /// none without a terminal, and none on stderr with `--quiet` (a progress view on stderr is chatter; a gallery
    /// on stdout is the output).
    public func view() async -> LiveView? {
        guard !options.json, let terminal = reporter.display else { return nil }
        if options.quiet && terminal.fileDescriptor != reporter.out.fileDescriptor { return nil }
        return await LiveView.make(for: options, on: terminal)
    }

    /// Runs the whole gallery over the URL lists, reading them only as far as the run needs. Cancelling the calling
    /// task (Ctrl-C) stops every download, restores the terminal and still prints the lines of the images shown so
    /// far.
    public func run(lists: ListStream, fetcher: Fetcher, view: LiveView?) async -> ExitStatus {
        var outputs: [any RunOutput] = []
        if let view { outputs.append(LiveGallery(view: view, reporter: reporter, keepImages: options.keepImages)) }
        outputs.append(options.json ? JSONEvents(reporter: reporter) : ReportLines(reporter: reporter))
        outputs.append(ImageMessages(reporter: reporter, saveFolder: options.saveFolder))
        var box: @Sendable () -> PixelSize = { Self.defaultBox }
        if let view { box = { view.pixelBox } }
        return await run(lists: lists, fetcher: fetcher, output: RunOutputs(outputs: outputs), box: box)
    }

    /// The thumbnail size when nothing is drawn: `--json` still reports each image's dimensions after decoding.
    static let defaultBox = PixelSize(width: 160, height: 120)

    /// Each image is shown as soon as its job returns: the loop that shows it runs on the pipeline's own queue, so
    /// it never waits for a pool thread behind the decoders of the other images. `box` is read as each image's
    /// decoder is made, so images decoded after the window changed fit its new slots.
    func run(
        lists: ListStream, fetcher: Fetcher, output: some RunOutput, box: @escaping @Sendable () -> PixelSize
    ) async -> ExitStatus {
        await withTaskExecutorPreference(executor) {
            await runOnOwnQueue(lists: lists, fetcher: fetcher, output: output, box: box)
        }
    }

    /// Images start as the lists yield them: the first as soon as the first eligible line is read, each failure's
    /// replacement when it fails; reading stops once `--count` images have started.
    private func runOnOwnQueue(
        lists: ListStream, fetcher: Fetcher, output: some RunOutput, box: @escaping @Sendable () -> PixelSize
    ) async -> ExitStatus {
        let started = ContinuousClock.now
        // Every message is on its way before the status is returned and the process exits.
        defer { reporter.drain() }
        let source = ImageSource(
            choice: makeChoice(stream: lists, fetcher: fetcher), count: options.count, saveFolder: options.saveFolder)
        guard let first = await source.next(announce: { _ in }) else {
            let refused = source.finish()?.choice.refused ?? false
            if !Task.isCancelled { await reportNoImage(refused: refused, stream: lists) }
            return Task.isCancelled ? .interrupted : .failure
        }
        source.hold(first)
        let job = ImageJob(fetcher: fetcher, box: box, limits: options.decodeLimits, save: options.saveFolder)
        let tally = SharedTally(
            RunTally(wanted: options.count, replacesFailures: options.replaceFailures, started: started))
        await output.record(.selected(first.candidate, replacement: false))
        await output.begin()
        let ticker = output.showsProgress ? startTicker(output: output, fetcher: fetcher, tally: tally) : nil
        let operation: @Sendable (Start) async -> ImageOutcome = { start in
            await output.record(.started(start.candidate))
            return await job.run(start.candidate, savingAs: start.saveName)
        }
        let next: @Sendable () async -> Start? = { await source.next { await output.record($0) } }
        await asCompleted(slots: options.count, next: next, operation: operation) { outcome in
            let (events, replace) = tally.record(outcome, cancelled: Task.isCancelled)
            for event in events { await output.record(event) }
            // `gallery … | head -3`: nobody reads the rest.
            if reporter.stdoutClosed { withUnsafeCurrentTask { $0?.cancel() } }
            return replace
        }
        ticker?.cancel()
        let reading = source.finish()
        if let reading, reading.exhausted, reading.found < options.count, !reading.choice.refused, !Task.isCancelled {
            reporter.warning("only \(reading.found) of \(options.count) images qualify; showing those")
        }
        if let probed = reading?.choice.probed, probed > 0 {
            reporter.detail("probed the size of \(probed) lines with HEAD")
        }
        let final = tally.value
        await output.end(final, interrupted: Task.isCancelled)
        await output.record(final.summary())
        reporter.drain()
        let status = final.exitStatus(interrupted: Task.isCancelled, brokenPipe: reporter.stdoutClosed)
        // An interrupted run may have left a read blocked on the lists' queue: their tally is not waited for.
        if status == .interrupted || status == .brokenPipe { return status }
        return Self.finalStatus(status, refused: reading?.choice.refused ?? false, inputs: await lists.inputs())
    }

    /// Hands the downloads' progress to `output` once a `FrameThrottle.progressInterval` until cancelled.
    private func startTicker(output: some RunOutput, fetcher: Fetcher, tally: SharedTally) -> Task<Void, Never> {
        Task(executorPreference: executor) {
            while !Task.isCancelled {
                await output.progress(fetcher.progress, tally: tally.value)
                try? await Task.sleep(for: FrameThrottle.progressInterval)
            }
        }
    }
}
