import ArgumentParser
import Fetch
import GalleryCore
import Render

/// `gallery`: download images concurrently and show each as soon as it is done, like the talk's
/// `asyncio.as_completed` demo.
@main
struct Gallery: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        abstract: "Download a gallery of images at once and show each one as it finishes.",
        discussion: """
            Reads a list of image URLs (one per line, optionally with its size in bytes: `BYTES URL`) from the \
            files given, or from standard input. Downloads them all concurrently on one thread, decodes each \
            JPEG while it arrives, and fills the gallery in the order the downloads finish. Prints one line per \
            image and the total number of bytes.
            """,
        version: version)

    @Argument(help: "Files with URL lists; '-' or nothing reads standard input.")
    var lists: [String] = []

    @Option(help: "Number of images to show.")
    var count = 10

    @Option(help: "Skip images smaller than this many bytes (as given in the list).")
    var minBytes: Int64 = 0

    @Flag(help: "Pick at random among all eligible images instead of the first ones in the list.")
    var shuffle = false

    @Flag(
        help: """
            Pick at random among the 4×count eligible images whose sizes are closest to --min-bytes, like the \
            talk's sample.
            """)
    var near = false

    @Option(help: "Seed the random choice of --shuffle or --near, so the same list gives the same images.")
    var seed: UInt64?

    @Option(help: "Draw the gallery: 'auto' when a terminal is attached, 'blocks' for half-block cells, or 'none'.")
    var render: GalleryOptions.RenderMode = .auto

    @Option(help: "Colours for the thumbnails: 'truecolor', '256' or '16'; by default from COLORTERM and TERM.")
    var colors: ColorMode?

    @Option(help: "Download at most this many images at once (at most 64).")
    var concurrency: Int?

    @Option(help: "Download at most this many images at once from one host.")
    var maxPerHost: Int?

    @Option(help: "Give up connecting to a server after this many seconds.")
    var connectTimeout: Double = 10

    @Option(help: "Abort a download that receives less than 1 KiB/s for this many seconds.")
    var stallTimeout: Int = 20

    @Option(help: "Abort a download that takes longer than this many seconds in total.")
    var timeout: Double?

    @Option(help: "Fail an image larger than this many bytes.")
    var maxBytes: Int64 = 512 * 1024 * 1024

    @Option(help: "Resolve relative paths in the list (like the talk's size index) against this URL.")
    var baseURL = "https://upload.wikimedia.org/wikipedia/commons/"

    @Option(help: "Send this User-Agent header.")
    var userAgent = "gallery/\(Gallery.version) (+https://github.com/gallery-cli/gallery)"

    @Option(help: "Trust the CA certificates in this PEM file.")
    var cacert: String?

    @Flag(help: "Do not verify TLS certificates (prints a warning).")
    var insecure = false

    @Flag(help: "Do not fetch a spare image from the list when one fails.")
    var noReplace = false

    @Flag(help: "Treat a malformed list line as an error (exit status 2) instead of skipping it with a warning.")
    var strict = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("'--count' must be at least 1") }
        guard minBytes >= 0 else { throw ValidationError("'--min-bytes' must not be negative") }
        if shuffle && near { throw ValidationError("'--shuffle' and '--near' cannot be used together") }
        if seed != nil && !shuffle && !near {
            throw ValidationError("'--seed' only applies to '--shuffle' or '--near'")
        }
        if let concurrency, concurrency < 1 { throw ValidationError("'--concurrency' must be at least 1") }
        if let maxPerHost, maxPerHost < 1 { throw ValidationError("'--max-per-host' must be at least 1") }
        guard connectTimeout > 0, stallTimeout > 0 else { throw ValidationError("timeouts must be positive") }
        if let timeout, timeout <= 0 { throw ValidationError("'--timeout' must be positive") }
        guard maxBytes > 0 else { throw ValidationError("'--max-bytes' must be positive") }
    }

    func run() async throws {
        var options = GalleryOptions()
        options.count = count
        options.minBytes = minBytes
        options.order(shuffle: shuffle, near: near)
        options.seed = seed ?? UInt64.random(in: 0...UInt64.max)
        options.render = render
        options.colors = colors
        options.replaceFailures = !noReplace
        options.strict = strict
        options.baseURL = baseURL
        options.fetch.maxInFlight = concurrency ?? min(count, FetchConfiguration.hardMaxInFlight)
        options.fetch.maxPerHost = maxPerHost ?? FetchConfiguration.hardMaxInFlight
        options.fetch.connectTimeout = .milliseconds(Int(connectTimeout * 1000))
        options.fetch.stallTimeout = .seconds(stallTimeout)
        options.fetch.totalTimeout = timeout.map { .milliseconds(Int($0 * 1000)) }
        options.fetch.maxBytes = maxBytes
        options.fetch.userAgent = userAgent
        options.fetch.caCertificates = cacert
        options.fetch.insecure = insecure
        if insecure { Terminal.standardError.write(Array("gallery: warning: TLS verification is off\n".utf8)) }

        var inputs: [ListInput] = []
        do {
            for path in lists.isEmpty ? ["-"] : lists { inputs.append(try await InputReader.read(path)) }
        } catch {
            Terminal.standardError.write(Array("gallery: \(error)\n".utf8))
            Terminal.standardError.drain()
            throw ExitCode(ExitStatus.failure.rawValue)
        }

        let fetcher: Fetcher
        do {
            fetcher = try Fetcher(configuration: options.fetch)
        } catch {
            Terminal.standardError.write(Array("gallery: \(error.reasonText)\n".utf8))
            Terminal.standardError.drain()
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        let view = LiveView.make(for: options)
        let pipeline = Pipeline(options: options)
        let run = Task { await pipeline.run(lists: inputs, fetcher: fetcher, view: view) }
        let signals = SignalWatcher(
            onInterrupt: { _ in run.cancel() },
            onResize: { Task { await view?.relayout() } })
        let status = await run.value
        signals.cancel()
        await fetcher.shutdown()
        if status != .success { throw ExitCode(status.rawValue) }
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
