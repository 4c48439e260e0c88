import Decode
import Fetch
import Imaging
import Selection

/// What became of one candidate.
public enum ImageOutcome: Sendable {
    case shown(Candidate, bytes: Int64, thumbnail: Thumbnail, seconds: Double)
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
                candidate, bytes: response.bytes, thumbnail: thumbnail, seconds: (ContinuousClock.now - start).seconds)
        } catch let error as FetchError {
            return .failed(candidate, reason: error.reasonText)
        } catch is CancellationError {
            return .failed(candidate, reason: "cancelled")
        } catch {
            return .failed(candidate, reason: String(describing: error))
        }
    }
}
