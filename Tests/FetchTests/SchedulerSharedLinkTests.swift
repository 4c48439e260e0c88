import Fetch
import GalleryTestSupport
import Testing

extension FetchEngine {
    /// The fault server's shared link (one token bucket for every connection) as the scheduler's tests need it:
    /// concurrent transfers really split it, a transfer that stops reading stops taking it within its buffers,
    /// and bodies arrive whole.
    /// Serialized: each test times a link against the machine's other work, so they do not compete with each other.
    @Suite(.serialized) struct SchedulerSharedLinkTests {
        static let bodyBytes = 2_000_000
        static let linkRate = 5_000_000

        @Test func evenSharingOnASharedLinkCompletesTogether() async throws {
            let body = imageLikeBody(Self.bodyBytes)
            let server = try FaultServer(body: body, sharedLink: SharedLink(bytesPerSecond: Self.linkRate))
            defer { server.stop() }
            var even = FetchConfiguration()
            even.schedule = .even
            let fetcher = try Fetcher(configuration: even)
            let start = ContinuousClock.now
            let responses = try await withThrowingTaskGroup(of: (Response, [UInt8]).self) { group in
                for index in 0..<5 {
                    group.addTask { try await fetcher.data(Request(url: "\(server.baseURL)/shared/\(index).jpg")) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            await fetcher.shutdown()
            #expect(responses.allSatisfy { $0.1 == body })
            let ends = responses.map { ($0.0.completedAt - start).inSeconds }.sorted()
            // Five bodies through one 5 MB/s link take at least 2 s whatever the order: the bucket is shared.
            let bound = Double(5 * Self.bodyBytes) / Double(Self.linkRate)
            #expect(ends.last! > 0.9 * bound, "\(ends)")
            // The even schedule lets every transfer receive, so they split the link and finish close together.
            #expect(ends.first! > 0.5 * ends.last!, "\(ends)")
        }

        /// A transfer whose consumer stops (so the engine pauses it) leaves the link to the others after a few
        /// hundred KiB, not after its whole body: small send buffers keep the kernel from hiding who reads.
        @Test func pausedTransferStopsTakingTheLink() async throws {
            let body = imageLikeBody(Self.bodyBytes)
            let server = try FaultServer(body: body, sharedLink: SharedLink(bytesPerSecond: Self.linkRate))
            defer { server.stop() }
            let fetcher = try Fetcher()
            let held = Task {
                try await fetcher.consume(Request(url: "\(server.baseURL)/shared/held.jpg")) { _ in
                    try await Task.sleep(for: .seconds(60))
                }
            }
            let (response, received) = try await fetcher.data(Request(url: "\(server.baseURL)/shared/free.jpg"))
            held.cancel()
            _ = await held.result
            await fetcher.shutdown()
            #expect(received == body)
            // Sharing evenly to the end would take both bodies' time; the held one took a small part of the link.
            let shared = Double(2 * Self.bodyBytes) / Double(Self.linkRate)
            #expect(response.seconds < 0.8 * shared, "\(response.seconds) s")
        }

        @Test func rangeRequestResumesThroughTheSharedLink() async throws {
            let body = imageLikeBody(300_000)
            let server = try FaultServer(body: body, sharedLink: SharedLink(bytesPerSecond: 50_000_000))
            defer { server.stop() }
            let fetcher = try Fetcher()
            var rest: [UInt8] = []
            let response = try await fetcher.consume(
                Request(
                    url: "\(server.baseURL)/shared/a.jpg", resume: ResumeToken(validator: "\"v1\"", offset: 100_000))
            ) { rest.append($0) }
            await fetcher.shutdown()
            #expect(response.status == 206)
            #expect(rest == Array(body[100_000...]))
            #expect(server.headers("/shared/a.jpg").first?["range"] == "bytes=100000-")
        }
    }
}

extension FetchEngine.SchedulerSharedLinkTests {
    /// The link's send timeout closes a connection whose client stopped reading, as nginx's `send_timeout` does;
    /// the engine then resumes the body with a Range request and it arrives whole.
    @Test func sendTimeoutClosesAStoppedReaderAndTheBodyResumes() async throws {
        let body = imageLikeBody(Self.bodyBytes)
        // A link slow enough that the kernel never grows the client's receive buffer to swallow the whole body.
        let link = SharedLink(bytesPerSecond: 2_000_000, sendTimeout: .milliseconds(200))
        let server = try FaultServer(body: body, sharedLink: link)
        defer { server.stop() }
        let fetcher = try Fetcher(configuration: .fast())
        var received: [UInt8] = []
        var paused = false
        let response = try await fetcher.consume(Request(url: "\(server.baseURL)/shared/slow.jpg")) { chunk in
            received.append(chunk)
            // At the first chunk: a reader that ran at full speed for a while has had its receive buffer grown
            // by the kernel to megabytes, which would swallow the rest of the body without a stalled send.
            if !paused {
                paused = true
                try await Task.sleep(for: .seconds(2))
            }
        }
        await fetcher.shutdown()
        #expect(received == body)
        #expect(response.bytes == Int64(Self.bodyBytes))
        #expect(server.sendTimeouts("/shared/slow.jpg") == 1, "requests: \(server.headers("/shared/slow.jpg"))")
        #expect(server.headers("/shared/slow.jpg").last?["range"]?.hasPrefix("bytes=") == true)
    }
}

extension FetchEngine.SchedulerSharedLinkTests {
    /// The default (adaptive) schedule on a link every connection shares: the probe finds that fewer receivers
    /// fill it as well as all of them, hands it to the transfers closest to done, and the bodies complete one
    /// after another instead of together at the end.
    @Test(arguments: [3_000_000])
    func adaptiveScheduleOnASharedLinkCompletesOneAfterAnother(bytesPerSecond: Int) async throws {
        let count = 6
        let bytes = bytesPerSecond
        let body = imageLikeBody(bytes)
        let server = try FaultServer(body: body, sharedLink: SharedLink(bytesPerSecond: bytesPerSecond))
        defer { server.stop() }
        let fetcher = try Fetcher()
        let start = ContinuousClock.now
        let responses = try await withThrowingTaskGroup(of: (Response, [UInt8]).self) { group in
            for index in 0..<count {
                let request = Request(url: "\(server.baseURL)/shared/\(index).jpg", expectedBytes: Int64(bytes))
                group.addTask { try await fetcher.data(request) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await fetcher.shutdown()
        var regimes: [RegimeChange] = []
        for await change in fetcher.regimeChanges { regimes.append(change) }
        #expect(responses.allSatisfy { $0.1 == body })
        let ends = responses.map { ($0.0.completedAt - start).inSeconds }.sorted()
        guard let first = ends.first, let last = ends.last else { return }
        // Sharing evenly, the first ends after about nine tenths of the run; one after another, after about a
        // sixth plus the time the probe takes to decide.
        #expect(first < 0.5 * last, "completions \(ends); regimes \(regimes)")
        // Spread out, not one burst: the second well before the end too (two at a time, if the probe settles on
        // two, still puts it at about half).
        #expect(ends[1] < 0.75 * last, "completions in a burst: \(ends); regimes \(regimes)")
        #expect(regimes.contains { $0.regime.receivers != nil }, "regimes \(regimes)")
    }
}
