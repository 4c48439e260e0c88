import Fetch
import GalleryTestSupport
import Testing

extension FetchEngine {
    @Suite struct BackpressureAndCancellationTests {
        /// A consumer slower than the network: the engine pauses the transfer instead of buffering without bound,
        /// and the bytes still arrive whole and in order.
        @Test func slowConsumerPausesTheTransferAndLosesNothing() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let original = try folder.write("big.bin", size: 4_000_000)
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            var configuration = FetchConfiguration()
            configuration.maxBufferedBytes = 64 * 1024
            let fetcher = try Fetcher(configuration: configuration)
            var body: [UInt8] = []
            var largestChunk = 0
            let response = try await fetcher.fetch(Request(url: "\(nginx.baseURL)/big.bin")) { chunk in
                body.append(contentsOf: chunk)
                largestChunk = max(largestChunk, chunk.count)
                // ~1 ms per chunk of ≤64 KiB is far slower than loopback.
                var spin = 0
                for i in 0..<200_000 { spin &+= i }
                precondition(spin != 1)
            }
            await fetcher.shutdown()
            #expect(response.bytes == 4_000_000)
            #expect(body == original)
            // One write callback may overshoot an empty buffer by at most curl's buffer size (64 KiB here).
            #expect(largestChunk <= 2 * 64 * 1024)
        }

        /// Cancelling the awaiting task ends the transfer at once, with CancellationError, while the others go on.
        @Test func cancellingOneTransferIsPromptAndLeavesOthersRunning() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let original = try folder.write("c.bin", size: 300_000)
            let nginx = try Nginx(
                root: folder.url, locations: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 50_000)])
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let doomed = Task { try await fetcher.data(Request(url: "\(nginx.baseURL)/slow/c.bin")) }
            let survivor = Task { try await fetcher.data(Request(url: "\(nginx.baseURL)/c.bin")) }
            try await Task.sleep(for: .milliseconds(300))
            let cancelledAt = ContinuousClock.now
            doomed.cancel()
            await #expect(throws: CancellationError.self) { try await doomed.value }
            // Generous: catches a hang, not a slow machine (the slow file would take 6 s to finish).
            #expect(ContinuousClock.now - cancelledAt < .seconds(2))
            #expect(try await survivor.value.1 == original)
            await fetcher.shutdown()
        }

        @Test func shutdownFailsWhatIsStillRunning() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            try folder.write("d.bin", size: 300_000)
            let nginx = try Nginx(
                root: folder.url, locations: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 20_000)])
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let pending = Task { try await fetcher.data(Request(url: "\(nginx.baseURL)/slow/d.bin")) }
            try await Task.sleep(for: .milliseconds(200))
            await fetcher.shutdown()
            let error = await #expect(throws: FetchError.self) { try await pending.value }
            #expect(error?.reason == .shutdown)
        }
    }
}
