public import Fetch
import Decode
import Imaging
import Render
import Selection

#if canImport(Glibc)
import Glibc
#endif

/// input → selection → fetch → decode → render → report, for one run.
public struct Pipeline: Sendable {
    public let options: GalleryOptions
    /// Where report lines go (stdout) and where errors go (stderr).
    let out = Terminal.standardOutput
    let err = Terminal.standardError

    public init(options: GalleryOptions) {
        self.options = options
    }

    /// Runs the whole gallery over a URL list. Cancelling the calling task (Ctrl-C) stops every download, restores
    /// the terminal and still prints the lines of the images shown so far.
    public func run(lists: [ListInput], fetcher: Fetcher, view liveView: LiveView?) async -> ExitStatus {
        // Every message is on its way before the status is returned and the process exits.
        defer {
            out.drain()
            err.drain()
        }
        var parsed = URLList(baseURL: options.baseURL)
        for list in lists { parsed.add(list.bytes, source: list.source) }
        for bad in parsed.malformed {
            warn("gallery: \(Sanitizer.clean(bad.description))" + (options.strict ? "" : " (skipped)"))
        }
        if options.strict && !parsed.malformed.isEmpty { return .failure }
        let prober = SizeProber(
            fetcher: fetcher, concurrency: options.fetch.maxInFlight, rules: options.selectionRules,
            onFailure: { candidate, reason in
                warn("gallery: \(Sanitizer.clean(candidate.url)): size unknown (\(Sanitizer.clean(reason)))")
            })
        let selection = await Selection.choose(
            from: parsed.candidates, rules: options.selectionRules, probe: prober.fill)
        guard !selection.chosen.isEmpty else {
            warn(
                options.minBytes > 0
                    ? "gallery: no image in the list is at least \(ByteCount.grouped(options.minBytes)) bytes"
                    : "gallery: no image in the list")
            return .failure
        }
        if selection.chosen.count < options.count {
            warn("gallery: only \(selection.chosen.count) of \(options.count) images qualify; showing those")
        }

        let box = await liveView?.pixelBox ?? PixelSize(width: 160, height: 120)
        let job = ImageJob(fetcher: fetcher, box: box, limits: options.decodeLimits)
        // With the gallery on stdout, the report lines wait for the end (so they land below it, in scrollback).
        let deferLines = liveView?.terminal.fileDescriptor == out.fileDescriptor
        var spares = options.replaceFailures ? selection.spares[...] : []
        var lines: [String] = []
        var failures: [String] = []
        var shown = 0
        var failed = 0
        var total: Int64 = 0

        await liveView?.begin()
        let ticker = Task { [liveView] in
            guard let liveView else { return }
            while !Task.isCancelled {
                await liveView.progress(fetcher.progress)
                try? await Task.sleep(for: .milliseconds(66))
            }
        }
        await asCompleted(selection.chosen, operation: job.run) { outcome in
            switch outcome {
            case .shown(let candidate, let bytes, let thumbnail, _):
                shown += 1
                total += bytes
                let line = Report.line(index: shown, bytes: bytes, name: candidate.name)
                await liveView?.show(
                    slot: shown - 1, thumbnail: thumbnail.pixels, title: Report.title(index: shown, bytes: bytes),
                    name: candidate.name, bytes: bytes)
                if deferLines {
                    lines.append(line)
                } else {
                    say(line)
                }
                if out.writeError == EPIPE { withUnsafeCurrentTask { $0?.cancel() } }
                return nil
            case .failed(let candidate, let reason):
                if Task.isCancelled { return nil }
                failed += 1
                let message = "gallery: \(Sanitizer.clean(candidate.url)): \(Sanitizer.clean(reason))"
                if let liveView {
                    await liveView.fail(name: candidate.name, reason: reason)
                    failures.append(message)
                } else {
                    warn(message)
                }
                return spares.popFirst()
            }
        }
        ticker.cancel()
        await liveView?.finish()
        for line in lines { say(line) }
        for failure in failures { warn(failure) }
        say(Report.total(total))
        out.drain()
        err.drain()

        if out.writeError == EPIPE { return .brokenPipe }
        if Task.isCancelled { return .interrupted }
        if shown == 0 { return .failure }
        return failed > 0 || shown < options.count ? .partial : .success
    }

    /// One report line to stdout, written at once (not at exit), so a pipe sees each image as it is done.
    private func say(_ line: String) {
        out.write(Array((line + "\n").utf8))
    }

    private func warn(_ message: String) {
        err.write(Array((message + "\n").utf8))
    }
}
