import Browse
import Decode
import Fetch
import Imaging
import Selection

/// An image that made it: downloaded (or found saved) and decoded.
struct ShownImage: Sendable {
    var candidate: Candidate
    var bytes: Int64
    var thumbnail: Thumbnail
    /// From the start of the job to the decoded thumbnail.
    var seconds: Double
    /// When the last byte arrived: curl reported the download done (the decoder may still have been working through
    /// a last burst), or the saved copy had been read. Nil before that is known.
    var lastByte: ContinuousClock.Instant?
    /// The transfer, for `--verbose`; nil when the image was read from disk.
    var response: Response?
    /// Where `--save` put it, relative to the save folder.
    var savedAs: String?
    /// Found complete in the save folder, not downloaded again.
    var cached: Bool
    /// The body's number in the browse spool, when it was kept there.
    var spoolID: Int? = nil
    /// Continued from this many bytes an interrupted run left in `.NAME.part` (the server answered 206).
    var resumedFrom: Int64? = nil
}

/// What became of one candidate.
enum ImageOutcome: Sendable {
    case shown(ShownImage)
    case failed(Candidate, reason: String)
}

/// Downloads one image and decodes it while its bytes arrive: the decoder is fed on the calling task, chunk by
/// chunk, so decoding overlaps the download and never runs on the fetch loop's thread. With `--save`, the bytes
/// also go to disk under the rules of `SavedDownload`.
struct ImageJob: Sendable {
    let fetcher: Fetcher
    /// The pixel size the thumbnail must fit (the slot's, or a default when nothing is drawn), read when the
    /// decoder is made, so an image not yet started fits the slot size of the moment.
    let box: @Sendable () -> PixelSize
    let limits: DecodeLimits
    /// Where `--save` puts images; nil without `--save`.
    let save: SaveFolder?
    /// `--browse` without `--save`: where each body is kept for the enlarged view and `s`.
    var spool: Spool? = nil

    /// - Parameter name: the file name under `--save` (`SaveNamer`, decided as the image starts); nil: not saved.
    func run(_ candidate: Candidate, savingAs name: String? = nil) async -> ImageOutcome {
        let start = ContinuousClock.now
        guard let folder = save, let name else {
            do {
                return .shown(try await download(candidate, start: start, saved: nil))
            } catch {
                return .failed(candidate, reason: Self.reason(error))
            }
        }
        if let cached = await readSaved(candidate, name: name, folder: folder, start: start) {
            return .shown(cached)
        }
        let saved = SavedDownload(folder: folder, name: name, url: candidate.url)
        do {
            try saved.open(expectedSize: candidate.size)
            do {
                return .shown(try await download(candidate, start: start, saved: saved))
            } catch let error where saved.shouldStartOver(after: error) {
                try saved.startOver()
                return .shown(try await download(candidate, start: start, saved: saved))
            }
        } catch {
            saved.discard()
            return .failed(candidate, reason: Self.reason(error))
        }
    }

    /// Feeds the decoder the bytes `saved` already holds, then the body as it arrives, and finishes the image.
    private func download(_ candidate: Candidate, start: ContinuousClock.Instant, saved: SavedDownload?)
        async throws -> ShownImage
    {
        // Made at the first byte, not before: a job may wait in the engine's queue behind many others.
        var decoder: (any ImageDecoder)?
        func decoderForNextBytes() -> any ImageDecoder {
            if let decoder { return decoder }
            let fresh = makeImageDecoder(fitting: box(), limits: limits, expectedBytes: candidate.size.map { Int($0) })
            decoder = fresh
            return fresh
        }
        var resumedFrom = saved?.resume?.offset
        let spooled = saved == nil ? spool.map { SpoolBody(spool: $0, expectedBytes: candidate.size) } : nil
        try await saved?.readHeld { bytes in try await decoderForNextBytes().feed(bytes) }
        let body = fetcher.body(
            for: Request(url: candidate.url, resume: saved?.resume, expectedBytes: candidate.size))
        // Once its last byte is in, this image decodes before those still downloading. It takes part from its
        // first bytes on, so the turns only ever look at images in flight, not at those queued in the engine.
        let turn = DecodeTurns.Image(hasAllBytes: { body.lastByteArrived }, joined: false)
        defer { turn.done() }
        var response: Response?
        for try await event in body {
            switch event {
            case .restart(let token):
                decoder = nil
                resumedFrom = nil
                try saved?.restart(token)
                spooled?.restart()
            case .bytes(let chunk):
                turn.join()
                let feeding = decoderForNextBytes()
                try await turn.decoding { try await chunk.withBytes { try await feeding.feed($0) } }
                try saved?.write(chunk)
                spooled?.append(chunk)
                await turn.giveWay()
            case .done(let done):
                response = done
            }
        }
        guard let response else { throw CancellationError() }
        let finishing = decoderForNextBytes()
        finishing.expectedBytes = Int(response.bytes)
        turn.join()
        let thumbnail = try await turn.decoding { try finishing.finish() }
        try saved?.commit()
        return ShownImage(
            candidate: candidate, bytes: response.bytes, thumbnail: thumbnail, seconds: secondsSince(start),
            lastByte: response.completedAt, response: response, savedAs: saved?.savedAs, cached: false,
            spoolID: spooled?.sealed(), resumedFrom: resumedFrom)
    }

    /// The image from `DIR/NAME` when a complete copy is there: a regular file of the expected size (the list's,
    /// or the server's Content-Length when the list gives none) that decodes. Anything else is downloaded again.
    private func readSaved(_ candidate: Candidate, name: String, folder: SaveFolder, start: ContinuousClock.Instant)
        async -> ShownImage?
    {
        guard let onDisk = folder.sizeOfFile(named: name), onDisk > 0 else { return nil }
        var expected = candidate.size
        if expected == nil { expected = try? await fetcher.size(of: candidate.url) }
        guard onDisk == expected else { return nil }
        let decoder = makeImageDecoder(fitting: box(), limits: limits, expectedBytes: Int(onDisk))
        do {
            try await folder.read(named: name) { try await decoder.feed($0) }
            let lastByte = ContinuousClock.now
            let thumbnail = try decoder.finish()
            return ShownImage(
                candidate: candidate, bytes: onDisk, thumbnail: thumbnail, seconds: secondsSince(start),
                lastByte: lastByte, response: nil, savedAs: name, cached: true)
        } catch {
            return nil
        }
    }

    /// One line for the failure report.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as FetchError: error.reasonText
        case is CancellationError: "cancelled"
        default: String(describing: error)
        }
    }
}
