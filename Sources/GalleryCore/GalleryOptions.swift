public import Decode
public import Fetch
public import Render
public import Selection

/// Everything the command line decides, as one value handed to the pipeline.
public struct GalleryOptions: Sendable {
    public enum RenderMode: String, Sendable, CaseIterable {
        /// Draw the gallery when a terminal is attached (stdout, or stderr when stdout is piped), with the best
        /// protocol the terminal answers to: kitty graphics, sixel, iTerm2 images, else half-blocks.
        case auto
        /// Half-block cells (two pixels per cell), which every colour terminal shows.
        case blocks
        /// Real pixels through the kitty graphics protocol.
        case kitty
        /// Real pixels as sixels.
        case sixel
        /// Real pixels as iTerm2 inline images.
        case iterm
        /// Never draw; print the report lines only.
        case none
    }

    /// Leave pixel images (kitty) on screen when the run is interrupted too; a completed run always keeps them.
    public var keepImages = false

    public var count = 10
    public var minBytes: Int64 = 0
    /// Input order, `--shuffle` or `--near`.
    public var order = SelectionRules.Order.input
    /// For `--shuffle` and `--near`; `--seed`, or a random one.
    public var seed: UInt64 = 0
    public var render = RenderMode.auto
    /// nil: choose from COLORTERM and TERM.
    public var colors: ColorMode? = nil
    /// The glyphs of text thumbnails; nil: every block and mosaic glyph the terminal is known to draw.
    public var symbols: SymbolSet? = nil
    public var dither = TextRendering.defaultDither
    /// `--terminal-timeout`: how long `--render auto` waits for the terminal's answers.
    public var terminalTimeout = TerminalProbe.defaultBudget
    /// Fetch a spare candidate when an image fails, so the gallery still fills `count` slots.
    public var replaceFailures = true
    /// A malformed list line is an error (exit 2) instead of a warning.
    public var strict = false
    /// Newline-delimited JSON events on stdout instead of the report lines and the gallery.
    public var json = false
    /// Nothing on stderr but errors.
    public var quiet = false
    /// Per-transfer details on stderr.
    public var verbose = false
    /// `--save DIR`: keep each image there.
    public var saveFolder: SaveFolder? = nil
    public var baseURL = URLList.defaultBaseURL
    public var fetch = FetchConfiguration()
    /// The line to print when a profiled host's first URL is read (`HostProfiles`), by host name; its limits are
    /// in `fetch.hostLimits` from the start.
    public var hostNotices: [String: String] = [:]
    public var decodeLimits = DecodeLimits.default
    /// `--browse`: the sheet takes keys, and the run goes on until `q` or Ctrl-C.
    public var browse = false
    /// `--spool-max`: the bytes the browse spool may hold without `--save`.
    public var spoolMax: Int64 = 1 << 30

    /// The fetch engine refreshes its progress snapshot at the pace the screen draws it: one throttle.
    public init() {
        fetch.progressInterval = FrameThrottle.progressInterval
    }

    /// Sets the order from `--shuffle` and `--near` (at most one is set; `validate()` sees to that).
    public mutating func order(shuffle: Bool, near: Bool) {
        order = shuffle ? .shuffle : near ? .near : .input
    }

    /// What the selection stage needs of these options.
    public var selectionRules: SelectionRules {
        SelectionRules(count: count, minBytes: minBytes, order: order, seed: seed)
    }
}

/// How the run ended, as the process exit status.
public enum ExitStatus: Int32, Sendable {
    /// Every slot filled and nothing failed.
    case success = 0
    /// Some image failed, or fewer than `--count` were shown.
    case partial = 1
    /// Bad usage, unreadable input, or not one image could be shown.
    case failure = 2
    /// The output pipe closed (`gallery … | head -3`): stop quietly, like a process killed by SIGPIPE.
    case brokenPipe = 141
    /// Ctrl-C (SIGINT), SIGTERM or SIGHUP.
    case interrupted = 130
}
