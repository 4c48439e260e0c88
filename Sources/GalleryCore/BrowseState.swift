import Browse
import Render

#if canImport(Glibc)
    import Glibc
#endif

/// Where a shown image's body can be read again while browsing.
enum BrowsedBody: Sendable, Hashable {
    /// The file `--save` wrote.
    case saved(path: String)
    /// Spooled under this number; the spool says whether it is still there.
    case spooled(id: Int)
    /// Kept nowhere (read from an earlier run's saved copy that is gone, or no spool could be made).
    case none
}

/// What the browse keys need to know of one shown image.
struct BrowsedImage: Sendable {
    var name: String
    var facts: ImageFacts
    var body: BrowsedBody
}

/// What the pipeline lends the view for browsing: the spool, `--save`'s folder, and a way to fetch again.
struct BrowseServices: Sendable {
    var spool: Spool?
    /// `--save`'s folder; `s` saves into the current folder without it.
    var saveFolder: String?
    /// Fetches `url` into the spool as number `id` again; returns why it failed, or nil.
    var refetch: @Sendable (_ url: String, _ id: Int) async -> String?
}

/// The live view's browsing state, kept inside the `LiveView` actor so keys are handled in order with drawing.
struct BrowseState {
    /// `/dev/tty`, read for keys: standard input may be the URL list.
    let keys: Int32
    var session: BrowseSession
    var images: [Int: BrowsedImage] = [:]
    var services: BrowseServices?
    /// Nil until the input mode was entered (never, when started in the background).
    var reader: KeyReader?
    var keyTask: Task<Void, Never>?
    /// The enlarged image being decoded; cancelled by the next key that moves away from it.
    var decodeTask: Task<Void, Never>?
    /// Counts enlarge requests, so a decode that finishes after the user moved on draws nothing.
    var generation = 0
    var onAlternateScreen = false
    /// Sheet frames were held back while the sheet was covered (enlarged view, help): redraw it on return.
    var sheetBehind = false
    /// The slot whose highlight is on the sheet now, nil after a redraw took it off.
    var drawnHighlight: Int?
    let quitEvents: AsyncStream<Void>
    let quit: AsyncStream<Void>.Continuation

    init(keys: Int32, layout: GridLayout) {
        self.keys = keys
        session = BrowseSession(layout: layout)
        (quitEvents, quit) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The terminal the keys come from, or nil: browsing needs `/dev/tty`, since standard input may be a list.
    static func openKeys() -> Int32? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard isatty(fd) == 1 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Whether the sheet is hidden (enlarged view) or partly covered (help): its frames wait then.
    var coversSheet: Bool { session.place != .sheet }
}
