import Fetch
import GalleryCore
import Render

#if canImport(Glibc)
    import Glibc
#endif

/// `gallery`: download images concurrently and show each as soon as it is done, like the talk's
/// `asyncio.as_completed` demo. The options that set these fields are in `Gallery.commandLine`.
@main
struct Gallery {
    static let version = "0.1.0"
    /// Defaults are written once, in `GalleryOptions` and its `FetchConfiguration`: the fields start from them, and
    /// the help shows them.
    private static let defaults = GalleryOptions()

    var lists: [String] = []
    var count = defaults.count
    var minBytes = defaults.minBytes
    var shuffle = false
    var near = false
    var seed: UInt64?
    var strict = false
    var baseURL = defaults.baseURL
    var noReplace = false
    var save: String?
    var render = defaults.render
    var keepImages = false
    var browse = false
    var spoolMax = defaults.spoolMax
    var colors: ColorMode?
    var symbols: SymbolSet?
    var dither = TextRendering.defaultDither
    var json = false
    var quiet = false
    var verbose = false
    var concurrency: Int?
    var maxPerHost: Int?
    var maxRate: Int?
    var retries = defaults.fetch.retries
    var connectTimeout = defaults.fetch.connectTimeout.seconds
    var stallTimeout = defaults.fetch.stallTimeout.seconds
    var timeout = defaults.fetch.totalTimeout?.seconds
    var terminalTimeout = defaults.terminalTimeout.seconds
    var maxBytes = defaults.fetch.maxBytes
    /// nil: `gallery/VERSION libcurl/VERSION`, only what is true; the user adds contact details with the option.
    var userAgent: String?
    var schedule: Schedule = .adaptive
    var cacert: String?
    var insecure = false

    static let longestTimeout: Double = 365 * 24 * 3600

    /// The rules between options, and the ranges of numbers; each message becomes the line `gallery: <message>`.
    func validate() throws(UsageError) {
        guard count >= 1 else { throw UsageError("'--count' must be at least 1") }
        guard minBytes >= 0 else { throw UsageError("'--min-bytes' must not be negative") }
        if shuffle && near { throw UsageError("'--shuffle' and '--near' cannot be used together") }
        if seed != nil && !shuffle && !near {
            throw UsageError("'--seed' only applies to '--shuffle' or '--near'")
        }
        if quiet && verbose { throw UsageError("'--quiet' and '--verbose' cannot be used together") }
        if json && render != .auto && render != .none {
            throw UsageError("'--json' draws no gallery; drop '--render \(render.rawValue)'")
        }
        if browse && json { throw UsageError("'--browse' needs the gallery; drop '--json'") }
        if browse && render == .none { throw UsageError("'--browse' needs the gallery; drop '--render none'") }
        guard spoolMax >= 0 else { throw UsageError("'--spool-max' must not be negative") }
        if let concurrency, concurrency < 1 { throw UsageError("'--concurrency' must be at least 1") }
        if let maxPerHost, maxPerHost < 1 { throw UsageError("'--max-per-host' must be at least 1") }
        if let maxRate, maxRate < 1 { throw UsageError("'--max-rate' must be at least 1 byte per second") }
        guard retries >= 0 else { throw UsageError("'--retries' must not be negative") }
        guard connectTimeout > 0, stallTimeout > 0, terminalTimeout > 0 else {
            throw UsageError("timeouts must be positive")
        }
        if let timeout, timeout <= 0 { throw UsageError("'--timeout' must be positive") }
        // Milliseconds must fit an Int; a year is longer than any download needs.
        guard [connectTimeout, stallTimeout, timeout ?? 0, terminalTimeout].allSatisfy({ $0 <= Self.longestTimeout })
        else {
            throw UsageError("timeouts must be at most \(Int(Self.longestTimeout)) seconds (a year)")
        }
        guard maxBytes > 0 else { throw UsageError("'--max-bytes' must be positive") }
        if save?.isEmpty == true { throw UsageError("'--save' needs a folder") }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw UsageError("'--base-url' must be an http:// or https:// URL")
        }
    }

    /// A usage error is one line on stderr and exit status 2 (what scripts expect of most Unix tools);
    /// `--help`, `--version` and the completion scripts go to stdout with status 0.
    static func main() async {
        let spec = commandLine
        let gallery: Gallery
        do throws(UsageError) {
            switch try spec.parse(Array(CommandLine.arguments.dropFirst())) {
            case .run(let parsed): gallery = parsed
            case .help:
                print(spec.helpText(width: HelpText.width()), terminator: "")
                return
            case .version:
                print(spec.version)
                return
            case .completionScript(let shell):
                print(spec.completionScript(for: shell), terminator: "")
                return
            }
            try gallery.validate()
            Fetcher.prepareInBackground()
        } catch {
            let reporter = Reporter()
            reporter.error(error.message)
            reporter.drain()
            Glibc.exit(ExitStatus.failure.rawValue)
        }
        do {
            try await gallery.run()
        } catch {
            // A bad save folder ends the run before any Fetcher waited for libcurl's set-up.
            Fetcher.waitUntilPrepared()
            Glibc.exit(error.rawValue)
        }
    }

    func run() async throws(ExitCode) {
        let reporter = Reporter(quiet: quiet, verbose: verbose)
        /// A reason the run cannot start: one line, and exit status 2.
        func refuse(_ message: String) -> ExitCode {
            reporter.error(message)
            reporter.drain()
            return ExitCode(ExitStatus.failure.rawValue)
        }
        var options = makeOptions()
        if let save {
            do {
                options.saveFolder = try SaveFolder(path: save)
            } catch {
                throw refuse("\(error)")
            }
        }
        if insecure { reporter.error("warning: TLS verification is off") }

        let profiled = HostProfile.all.map(\.host)
        // Keyed by host, so the limits touch only the profiled hosts, whenever their first URL is read.
        options.fetch.hostLimits =
            HostProfiles.effectiveLimits(
                hosts: profiled, explicitMaxPerHost: maxPerHost, explicitMaxBytesPerSecond: maxRate
            ).limits
        if !json {
            for host in profiled {
                options.hostNotices[host] =
                    HostProfiles.effectiveLimits(
                        hosts: [host], explicitMaxPerHost: maxPerHost, explicitMaxBytesPerSecond: maxRate
                    ).notice
            }
        }
        let stream = ListStream(paths: lists, baseURL: baseURL, strict: strict, watchedHosts: profiled)

        let fetcher: Fetcher
        do {
            fetcher = try Fetcher(configuration: options.fetch)
        } catch {
            throw refuse(error.reasonText)
        }
        let pipeline = Pipeline(options: options, reporter: reporter)
        let view = await pipeline.view()
        if browse, view?.canBrowse != true {
            throw refuse("'--browse' needs a terminal: on stdout (or stderr) and /dev/tty")
        }
        if let graphics = view?.graphics {
            reporter.detail("drawing with \(graphics.graphics.rawValue): \(graphics.reason)")
        }
        let run = Task { await pipeline.run(lists: stream, fetcher: fetcher, view: view) }
        let signals = SignalWatcher(view: view, onInterrupt: { _ in run.cancel() })
        let status = await run.value
        signals.cancel()
        await fetcher.shutdown()
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// The options as the pipeline wants them.
    private func makeOptions() -> GalleryOptions {
        var options = GalleryOptions()
        options.count = count
        options.minBytes = minBytes
        options.order(shuffle: shuffle, near: near)
        options.seed = seed ?? UInt64.random(in: 0...UInt64.max)
        options.strict = strict
        options.baseURL = baseURL
        options.replaceFailures = !noReplace
        options.render = json ? .none : render
        options.colors = colors
        options.symbols = symbols
        options.dither = dither
        options.terminalTimeout = .milliseconds(Int(terminalTimeout * 1000))
        options.keepImages = keepImages
        options.browse = browse
        options.spoolMax = spoolMax
        options.json = json
        options.quiet = quiet
        options.verbose = verbose
        options.fetch.maxInFlight = concurrency ?? min(count, FetchConfiguration.hardMaxInFlight)
        if let maxPerHost { options.fetch.maxPerHost = maxPerHost }
        options.fetch.connectTimeout = .milliseconds(Int(connectTimeout * 1000))
        options.fetch.stallTimeout = .milliseconds(Int(stallTimeout * 1000))
        options.fetch.retries = retries
        options.fetch.maxBytesPerSecond = maxRate
        options.fetch.totalTimeout = timeout.map { .milliseconds(Int($0 * 1000)) }
        options.fetch.maxBytes = maxBytes
        options.fetch.userAgent = userAgent ?? FetchConfiguration.userAgent(product: "gallery/\(Gallery.version)")
        options.fetch.schedule = schedule
        options.fetch.caCertificates = cacert
        options.fetch.insecure = insecure
        return options
    }
}

/// Ends the process with this status; whoever throws it has printed its message already.
struct ExitCode: Error {
    var rawValue: Int32

    init(_ rawValue: Int32) { self.rawValue = rawValue }
}
