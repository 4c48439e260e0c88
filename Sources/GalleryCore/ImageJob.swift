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
    /// Continued from this many bytes an interrupted run left in `.NAME.part` (the server answered 206).
    var resumedFrom: Int64? = nil
}

/// What became of one candidate.
enum ImageOutcome: Sendable {
    case shown(ShownImage)
    case failed(Candidate, reason: String)
}

/// Downloads one image and decodes it while its bytes arrive: the decoder is fed on the calling task, chunk by
/// chunk, so decoding overlaps the download and never runs on the fetch loop's thread.
///
/// With `--save`, each chunk is also appended to `DIR/.NAME.part`, which becomes `DIR/NAME` only after the whole
/// body arrived and decoded; on any failure or cancellation the part file is removed. When the body starts, its
/// validator (ETag or Last-Modified) is stored as `DIR/.NAME.part.validator`, so a part left by a killed run is
/// continued: its bytes are fed to the decoder from disk, then the rest is fetched with `Range` + `If-Range`. A
/// changed file comes back whole (200), and the part and decoder start over as for any restart.
struct ImageJob: Sendable {
    let fetcher: Fetcher
    /// The pixel size the thumbnail must fit (the slot's, or a default when nothing is drawn).
    let box: PixelSize
    let limits: DecodeLimits
    /// Where `--save` puts images, with each URL's file name; nil without `--save`.
    let save: (folder: SaveFolder, names: [String: String])?

    func run(_ candidate: Candidate) async -> ImageOutcome {
        let start = ContinuousClock.now
        guard let save, let name = save.names[candidate.url] else {
            return await download(candidate, start: start, into: nil)
        }
        if let cached = await readSaved(candidate, name: name, folder: save.folder, start: start) {
            return .shown(cached)
        }
        if let leftover = save.folder.leftoverPart(for: name),
            candidate.size.map({ leftover.size < $0 }) ?? true
        {
            let resume = Request.Resume(offset: leftover.size, validator: leftover.validator)
            return await download(candidate, start: start, into: leftover.part, resume: resume)
        }
        do {
            let part = try save.folder.startPart(for: name)
            return await download(candidate, start: start, into: part)
        } catch {
            return .failed(candidate, reason: error.description)
        }
    }

    /// With `resume`, `part` already holds its first `resume.offset` bytes: they are decoded from disk first.
    private func download(
        _ candidate: Candidate, start: ContinuousClock.Instant, into part: PartFile?, resume: Request.Resume? = nil
    ) async -> ImageOutcome {
        let expected = candidate.size.map { Int($0) }
        // Made at the first byte, not before: a job may wait in the engine's queue behind many others.
        var decoder: (any ImageDecoder)?
        // Once its last byte is in, this image decodes before those still downloading.
        let turn = DecodeTurns.Image()
        defer { turn.done() }
        func started() -> any ImageDecoder {
            if let decoder { return decoder }
            let fresh = makeImageDecoder(fitting: box, limits: limits, expectedBytes: expected)
            decoder = fresh
            return fresh
        }
        var resumedFrom = resume?.offset
        if let resume, let part {
            do {
                var read: Int64 = 0
                try await part.folder.read(named: part.partName) { chunk in
                    read += Int64(chunk.count)
                    try await started().feed(chunk)
                }
                if read != resume.offset { return await startOver(candidate, start: start, part: part) }
            } catch is CancellationError {
                part.discard()
                return .failed(candidate, reason: Self.reason(CancellationError()))
            } catch {
                // The part does not decode (or cannot be read): download it again.
                return await startOver(candidate, start: start, part: part)
            }
        }
        do {
            // A retry that cannot resume sends the body again from byte 0: start decoding and saving afresh.
            let restart: () async throws -> Void = {
                decoder = nil
                resumedFrom = nil
                try part?.restart()
            }
            let request = Request(url: candidate.url, resume: resume)
            let response = try await fetcher.fetch(
                request, onRestart: restart, onValidator: { try part?.storeValidator($0) },
                onComplete: { turn.arrived() }
            ) { chunk in
                try await turn.decoding { try await started().feed(chunk) }
                try part?.write(chunk)
                await turn.giveWay()
            }
            let finishing = started()
            finishing.expectedBytes = Int(response.bytes)
            let thumbnail = try await turn.decoding { try finishing.finish() }
            try part?.commit()
            return .shown(
                ShownImage(
                    candidate: candidate, bytes: response.bytes, thumbnail: thumbnail, seconds: secondsSince(start),
                    lastByte: response.completedAt, response: response, savedAs: part?.name, cached: false,
                    resumedFrom: resumedFrom))
        } catch {
            // 416: the part already held the whole file, so there was nothing to continue.
            if resumedFrom != nil, let part, case .http(status: 416, _)? = (error as? FetchError)?.reason {
                return await startOver(candidate, start: start, part: part)
            }
            part?.discard()
            return .failed(candidate, reason: Self.reason(error))
        }
    }

    /// Today's answer to a leftover part that cannot be continued: empty it, forget its validator, download again.
    private func startOver(_ candidate: Candidate, start: ContinuousClock.Instant, part: PartFile) async
        -> ImageOutcome
    {
        do {
            try part.restart()
            try part.storeValidator(nil)
        } catch {
            part.discard()
            return .failed(candidate, reason: error.description)
        }
        return await download(candidate, start: start, into: part)
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
        let decoder = makeImageDecoder(fitting: box, limits: limits, expectedBytes: Int(onDisk))
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

/// Seconds from `start` to now, as a Double for reports.
func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    secondsBetween(start, .now)
}

func secondsBetween(_ start: ContinuousClock.Instant, _ end: ContinuousClock.Instant) -> Double {
    (end - start).seconds
}
