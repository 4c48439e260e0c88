import Fetch
import GalleryTestSupport
import Testing

/// Every suite of this target runs one test at a time: several pin timings, and the descriptor-leak test counts
/// the whole process's descriptors.
@Suite(.serialized) enum FetchEngine {}

extension FetchConfiguration {
    /// The defaults, with the progress snapshots that tests polling `Fetcher.progress` read, refreshed more often
    /// than they poll.
    static var watched: FetchConfiguration {
        var configuration = FetchConfiguration()
        configuration.progressInterval = .milliseconds(5)
        return configuration
    }

    /// Timeouts and backoffs shrunk so fault tests take fractions of a second.
    static func fast(retries: Int = 3) -> FetchConfiguration {
        var configuration = FetchConfiguration.watched
        configuration.retries = retries
        configuration.retryBackoff = .milliseconds(20)
        configuration.maxRetryBackoff = .milliseconds(200)
        configuration.connectTimeout = .seconds(2)
        configuration.stallTimeout = .milliseconds(300)
        return configuration
    }
}

/// Deterministic bytes that start like a JPEG, so magic-byte checks pass.
func imageLikeBody(_ count: Int) -> [UInt8] {
    var state: UInt32 = 2_463_534_242
    return [0xFF, 0xD8, 0xFF, 0xE0]
        + (4..<count).map { _ in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        }
}

extension [UInt8] {
    /// Appends a body chunk's bytes.
    mutating func append(_ chunk: BodyChunk) {
        chunk.withUnsafeBytes { append(contentsOf: $0) }
    }
}

extension Fetcher {
    /// Iterates `body(for:)` the way most tests want it: each `.restart` to `onRestart`, each chunk to `consume`,
    /// and the response returned.
    @discardableResult
    func consume(
        _ request: Request, onRestart: (ResumeToken?) async throws -> Void = { _ in },
        _ consume: (BodyChunk) async throws -> Void
    ) async throws -> Response {
        for try await event in body(for: request) {
            switch event {
            case .restart(let token): try await onRestart(token)
            case .bytes(let chunk): try await consume(chunk)
            case .done(let response): return response
            }
        }
        throw BodyStreamEndedEarly()
    }
}

struct BodyStreamEndedEarly: Error {}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
