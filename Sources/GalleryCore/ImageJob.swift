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
struct ImageJob: Sendable {
    let fetcher: Fetcher
    /// The pixel size the thumbnail must fit (the slot's, or a default when nothing is drawn).
    let box: PixelSize
    let limits: DecodeLimits

    func run(_ candidate: Candidate) async -> ImageOutcome {
        let start = ContinuousClock.now
        let decoder = JPEGDecoder(fitting: box, limits: limits, expectedBytes: candidate.size.map { Int($0) })
        do {
            let response = try await fetcher.fetch(Request(url: candidate.url)) { chunk in
                try await decoder.feed(chunk)
            }
            decoder.expectedBytes = Int(response.bytes)
            let thumbnail = try decoder.finish()
            return .shown(
                ShownImage(
                    candidate: candidate, bytes: response.bytes, thumbnail: thumbnail, seconds: secondsSince(start),
                    response: response, savedAs: nil, cached: false))
        } catch {
            return .failed(candidate, reason: Self.reason(error))
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
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
