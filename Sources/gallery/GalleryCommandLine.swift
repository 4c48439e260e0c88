import Fetch
import GalleryCore
import Render

/// gallery's command line, in the order `--help` lists it. The parser, the help and the completion scripts are all
/// read from this table; defaults come from the fields' initial values in `Gallery`, and the rules between options
/// are in `Gallery.validate()`.
extension Gallery {
    static var commandLine: CommandLineSpec<Gallery> {
        CommandLineSpec(
            name: "gallery", version: version,
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
            defaults: Gallery(),
            positionals: .init(
                "list", \.lists, help: "Read URL lists from these files; '-' or nothing reads standard input."),
            options: [
                .option("count", \.count, value: "n", help: "Show this many images."),
                .option(
                    "min-bytes", \.minBytes, value: "bytes",
                    help: "Skip images smaller than this many bytes (as given in the list, or learned with HEAD)."),
                .flag(
                    "shuffle", \.shuffle,
                    help: """
                        Pick at random among all eligible images instead of the first ones in the list. It reads every \
                        list to its end first, so it never starts on a producer that never ends.
                        """),
                .flag(
                    "near", \.near,
                    help: """
                        Pick at random among the 4×count eligible images whose sizes are closest to --min-bytes, \
                        like the talk's sample. It too reads every list to its end first.
                        """),
                .option(
                    "seed", \.seed, value: "n",
                    help: "Seed the random choice of --shuffle or --near, so the same list gives the same images."),
                .flag(
                    "strict", \.strict,
                    help: """
                        Treat a malformed list line as an error (exit status 2) instead of skipping it with a warning. \
                        Only the lines read are checked: without --shuffle or --near, reading stops once --count \
                        images are found.
                        """),
                .option(
                    "base-url", \.baseURL, value: "url",
                    help: "Resolve relative paths in the list (like the talk's size index) against this URL."),
                .flag("no-replace", \.noReplace, help: "Do not fetch a spare image from the list when one fails."),
                .option(
                    "save", \.save, value: "dir",
                    help: """
                        Save each image into this folder (created if missing) under its name from the URL; an image \
                        already saved there completely is not downloaded again.
                        """,
                    completion: .directory),
                .option(
                    "render", \.render, value: "mode",
                    help: """
                        Draw the gallery: 'auto' picks the best the terminal answers to when one is attached; 'blocks' \
                        (half-block cells), 'kitty', 'sixel' or 'iterm' force one; 'none' draws nothing.
                        """),
                .flag(
                    "keep-images", \.keepImages,
                    help: "Leave the thumbnails' pixel images on screen even when the run is interrupted."),
                .flag(
                    "browse", short: "b", \.browse,
                    help: """
                        Keep the gallery open to browse it with the keys ('?' lists them) while the rest download, \
                        until 'q' or Ctrl-C. Needs a terminal in the foreground; started in the background, the \
                        gallery reads no keys and ends as usual.
                        """),
                .option(
                    "spool-max", \.spoolMax, value: "bytes",
                    help: """
                        Without --save, keep at most this many bytes of image bodies for --browse (in nameless \
                        files in $TMPDIR); the oldest are dropped past it.
                        """),
                .option(
                    "colors", \.colors, value: "colors",
                    help:
                        "Colour the thumbnails with 'truecolor', '256' or '16' colours; by default from COLORTERM and TERM."
                ),
                .option(
                    "symbols", \.symbols, value: "set",
                    help: """
                        Draw text thumbnails with these glyphs: 'half' (two pixels per cell), 'quad' (quadrants), \
                        'sextant' (quadrants and 2×3 sextants), 'block' (quadrants and eighth blocks) or 'all'; by \
                        default 'all' where the terminal draws sextants itself (kitty, foot, WezTerm, Ghostty) and \
                        'block' elsewhere, tmux and screen included.
                        """),
                .option(
                    "dither", \.dither, value: "mode",
                    help: """
                        Spread the colour error of 256- and 16-colour thumbnails between cells: 'none', 'ordered' \
                        (a fixed pattern) or 'diffusion'.
                        """),
                .option(
                    "terminal-timeout", \.terminalTimeout, value: "seconds",
                    help: """
                        Wait this long for the terminal's answers when gallery asks what it can draw; raise it over \
                        a slow ssh link, where an answer that comes late leaves the gallery drawn in text cells.
                        """),
                .flag(
                    "json", \.json,
                    help:
                        "Print newline-delimited JSON events on standard output instead of the report lines and the gallery."
                ),
                .flag("quiet", short: "q", \.quiet, help: "Print nothing on standard error but errors."),
                .flag(
                    "verbose", short: "v", \.verbose,
                    help: "Print each transfer's HTTP version, connection reuse and timings on standard error."),
                .option(
                    "concurrency", \.concurrency, value: "n",
                    help: "Download at most this many images at once (at most \(FetchConfiguration.hardMaxInFlight))."),
                .option(
                    "max-per-host", \.maxPerHost, value: "n",
                    help: "Download at most this many images at once from one host."),
                .option(
                    "max-rate", \.maxRate, value: "bytes",
                    help: """
                        Limit the total download rate to this many bytes per second (upload.wikimedia.org gets \
                        25 Mbit/s unless this is given).
                        """),
                .option(
                    "schedule", \.schedule, value: "mode",
                    help: """
                        Share the link between downloads: 'adaptive' finds whether it is the limit and then gives it \
                        to the downloads closest to done, so images arrive one after another; 'even' lets every \
                        download receive at once.
                        """),
                .option(
                    "retries", \.retries, value: "n",
                    help: """
                        Retry a download this many times after a transient failure (connection refused or reset, \
                        timeout, HTTP 408, 429, 500, 502, 503, 504), waiting longer each time.
                        """),
                .option(
                    "connect-timeout", \.connectTimeout, value: "seconds",
                    help: "Give up connecting to a server after this many seconds."),
                .option(
                    "stall-timeout", \.stallTimeout, value: "seconds",
                    help: "Abort a download that receives less than 1 KiB/s for this many seconds."),
                .option(
                    "timeout", \.timeout, value: "seconds",
                    help: "Abort a download that takes longer than this many seconds in total."),
                .option("max-bytes", \.maxBytes, value: "bytes", help: "Fail an image larger than this many bytes."),
                .option(
                    "user-agent", \.userAgent, value: "text",
                    help: """
                        Send this User-Agent header instead of 'gallery/VERSION libcurl/VERSION'. Wikimedia asks heavy \
                        users to add how to reach them: 'gallery/VERSION (you@example.org)'.
                        """),
                .option(
                    "cacert", \.cacert, value: "file", help: "Trust the CA certificates in this PEM file.",
                    completion: .file),
                .flag("insecure", \.insecure, help: "Do not verify TLS certificates (prints a warning)."),
            ])
    }
}

extension GalleryOptions.RenderMode: CommandLineEnum {}

extension Schedule: CommandLineEnum {}

extension SymbolSet: CommandLineEnum {}

extension Dither: CommandLineEnum {}

extension ColorMode: CommandLineEnum {
    /// `24bit` too, COLORTERM's other spelling of truecolor; the help lists the canonical three.
    init?(commandLine text: String) {
        switch text {
        case "truecolor", "24bit": self = .trueColor
        case "256": self = .palette256
        case "16": self = .ansi16
        default: return nil
        }
    }
}
