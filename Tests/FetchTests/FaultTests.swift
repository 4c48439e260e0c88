import Fetch
import GalleryTestSupport
import Synchronization
import Testing

extension FetchEngine {
    /// One test per misbehaviour of `FaultServer`: which error, how many attempts, an upper time bound (wide: it
    /// catches hangs, not slow machines), and that a good transfer running beside it still completes.
    @Suite struct FaultTests {
        let body = imageLikeBody(200_000)

        /// What became of the faulty transfer, and how long it took.
        struct Run {
            var result: Result<(Response, [UInt8]), any Error>
            var seconds: Double
            var restarts: Int

            var error: FetchError? {
                if case .failure(let error) = result { return error as? FetchError }
                return nil
            }
            var bytes: [UInt8]? { try? result.get().1 }
        }

        /// Fetches `path` next to a good transfer (`/ok`), checks the good one, and returns the faulty one's fate.
        func run(
            _ path: String, on server: FaultServer, _ configuration: FetchConfiguration = .fast()
        ) async throws -> Run {
            let fetcher = try Fetcher(configuration: configuration)
            let restarts = Atomic<Int>(0)
            async let good = fetcher.data(Request(url: "\(server.baseURL)/ok"))
            let started = ContinuousClock.now
            let result: Result<(Response, [UInt8]), any Error>
            do {
                var received: [UInt8] = []
                let request = Request(url: "\(server.baseURL)\(path)")
                let response: Response
                // Counts the restarts that void delivered bytes, not the start of the first body.
                response = try await fetcher.consume(
                    request,
                    onRestart: { _ in
                        if !received.isEmpty { restarts.add(1, ordering: .relaxed) }
                        received.removeAll()
                    }, { received.append($0) })
                result = .success((response, received))
            } catch {
                result = .failure(error)
            }
            let seconds = (ContinuousClock.now - started).inSeconds
            #expect(try await good.1 == body, "the good transfer beside \(path)")
            await fetcher.shutdown()
            return Run(result: result, seconds: seconds, restarts: restarts.load(ordering: .relaxed))
        }

        @Test func notFoundIsNotRetried() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/404", on: server)
            #expect(run.error?.description == "\(server.baseURL)/404: HTTP 404 Not Found")
            #expect(server.requests("/404") == 1)
            #expect(run.seconds < 5)
        }

        @Test func serverErrorIsRetriedThenGivenUp() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/500", on: server)
            #expect(run.error?.reasonText == "gave up after 3 retries (HTTP 500)")
            #expect(server.requests("/500") == 4)
            #expect(run.seconds < 10)
        }

        @Test func unavailableTwiceThenServed() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/503-twice", on: server)
            #expect(run.bytes == body)
            #expect(server.requests("/503-twice") == 3)
            #expect(run.seconds < 10)
        }

        @Test func retryAfterSecondsIsHonoured() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/429", on: server)
            #expect(run.bytes == body)
            #expect(server.requests("/429") == 2)
            // Retry-After: 1, against a 20 ms backoff.
            #expect(run.seconds >= 0.9)
            #expect(run.seconds < 10)
        }

        @Test func retryAfterDateIsHonoured() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/429-date", on: server)
            #expect(run.bytes == body)
            #expect(server.requests("/429-date") == 2)
            // The date is 1.5 s ahead, truncated to whole seconds: the wait is more than 0.5 s.
            #expect(run.seconds >= 0.4)
            #expect(run.seconds < 10)
        }

        @Test func retryAfterIsCapped() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            var configuration = FetchConfiguration.fast()
            configuration.maxRetryAfter = .milliseconds(100)
            let run = try await run("/429", on: server, configuration)
            #expect(run.bytes == body)
            #expect(run.seconds < 0.8)
        }

        @Test func redirectLoopStopsAfterFive() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/redirect-loop", on: server)
            #expect(run.error?.reasonText == "too many redirects (more than 5)")
            #expect(server.requests("/redirect-loop") == 6)
            #expect(run.seconds < 5)
        }

        @Test func redirectToFileIsRefused() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/redirect-file", on: server)
            #expect(run.error?.reasonText == "scheme not allowed (only http and https)")
            #expect(server.requests("/redirect-file") == 1)
            #expect(run.seconds < 5)
        }

        @Test func redirectToImageIsFollowed() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/redirect-ok", on: server)
            #expect(run.bytes == body)
            #expect(server.requests("/redirect-ok") == 1)
        }

        @Test func stallAfterHeadersIsDetectedAndRetried() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/stall-headers", on: server, .fast(retries: 1))
            #expect(run.error?.reasonText == "gave up after 1 retry (stalled)")
            #expect(server.requests("/stall-headers") == 2)
            // Two stalls of 0.3 s each.
            #expect(run.seconds >= 0.5)
            #expect(run.seconds < 6)
        }

        @Test func stallMidBodyIsDetected() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/stall-body", on: server, .fast(retries: 0))
            #expect(run.error?.reasonText == "no data for 0.3 s (stalled)")
            #expect(server.requests("/stall-body") == 1)
            #expect(run.seconds < 3)
        }

        @Test func trickleBelowTheFloorIsAStall() async throws {
            // 1000 bytes/s against the default floor of 1024 bytes/s.
            let server = try FaultServer(body: body, trickleBytesPerSecond: 1000)
            defer { server.stop() }
            var configuration = FetchConfiguration.fast(retries: 0)
            configuration.stallTimeout = .milliseconds(500)
            let run = try await run("/trickle", on: server, configuration)
            #expect(run.error?.reasonText == "no data for 0.5 s (stalled)")
            #expect(run.seconds < 5)
        }

        @Test func resetMidBodyResumesWithRange() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/reset", on: server)
            #expect(run.bytes == body)
            #expect(run.restarts == 0)
            #expect(try run.result.get().0.bytes == Int64(body.count))
            let requests = server.headers("/reset")
            #expect(requests.count == 2)
            let range = requests.last?["range"] ?? ""
            #expect(range.hasPrefix("bytes=") && range != "bytes=0-")
            #expect(requests.last?["if-range"] == "\"v1\"")
            #expect(run.seconds < 5)
        }

        @Test func resetWithoutRangeSupportStartsOver() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/reset-norange", on: server)
            #expect(run.bytes == body)
            #expect(run.restarts == 1)
            #expect(server.requests("/reset-norange") == 2)
            #expect(server.headers("/reset-norange").last?["range"] == nil)
        }

        @Test func changedFileStartsOver() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/reset-changed", on: server)
            #expect(run.bytes == body)
            #expect(run.restarts == 1)
            #expect(server.headers("/reset-changed").last?["if-range"] == "\"v1\"")
        }

        @Test func contentLengthLargerThanBodyIsShort() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/short", on: server, .fast(retries: 1))
            #expect(run.error?.reasonText == "gave up after 1 retry (body ended after 200000 of 201000 bytes)")
            #expect(server.requests("/short") == 2)
            #expect(run.seconds < 5)
        }

        /// curl stops at Content-Length and drops the connection; the announced body is whole.
        @Test func bodyLargerThanContentLengthIsCutAtTheLength() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/long", on: server)
            #expect(run.bytes == body)
            #expect(server.requests("/long") == 1)
        }

        @Test func endlessBodyHitsTheSizeCap() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            var configuration = FetchConfiguration.fast()
            configuration.maxBytes = 300_000
            let run = try await run("/endless", on: server, configuration)
            #expect(run.error?.reasonText == "larger than the limit of 300000 bytes")
            #expect(server.requests("/endless") == 1)
            #expect(run.seconds < 5)
        }

        @Test func contentTypeIsIgnored() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let run = try await run("/wrong-type", on: server)
            #expect(run.bytes == body)
        }

        /// A consumer that checks magic bytes stops an endless non-image at its first chunk; never retried.
        @Test func consumerRejectionAbortsAtOnce() async throws {
            struct NotAnImage: Error {}
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            let started = ContinuousClock.now
            await #expect(throws: NotAnImage.self) {
                try await fetcher.consume(Request(url: "\(server.baseURL)/endless")) { chunk in
                    if !chunk.withUnsafeBytes({ $0.starts(with: [0xFF, 0xD8, 0xFF]) }) { throw NotAnImage() }
                }
            }
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(server.requests("/endless") == 1)
            #expect(try await fetcher.data(Request(url: "\(server.baseURL)/ok")).1 == body)
            await fetcher.shutdown()
        }

        @Test func refusedConnectionIsRetried() async throws {
            let port = try Nginx.freePort()
            let fetcher = try Fetcher(configuration: .fast(retries: 2))
            let url = "http://127.0.0.1:\(port)/a.jpg"
            let error = await #expect(throws: FetchError.self) { try await fetcher.data(Request(url: url)) }
            await fetcher.shutdown()
            #expect(error?.description == "\(url): gave up after 2 retries (connection refused)")
        }

        /// Between attempts the transfer stays visible, as `.retrying`.
        @Test func progressShowsRetrying() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            var configuration = FetchConfiguration.fast(retries: 2)
            configuration.retryBackoff = .milliseconds(300)
            let fetcher = try Fetcher(configuration: configuration)
            let failing = Task { try await fetcher.data(Request(url: "\(server.baseURL)/500")) }
            var seen: Set<TransferState> = []
            let deadline = ContinuousClock.now + .seconds(10)
            while !seen.contains(.retrying) && ContinuousClock.now < deadline {
                seen.formUnion(fetcher.progress.map(\.state))
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(seen.contains(.retrying))
            _ = await failing.result
            #expect(fetcher.progress.isEmpty)
            await fetcher.shutdown()
        }
    }
}
