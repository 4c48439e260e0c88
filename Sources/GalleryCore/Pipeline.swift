import Browse
import Decode
public import Fetch
import Figures
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
        if let view {
            outputs.append(
                LiveGallery(
                    view: view, reporter: reporter, keepImages: options.keepImages, saveFolder: options.saveFolder))
        }
        outputs.append(options.json ? JSONEvents(reporter: reporter) : ReportLines(reporter: reporter))
        outputs.append(ImageMessages(reporter: reporter, saveFolder: options.saveFolder))
        var box: @Sendable () -> PixelSize = { Self.defaultBox }
        if let view { box = { view.pixelBox } }
        let browsing = options.browse ? view : nil
        return await run(
            lists: lists, fetcher: fetcher, output: RunOutputs(outputs: outputs), box: box, browsing: browsing)
    }

    /// The thumbnail size when nothing is drawn: `--json` still reports each image's dimensions after decoding.
    static let defaultBox = PixelSize(width: 160, height: 120)

    /// Each image is shown as soon as its job returns: the loop that shows it runs on the pipeline's own queue, so
    /// it never waits for a pool thread behind the decoders of the other images. `box` is read as each image's
    /// decoder is made, so images decoded after the window changed fit its new slots.
    /// `browsing`: the view whose keys decide when the run ends (`--browse`).
    func run(
        lists: ListStream, fetcher: Fetcher, output: some RunOutput, box: @escaping @Sendable () -> PixelSize,
        browsing: LiveView? = nil
    ) async -> ExitStatus {
        await withTaskExecutorPreference(executor) {
            await runOnOwnQueue(lists: lists, fetcher: fetcher, output: output, box: box, browsing: browsing)
        }
    }

    /// Images start as the lists yield them: the first as soon as the first eligible line is read, each failure's
    /// replacement when it fails; reading stops once `--count` images have started.
    private func runOnOwnQueue(
        lists: ListStream, fetcher: Fetcher, output: some RunOutput, box: @escaping @Sendable () -> PixelSize,
        browsing: LiveView?
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
        var job = ImageJob(fetcher: fetcher, box: box, limits: options.decodeLimits, save: options.saveFolder)
        if let browsing { job.spool = await lendBrowsing(browsing, job: job) }
        let tally = SharedTally(
            RunTally(wanted: options.count, replacesFailures: options.replaceFailures, started: started))
        await output.record(.selected(first.candidate, replacement: false))
        await output.begin()
        let regimes = regimeNotes(fetcher)
        // Started in the background, the view reads no keys: nothing would read the spool.
        if let browsing, await !browsing.readsKeys { job.spool = nil }
        let ticker = output.showsProgress ? startTicker(output: output, fetcher: fetcher, tally: tally) : nil
        let operation: @Sendable (Start) async -> ImageOutcome = { [job] start in
            await output.record(.started(start.candidate))
            return await job.run(start.candidate, savingAs: start.saveName)
        }
        let next: @Sendable (Int) async -> Start? = { await source.next(waiting: $0) { await output.record($0) } }
        let downloads: @Sendable () async -> Void = { [reporter, count = options.count] in
            await asCompleted(slots: count, wanting: next, operation: operation) { outcome in
                let (events, replace) = tally.record(outcome, cancelled: Task.isCancelled)
                for event in events { await output.record(event) }
                // `gallery … | head -3`: nobody reads the rest.
                if reporter.stdoutClosed { withUnsafeCurrentTask { $0?.cancel() } }
                return replace
            }
        }
        if let browsing, await browsing.readsKeys {
            await Self.untilQuit(browsing, downloads: downloads)
        } else {
            await downloads()
        }
        ticker?.cancel()
        regimes.cancel()
        await regimes.value
        let reading = source.finish()
        noteReading(reading)
        let final = tally.value
        await output.end(final, interrupted: Task.isCancelled)
        await output.record(final.summary())
        reporter.drain()
        let status = final.exitStatus(interrupted: Task.isCancelled, brokenPipe: reporter.stdoutClosed)
        // An interrupted run may have left a read blocked on the lists' queue: their tally is not waited for.
        if status == .interrupted || status == .brokenPipe { return status }
        return Self.finalStatus(status, refused: reading?.choice.refused ?? false, inputs: await lists.inputs())
    }

    /// What reading the lists came to: fewer eligible images than `--count`, and how many sizes were probed.
    private func noteReading(_ reading: ImageSource.Outcome?) {
        if let reading, reading.exhausted, reading.found < options.count, !reading.choice.refused, !Task.isCancelled {
            reporter.warning("only \(reading.found) of \(options.count) images qualify; showing those")
        }
        if let probed = reading?.choice.probed, probed > 0 {
            reporter.detail("probed the size of \(probed) lines with HEAD")
        }
    }

    /// The spool for `--browse` without `--save` (nil with `--save`, whose files are used), and what the view's
    /// keys need of the run.
    private func lendBrowsing(_ view: LiveView, job: ImageJob) async -> Spool? {
        var spool: Spool?
        if options.saveFolder == nil {
            do {
                spool = try Spool(capacity: options.spoolMax)
            } catch {
                reporter.warning("\(error); browsing shows the thumbnails only")
            }
        }
        var spooling = job
        spooling.spool = spool
        await view.attach(
            BrowseServices(
                spool: spool, saveFolder: options.saveFolder?.path,
                refetch: { [spooling] url, id in await spooling.spoolAgain(url: url, id: id) }))
        return spool
    }

    /// While browsing, the run lasts until the user quits: downloads still going then are cancelled, and the
    /// tally counts them as not shown, as Ctrl-C would, but the run is not "interrupted" (its exit status follows
    /// the images shown). Ctrl-C cancels the caller, which ends both.
    static func untilQuit(_ view: LiveView, downloads: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await downloads()
                return false
            }
            group.addTask {
                await view.waitForQuit()
                return true
            }
            if await group.next() == true { group.cancelAll() }
            await group.waitForAll()
        }
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

    /// `--verbose`: the regime the fetch engine's schedule found, and each change, as it happens; the reporter holds
    /// them with the other stderr lines while the live gallery owns the screen.
    private func regimeNotes(_ fetcher: Fetcher) -> Task<Void, Never> {
        Task(executorPreference: executor) { [reporter, verbose = options.verbose] in
            guard verbose else { return }
            for await change in fetcher.regimeChanges {
                reporter.detail("link after \(formatSeconds(change.seconds, .hundredths)): \(change.regime)")
            }
        }
    }
}
