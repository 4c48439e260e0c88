import Fetch
import GalleryTestSupport
import Synchronization
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
            let response = try await fetcher.consume(Request(url: "\(nginx.baseURL)/big.bin")) { chunk in
                body.append(chunk)
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

        /// `completedAt` is when the last byte arrived, not when a slow consumer got to the end: the bench's "shown
        /// after its last byte" is measured from it, and it must include the decoding of a last burst.
        @Test func completedAtIsTheLastBytesArrivalNotTheConsumersCatchingUp() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            try folder.write("small.bin", size: 100_000)  // fits the pipe: curl finishes while the consumer sleeps
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let stream = fetcher.body(for: Request(url: "\(nginx.baseURL)/small.bin"))
            var arrivedWhileBehind = false
            var response: Response?
            for try await event in stream {
                switch event {
                case .restart: break
                case .bytes:
                    if !arrivedWhileBehind {
                        try await Task.sleep(for: .milliseconds(600))
                        arrivedWhileBehind = stream.lastByteArrived
                    }
                case .done(let done): response = done
                }
            }
            let returned = ContinuousClock.now
            await fetcher.shutdown()
            let done = try #require(response)
            #expect(done.bytes == 100_000)
            #expect(done.completedAt <= returned)
            // Half the consumer's sleep: an ordering with a wide margin, not a timing.
            #expect(returned - done.completedAt >= .milliseconds(300))
            // The stream said so while the consumer was still behind.
            #expect(arrivedWhileBehind)
        }

        /// A body that does not arrive whole is never reported complete.
        @Test func lastByteArrivedStaysFalseForAFailedTransfer() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            let stream = fetcher.body(for: Request(url: "\(nginx.baseURL)/missing.bin"))
            await #expect(throws: FetchError.self) {
                for try await _ in stream {}
            }
            await fetcher.shutdown()
            #expect(!stream.lastByteArrived)
        }

        /// Cancelling the awaiting task ends the transfer at once, with CancellationError, while the others go on.
        @Test func cancellingOneTransferIsPromptAndLeavesOthersRunning() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let original = try folder.write("c.bin", size: 300_000)
            let nginx = try Nginx(
                root: folder.url, locations: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 50_000)])
            defer { nginx.stop() }
            let fetcher = try Fetcher(configuration: .watched)
            let slowURL = "\(nginx.baseURL)/slow/c.bin"
            let doomed = Task { try await fetcher.data(Request(url: slowURL)) }
            let survivor = Task { try await fetcher.data(Request(url: "\(nginx.baseURL)/c.bin")) }
            // Cancel mid-body, not after a fixed sleep: a busy machine can stall the test task for seconds, long
            // enough for the 6 s body to finish first.
            while !fetcher.progress.contains(where: { $0.url == slowURL && $0.state == .receiving }) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let cancelledAt = ContinuousClock.now
            doomed.cancel()
            await #expect(throws: CancellationError.self) { try await doomed.value }
            // Generous: catches a hang, not a slow machine (the slow file would take 6 s to finish).
            #expect(ContinuousClock.now - cancelledAt < .seconds(2))
            #expect(try await survivor.value.1 == original)
            await fetcher.shutdown()
        }

        /// Snapshots are work for a reader: without a `progressInterval` the loop builds none, and a transfer
        /// mid-body is not in `Fetcher.progress`; with one it is.
        @Test func progressIsPublishedOnlyWhenAnIntervalIsSet() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            try folder.write("q.bin", size: 300_000)
            let nginx = try Nginx(
                root: folder.url, locations: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 20_000)])
            defer { nginx.stop() }
            let url = "\(nginx.baseURL)/slow/q.bin"
            #expect(
                try await Self.listedMidBody(url, configuration: FetchConfiguration(), within: .milliseconds(500))
                    == false)
            #expect(try await Self.listedMidBody(url, configuration: .watched, within: .seconds(10)))
        }

        /// Whether `url` shows up in `Fetcher.progress` within `deadline` of its first body bytes.
        static func listedMidBody(_ url: String, configuration: FetchConfiguration, within deadline: Duration)
            async throws -> Bool
        {
            let fetcher = try Fetcher(configuration: configuration)
            var listed = false
            for try await event in fetcher.body(for: Request(url: url)) {
                guard case .bytes = event else { continue }
                let end = ContinuousClock.now + deadline
                while !listed && ContinuousClock.now < end {
                    try await Task.sleep(for: .milliseconds(10))
                    listed = fetcher.progress.contains { $0.url == url }
                }
                break
            }
            await fetcher.shutdown()
            return listed
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

extension FetchEngine {
    /// Stalls count unpaused time only, cancellation is prompt, and nothing is left open afterwards.
    @Suite struct LifecycleTests {
        /// A consumer far slower than loopback keeps the transfer paused for most of a second at a time, against a
        /// 0.2 s stall timeout: paused time is ours, not the server's, so it never counts as a stall.
        @Test func pausedTransferIsNotDeclaredStalled() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let original = try folder.write("p.bin", size: 1_500_000)
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            var configuration = FetchConfiguration.fast(retries: 0)
            configuration.stallTimeout = .milliseconds(200)
            configuration.maxBufferedBytes = 64 * 1024
            let fetcher = try Fetcher(configuration: configuration)
            var body: [UInt8] = []
            var sawPaused = false
            let response = try await fetcher.consume(Request(url: "\(nginx.baseURL)/p.bin")) { chunk in
                body.append(chunk)
                sawPaused = sawPaused || fetcher.progress.contains { $0.state == .paused }
                try await Task.sleep(for: .milliseconds(40))
            }
            await fetcher.shutdown()
            #expect(response.bytes == 1_500_000)
            #expect(body == original)
            #expect(sawPaused)
        }

        /// Expected well under 100 ms; the bound is generous so only a hang fails it.
        @Test func cancellationIsPromptAndRemovesTheTransfer() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            try folder.write("s.bin", size: 500_000)
            let nginx = try Nginx(
                root: folder.url, locations: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 20_000)])
            defer { nginx.stop() }
            let fetcher = try Fetcher(configuration: .watched)
            let doomed = Task { try await fetcher.data(Request(url: "\(nginx.baseURL)/slow/s.bin")) }
            while !fetcher.progress.contains(where: { $0.state == .receiving }) {
                try await Task.sleep(for: .milliseconds(5))
            }
            let cancelledAt = ContinuousClock.now
            doomed.cancel()
            _ = await doomed.result
            #expect(ContinuousClock.now - cancelledAt < .seconds(1))
            #expect(await doomed.result.isCancellation)
            // A snapshot published before the cancel would still list it; it is gone from the next one on.
            try await Task.sleep(for: .milliseconds(150))
            #expect(fetcher.progress.isEmpty)
            await fetcher.shutdown()
        }

        /// 200 transfers — successes, HTTP errors, cut bodies, cancellations mid-body and during backoff — then
        /// shutdown: no socket to the test's servers is left open. (Counting all of /proc/self/fd would be at the
        /// mercy of the suites running beside this one in the same process.)
        @Test func noDescriptorLeaksAcross200Transfers() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let original = try folder.write("ok.bin", size: 50_000)
            let nginx = try Nginx(
                root: folder.url, locations: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 10_000)])
            defer { nginx.stop() }
            let faults = try FaultServer(body: imageLikeBody(50_000))
            defer { faults.stop() }
            // Warm up what lives for the whole process (curl's global state), outside the count.
            let warmup = try Fetcher()
            _ = try await warmup.data(Request(url: "\(nginx.baseURL)/ok.bin"))
            await warmup.shutdown()
            let ports: Set<Int> = [nginx.port, faults.port]
            #expect(OpenSockets.count(toPorts: ports) == 0)

            var configuration = FetchConfiguration.fast(retries: 1)
            configuration.retryBackoff = .milliseconds(100)
            let fetcher = try Fetcher(configuration: configuration)
            // The count sees the engine's sockets: one kept alive in curl's connection cache after a transfer.
            _ = try await fetcher.data(Request(url: "\(nginx.baseURL)/ok.bin"))
            #expect(OpenSockets.count(toPorts: ports) >= 1)
            let paths = ["/ok.bin", "/slow/ok.bin", "/404", "/short", "/500"]
            let slowestCancel = try await withThrowingTaskGroup(of: Duration.self) { group in
                for i in 0..<200 {
                    let kind = i % paths.count
                    let base = kind < 2 ? nginx.baseURL : faults.baseURL
                    let request = Request(url: base + paths[kind])
                    group.addTask {
                        guard kind == 1 || kind == 4 else {
                            let result = await Result(catching: { try await fetcher.data(request) })
                            if kind == 0 { #expect(try result.get().1 == original) }
                            return .zero
                        }
                        // Slow bodies are cancelled mid-body, 500s during their backoff.
                        let task = Task { try await fetcher.data(request) }
                        try await Task.sleep(for: .milliseconds(50 + (i % 7) * 10))
                        let cancelledAt = ContinuousClock.now
                        task.cancel()
                        _ = await task.result
                        return ContinuousClock.now - cancelledAt
                    }
                }
                return try await group.reduce(.zero) { max($0, $1) }
            }
            await fetcher.shutdown()
            #expect(slowestCancel < .seconds(2))

            #expect(OpenSockets.count(toPorts: ports) == 0)
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }

    var isCancellation: Bool {
        if case .failure(let error) = self { return error is CancellationError }
        return false
    }
}
