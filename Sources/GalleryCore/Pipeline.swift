import Decode
public import Fetch
import Imaging
import Render
import Selection

/// input → selection → fetch → decode → render → report, for one run.
public struct Pipeline: Sendable {
    public let options: GalleryOptions
    let report: Reporter
    /// Where the run itself executes (selection, the as-completed loop, the live view): a queue of its own, not
    /// the cooperative pool, which is left to the downloads and their decoders (see `SerialQueueExecutor`).
    private let executor = SerialQueueExecutor(label: "gallery.pipeline")

    public init(options: GalleryOptions) {
        self.options = options
        report = Reporter(json: options.json, quiet: options.quiet, verbose: options.verbose)
    }

    /// The live view for these options, or nil: none with `--json` (stdout is for the events) or `--render none`,
    /// and none on stderr with `--quiet` (a progress view on stderr is chatter; a gallery on stdout is the output).
    public static func view(for options: GalleryOptions) async -> LiveView? {
        guard !options.json, let view = await LiveView.make(for: options) else { return nil }
        if options.quiet && view.terminal.fileDescriptor != Terminal.standardOutput.fileDescriptor { return nil }
        return view
    }

    /// Runs the whole gallery over the URL lists. Cancelling the calling task (Ctrl-C) stops every download,
    /// restores the terminal and still prints the lines of the images shown so far.
    ///
    /// Each image is shown as soon as its job returns: the loop that shows it runs on the pipeline's own queue, so
    /// it never waits for a pool thread behind the decoders of the other images.
    public func run(lists: ParsedLists, fetcher: Fetcher, view liveView: LiveView?) async -> ExitStatus {
        await withTaskExecutorPreference(executor) {
            await runOnOwnQueue(lists: lists, fetcher: fetcher, view: liveView)
        }
    }

    private func runOnOwnQueue(lists: ParsedLists, fetcher: Fetcher, view liveView: LiveView?) async -> ExitStatus {
        let started = ContinuousClock.now
        // Every message is on its way before the status is returned and the process exits.
        defer { report.drain() }
        guard let (selection, candidates) = await select(from: lists, fetcher: fetcher) else { return .failure }

        let box = await liveView?.pixelBox ?? PixelSize(width: 160, height: 120)
        let job = ImageJob(
            fetcher: fetcher, box: { box }, limits: options.decodeLimits,
            save: options.saveFolder.map { ($0, SaveName.assign(candidates)) })
        // While the live view is up, stderr lines would scribble over it: they wait for the end, like the report
        // lines when the gallery is on stdout (so those land below it, in scrollback).
        let deferLines = liveView?.terminal.fileDescriptor == report.out.fileDescriptor
        var spares = options.replaceFailures ? selection.spares[...] : []
        var lines: [String] = []
        var afterwards: [@Sendable () -> Void] = []
        var tally = (shown: 0, failed: 0, bytes: Int64(0))

        for candidate in selection.chosen { report.event(.selected(candidate, replacement: false)) }
        await liveView?.begin()
        let ticker = Task(executorPreference: executor) { [liveView] in
            guard let liveView else { return }
            while !Task.isCancelled {
                await liveView.progress(fetcher.progress)
                try? await Task.sleep(for: .milliseconds(66))
            }
        }
        let regimes = regimeNotes(fetcher, heldUntilTheEnd: liveView != nil)
        let operation: @Sendable (Candidate) async -> ImageOutcome = { [report] candidate in
            report.event(.started(candidate))
            return await job.run(candidate)
        }
        await asCompleted(selection.chosen, operation: operation) { outcome in
            switch outcome {
            case .shown(let image):
                tally.shown += 1
                tally.bytes += image.bytes
                let index = tally.shown
                let name = image.candidate.name
                await liveView?.show(
                    slot: index - 1, thumbnail: image.thumbnail.pixels,
                    title: Report.title(index: index, bytes: image.bytes), name: name, bytes: image.bytes)
                report.event(
                    .completed(
                        image, index: index, receivedAt: image.lastByte.map { secondsBetween(started, $0) },
                        shownAt: secondsSince(started)))
                let line = Report.line(index: index, bytes: image.bytes, name: name)
                if deferLines { lines.append(line) } else { report.line(line) }
                let notes = notes(on: image)
                if liveView == nil { notes() } else { afterwards.append(notes) }
                if report.stdoutClosed { withUnsafeCurrentTask { $0?.cancel() } }
                return nil
            case .failed(let candidate, let reason):
                if Task.isCancelled { return nil }
                tally.failed += 1
                report.event(.failed(candidate, reason: reason))
                let message = "\(Sanitizer.clean(candidate.url)): \(Sanitizer.clean(reason))"
                if let liveView {
                    await liveView.fail(name: candidate.name, reason: reason)
                    afterwards.append { [report] in report.error(message) }
                } else {
                    report.error(message)
                }
                guard let spare = spares.popFirst() else { return nil }
                report.event(.selected(spare, replacement: true))
                return spare
            }
        }
        ticker.cancel()
        regimes.cancel()
        await liveView?.finish(erasingImages: Task.isCancelled && !options.keepImages)
        for note in await regimes.value { report.detail(note) }
        for line in lines { report.line(line) }
        for say in afterwards { say() }
        report.line(Report.total(tally.bytes))
        report.event(
            .summary(shown: tally.shown, failed: tally.failed, bytes: tally.bytes, elapsed: secondsSince(started)))
        report.drain()

        if report.stdoutClosed { return .brokenPipe }
        if Task.isCancelled { return .interrupted }
        if tally.shown == 0 { return .failure }
        return tally.failed > 0 || tally.shown < options.count ? .partial : .success
    }

    /// Chooses the candidates, reporting skipped lines and shortfalls; nil when there is nothing to download or
    /// `--strict` refuses the input. Also returns every usable line, for `--save`'s names.
    private func select(from lists: ParsedLists, fetcher: Fetcher) async -> (Selection, [Candidate])? {
        let parsed = lists.list
        for bad in parsed.malformed {
            if options.strict {
                report.error(Sanitizer.clean(bad.description))
            } else {
                report.warning(Sanitizer.clean(bad.description) + " (skipped)")
            }
        }
        if options.strict && !parsed.malformed.isEmpty { return nil }
        let rules = options.selectionRules
        if rules.order != .input { report.detail("choosing at random with --seed \(rules.seed)") }
        let prober = SizeProber(
            fetcher: fetcher, concurrency: options.fetch.maxInFlight, rules: rules,
            onFailure: { [report] candidate, reason in
                report.warning("\(Sanitizer.clean(candidate.url)): size unknown (\(Sanitizer.clean(reason)))")
            })
        let selection = await Selection.choose(from: parsed.candidates, rules: rules, probe: prober.fill)
        if selection.probed > 0 { report.detail("probed the size of \(selection.probed) lines with HEAD") }
        guard !selection.chosen.isEmpty else {
            report.error(
                options.minBytes > 0
                    ? "no image in the list is at least \(ByteCount.grouped(options.minBytes)) bytes"
                    : "no image in the list")
            return nil
        }
        if selection.chosen.count < options.count {
            report.warning("only \(selection.chosen.count) of \(options.count) images qualify; showing those")
        }
        return (selection, parsed.candidates)
    }

    /// `--verbose`: the regime the fetch engine's schedule found, and each change, as it happens (or at the end, with
    /// the other notes, while the live view is drawn). Returns the notes it held.
    private func regimeNotes(_ fetcher: Fetcher, heldUntilTheEnd: Bool) -> Task<[String], Never> {
        Task(executorPreference: executor) { [report, verbose = options.verbose] in
            guard verbose else { return [] }
            var held: [String] = []
            for await change in fetcher.regimeChanges {
                let note = "link after \(Seconds.text(change.seconds)) s: \(change.regime)"
                if heldUntilTheEnd { held.append(note) } else { report.detail(note) }
            }
            return held
        }
    }

    /// The stderr notes on a shown image: that it was found saved, and `--verbose` transfer details.
    private func notes(on image: ShownImage) -> @Sendable () -> Void {
        let url = Sanitizer.clean(image.candidate.url)
        let savedAs = options.saveFolder.map { $0.display(image.savedAs ?? "") } ?? ""
        let cached = image.cached ? "\(url): cached as \(Sanitizer.clean(savedAs))" : nil
        let detail: String
        if let response = image.response {
            let connection = response.newConnections > 0 ? "new connection" : "reused connection"
            detail =
                "\(url): HTTP/\(response.httpVersion), \(connection), \(ByteCount.grouped(response.bytes)) bytes "
                + "in \(Seconds.text(response.seconds)) s, decoded after \(Seconds.text(image.seconds)) s"
                + (image.resumedFrom.map { ", resumed from \(ByteCount.grouped($0)) bytes" } ?? "")
                + (response.retries > 0
                    ? ", after \(response.retries) \(response.retries == 1 ? "retry" : "retries")" : "")
        } else {
            detail = "\(url): read from disk, decoded after \(Seconds.text(image.seconds)) s"
        }
        return { [report] in
            if let cached { report.warning(cached) }
            report.detail(detail)
        }
    }
}

/// Seconds for messages: two decimals (`0.52`), without Foundation's formatters.
enum Seconds {
    static func text(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let hundredths = Int((seconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
