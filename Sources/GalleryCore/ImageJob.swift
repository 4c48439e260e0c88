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
    /// When the last byte arrived (the download ended, or the saved copy was read); nil before that is known.
    var lastByte: ContinuousClock.Instant?
    /// The transfer, for `--verbose`; nil when the image was read from disk.
    var response: Response?
    /// Where `--save` put it, relative to the save folder.
    var savedAs: String?
    /// Found complete in the save folder, not downloaded again.
    var cached: Bool
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
/// body arrived and decoded; on any failure or cancellation the part file is removed.
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
        do {
            let part = try save.folder.startPart(for: name)
            return await download(candidate, start: start, into: part)
        } catch {
            return .failed(candidate, reason: error.description)
        }
    }

    private func download(_ candidate: Candidate, start: ContinuousClock.Instant, into part: PartFile?) async
        -> ImageOutcome
    {
        let expected = candidate.size.map { Int($0) }
        // Made at the first byte, not before: a job may wait in the engine's queue behind many others.
        var decoder: JPEGDecoder?
        func started() -> JPEGDecoder {
            if let decoder { return decoder }
            let fresh = JPEGDecoder(fitting: box, limits: limits, expectedBytes: expected)
            decoder = fresh
            return fresh
        }
        do {
            // A retry that cannot resume sends the body again from byte 0: start decoding and saving afresh.
            let restart: () async throws -> Void = {
                decoder = nil
                try part?.restart()
            }
            let response = try await fetcher.fetch(Request(url: candidate.url), onRestart: restart) { chunk in
                try await started().feed(chunk)
                try part?.write(chunk)
            }
            let lastByte = ContinuousClock.now
            let finishing = started()
            finishing.expectedBytes = Int(response.bytes)
            let thumbnail = try finishing.finish()
            try part?.commit()
            return .shown(
                ShownImage(
                    candidate: candidate, bytes: response.bytes, thumbnail: thumbnail, seconds: secondsSince(start),
                    lastByte: lastByte, response: response, savedAs: part?.name, cached: false))
        } catch {
            part?.discard()
            return .failed(candidate, reason: Self.reason(error))
        }
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
        let decoder = JPEGDecoder(fitting: box, limits: limits, expectedBytes: Int(onDisk))
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
    let elapsed = end - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
