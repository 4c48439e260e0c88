import Browse
import Fetch
import Synchronization

/// One download's body on its way into the browse spool (without `--save`): the writer is made at the first byte
/// and made again after a restart, which drops what the failed attempt wrote.
///
/// Not Sendable: it belongs to the task that consumes the download. Spooling is a convenience for browsing, so a
/// spool that cannot write (a full `$TMPDIR`) leaves the image unspooled, and its download goes on.
final class SpoolBody {
    /// Spool numbers are the run's own, not slots: a job does not know its slot until it completes.
    private static let lastID = Atomic(0)

    let spool: Spool
    let id: Int
    private let expectedBytes: Int64?
    private var writer: SpoolWriter?
    private var started = false

    init(spool: Spool, expectedBytes: Int64?) {
        self.spool = spool
        self.expectedBytes = expectedBytes
        id = Self.lastID.add(1, ordering: .relaxed).newValue
    }

    /// For a fetch again of the body spooled as `id`.
    init(spool: Spool, id: Int) {
        self.spool = spool
        self.id = id
        expectedBytes = nil
    }

    /// The download started over: the bytes so far are void.
    func restart() {
        writer = nil
        spool.discard(id)
        started = false
    }

    func append(_ chunk: BodyChunk) {
        openOnce()
        guard let writer else { return }
        let kept = chunk.withUnsafeBytes { bytes in (try? writer.append(bytes)) ?? false }
        if !kept { self.writer = nil }
    }

    /// The body is complete; returns whether the spool kept it (`Spool.status(of:)` says why not).
    @discardableResult
    func seal() -> Bool {
        openOnce()
        return writer?.seal() == true
    }

    /// Seals and returns `id`, by which the image asks the spool for its body later, kept or not.
    func sealed() -> Int {
        seal()
        return id
    }

    private func openOnce() {
        guard !started else { return }
        started = true
        writer = try? spool.writer(for: id, expectedBytes: expectedBytes)
    }
}

extension ImageJob {
    /// `r` while browsing: downloads `url` again into the spool as `id`, without decoding it, and returns why it
    /// failed, or nil. The run's tally never sees it, so the image's line and TOTAL BYTES stay as they were.
    func spoolAgain(url: String, id: Int) async -> String? {
        guard let spool else { return "nothing to spool into" }
        let body = SpoolBody(spool: spool, id: id)
        do {
            for try await event in fetcher.body(for: Request(url: url)) {
                switch event {
                case .restart: body.restart()
                case .bytes(let chunk): body.append(chunk)
                case .done: return body.seal() ? nil : Self.notKept(spool, id: id)
                }
            }
            return "cancelled"
        } catch {
            body.restart()
            return Self.reason(error)
        }
    }

    static func notKept(_ spool: Spool, id: Int) -> String {
        spool.status(of: id) == .tooLarge ? "larger than --spool-max" : "not kept in the spool"
    }
}
