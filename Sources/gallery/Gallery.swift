import ArgumentParser
import Fetch
import GalleryCore
import Render

#if canImport(Glibc)
    import Glibc
#endif

/// `gallery`: download images concurrently and show each as soon as it is done, like the talk's
/// `asyncio.as_completed` demo.
@main
struct Gallery: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        abstract: "Download a gallery of images at once and show each one as it finishes.",
        discussion: """
            Reads a list of image URLs from the files given, or from standard input. Each line is a URL, or a \
            size in bytes and a URL in either order; relative paths are joined to --base-url. Downloads the \
            chosen images all at once on one thread, decodes each JPEG while it arrives, and fills the gallery \
            in the order the downloads finish. Prints one line per image and the total number of bytes.

            Exit status: 0 when --count images were shown and none failed; 1 when an image failed or fewer \
            were shown; 2 for a usage error, unreadable input, or when no image could be shown; 130 when \
            interrupted.
            """,
        version: version)

    @Argument(
        help: ArgumentHelp("Read URL lists from these files; '-' or nothing reads standard input.", valueName: "list"))
    var lists: [String] = []

    @Option(help: ArgumentHelp("Show this many images.", valueName: "n"))
    var count = 10

    @Option(
        help: ArgumentHelp(
            "Skip images smaller than this many bytes (as given in the list, or learned with HEAD).",
            valueName: "bytes"))
    var minBytes: Int64 = 0

    @Flag(help: "Pick at random among all eligible images instead of the first ones in the list.")
    var shuffle = false

    @Flag(
        help: """
            Pick at random among the 4×count eligible images whose sizes are closest to --min-bytes, like the \
            talk's sample.
            """)
    var near = false

    @Option(
        help: ArgumentHelp(
            "Seed the random choice of --shuffle or --near, so the same list gives the same images.",
            valueName: "n"))
    var seed: UInt64?

    @Flag(help: "Treat a malformed list line as an error (exit status 2) instead of skipping it with a warning.")
    var strict = false

    @Option(
        help: ArgumentHelp(
            "Resolve relative paths in the list (like the talk's size index) against this URL.", valueName: "url"))
    var baseURL = "https://upload.wikimedia.org/wikipedia/commons/"

    @Flag(help: "Do not fetch a spare image from the list when one fails.")
    var noReplace = false

    @Option(
        help: ArgumentHelp(
            """
            Save each image into this folder (created if missing) under its name from the URL; an image already \
            saved there completely is not downloaded again.
            """,
            valueName: "dir"))
    var save: String?

    @Option(
        help: ArgumentHelp(
            """
            Draw the gallery: 'auto' picks the best the terminal answers to when one is attached; 'blocks' \
            (half-block cells), 'kitty', 'sixel' or 'iterm' force one; 'none' draws nothing.
            """,
            valueName: "mode"))
    var render: GalleryOptions.RenderMode = .auto

    @Flag(help: "Leave the thumbnails' pixel images on screen even when the run is interrupted.")
    var keepImages = false

    @Option(
        help: ArgumentHelp(
            "Colour the thumbnails with 'truecolor', '256' or '16' colours; by default from COLORTERM and TERM.",
            valueName: "colors"))
    var colors: ColorMode?

    @Flag(help: "Print newline-delimited JSON events on standard output instead of the report lines and the gallery.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    @Flag(
        name: .shortAndLong, help: "Print each transfer's HTTP version, connection reuse and timings on standard error."
    )
    var verbose = false

    @Option(help: ArgumentHelp("Download at most this many images at once (at most 64).", valueName: "n"))
    var concurrency: Int?

    @Option(help: ArgumentHelp("Download at most this many images at once from one host.", valueName: "n"))
    var maxPerHost: Int?

    @Option(
        help: ArgumentHelp(
            """
            Limit the total download rate to this many bytes per second (upload.wikimedia.org gets 25 Mbit/s \
            unless this is given).
            """,
            valueName: "bytes"))
    var maxRate: Int?

    @Option(
        help: ArgumentHelp(
            """
            Retry a download this many times after a transient failure (connection refused or reset, timeout, \
            HTTP 408, 429, 500, 502, 503, 504), waiting longer each time.
            """,
            valueName: "n"))
    var retries = 3

    @Option(help: ArgumentHelp("Give up connecting to a server after this many seconds.", valueName: "seconds"))
    var connectTimeout: Double = 10

    @Option(
        help: ArgumentHelp(
            "Abort a download that receives less than 1 KiB/s for this many seconds.", valueName: "seconds"))
    var stallTimeout: Double = 20

    @Option(
        help: ArgumentHelp("Abort a download that takes longer than this many seconds in total.", valueName: "seconds"))
    var timeout: Double?

    @Option(help: ArgumentHelp("Fail an image larger than this many bytes.", valueName: "bytes"))
    var maxBytes: Int64 = 512 * 1024 * 1024

    @Option(help: ArgumentHelp("Send this User-Agent header.", valueName: "text"))
    var userAgent = "gallery/\(Gallery.version) (+https://github.com/gallery-cli/gallery)"

    @Option(help: ArgumentHelp("Trust the CA certificates in this PEM file.", valueName: "file"))
    var cacert: String?

    @Flag(help: "Do not verify TLS certificates (prints a warning).")
    var insecure = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("'--count' must be at least 1") }
        guard minBytes >= 0 else { throw ValidationError("'--min-bytes' must not be negative") }
        if shuffle && near { throw ValidationError("'--shuffle' and '--near' cannot be used together") }
        if seed != nil && !shuffle && !near {
            throw ValidationError("'--seed' only applies to '--shuffle' or '--near'")
        }
        if quiet && verbose { throw ValidationError("'--quiet' and '--verbose' cannot be used together") }
        if json && render != .auto && render != .none {
            throw ValidationError("'--json' draws no gallery; drop '--render \(render.rawValue)'")
        }
        if let concurrency, concurrency < 1 { throw ValidationError("'--concurrency' must be at least 1") }
        if let maxPerHost, maxPerHost < 1 { throw ValidationError("'--max-per-host' must be at least 1") }
        if let maxRate, maxRate < 1 { throw ValidationError("'--max-rate' must be at least 1 byte per second") }
        guard retries >= 0 else { throw ValidationError("'--retries' must not be negative") }
        guard connectTimeout > 0, stallTimeout > 0 else { throw ValidationError("timeouts must be positive") }
        if let timeout, timeout <= 0 { throw ValidationError("'--timeout' must be positive") }
        guard maxBytes > 0 else { throw ValidationError("'--max-bytes' must be positive") }
        if save?.isEmpty == true { throw ValidationError("'--save' needs a folder") }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw ValidationError("'--base-url' must be an http:// or https:// URL")
        }
    }

    /// ArgumentParser's own entry point, except that a usage error is one line on stderr and exit status 2 (the
    /// issue's contract, and what most Unix tools do) instead of the usage text and 64 (`EX_USAGE`).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let text = message(for: error).split(whereSeparator: \.isNewline)
                .map { $0.drop { $0 == " " } }.joined(separator: " ")
            Terminal.standardError.write(Array("gallery: \(text)\n".utf8))
            Terminal.standardError.drain()
            Glibc.exit(ExitStatus.failure.rawValue)
        }
    }

    func run() async throws {
        var options = makeOptions()
        if let save {
            do {
                options.saveFolder = try SaveFolder(path: save)
            } catch {
                Terminal.standardError.write(Array("gallery: \(error)\n".utf8))
                Terminal.standardError.drain()
                throw ExitCode(ExitStatus.failure.rawValue)
            }
        }
        if insecure { Terminal.standardError.write(Array("gallery: warning: TLS verification is off\n".utf8)) }

        var inputs: [ListInput] = []
        do {
            for path in lists.isEmpty ? ["-"] : lists { inputs.append(try await InputReader.read(path)) }
        } catch {
            Terminal.standardError.write(Array("gallery: \(error)\n".utf8))
            Terminal.standardError.drain()
            throw ExitCode(ExitStatus.failure.rawValue)
        }

        let parsed = ParsedLists(inputs, baseURL: baseURL)
        let hosts = HostProfiles.effectiveLimits(
            hosts: parsed.urls, explicitMaxPerHost: maxPerHost,
            explicitMaxBytesPerSecond: maxRate)
        options.fetch.hostLimits = hosts.limits
        if let notice = hosts.notice, !quiet, !json { Terminal.standardError.write(Array((notice + "\n").utf8)) }

        let fetcher: Fetcher
        do {
            fetcher = try Fetcher(configuration: options.fetch)
        } catch {
            Terminal.standardError.write(Array("gallery: \(error.reasonText)\n".utf8))
            Terminal.standardError.drain()
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        let view = await Pipeline.view(for: options)
        if verbose, let graphics = view?.graphics {
            Terminal.standardError.write(
                Array("gallery: drawing with \(graphics.graphics.rawValue): \(graphics.reason)\n".utf8))
        }
        let pipeline = Pipeline(options: options)
        let run = Task { await pipeline.run(lists: parsed, fetcher: fetcher, view: view) }
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
        options.keepImages = keepImages
        options.json = json
        options.quiet = quiet
        options.verbose = verbose
        options.fetch.maxInFlight = concurrency ?? min(count, FetchConfiguration.hardMaxInFlight)
        options.fetch.maxPerHost = maxPerHost ?? FetchConfiguration.hardMaxInFlight
        options.fetch.connectTimeout = .milliseconds(Int(connectTimeout * 1000))
        options.fetch.stallTimeout = .milliseconds(Int(stallTimeout * 1000))
        options.fetch.retries = retries
        options.fetch.maxBytesPerSecond = maxRate
        options.fetch.totalTimeout = timeout.map { .milliseconds(Int($0 * 1000)) }
        options.fetch.maxBytes = maxBytes
        options.fetch.userAgent = userAgent
        options.fetch.caCertificates = cacert
        options.fetch.insecure = insecure
        return options
    }
}

extension GalleryOptions.RenderMode: ExpressibleByArgument {}

extension ColorMode: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "truecolor", "24bit": self = .trueColor
        case "256": self = .palette256
        case "16": self = .ansi16
        default: return nil
        }
    }
}
