import Fetch
import GalleryTestSupport
import Testing

extension FetchEngine {
    /// `Fetcher.size(of:)`: a HEAD, and a `Range: bytes=0-0` GET where the server refuses HEAD.
    @Suite struct SizeProbeTests {
        let body = imageLikeBody(200_000)

        @Test func headAloneWhereItWorks() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            let size = try await fetcher.size(of: "\(server.baseURL)/ok")
            await fetcher.shutdown()
            #expect(size == Int64(body.count))
            #expect(server.methods("/ok") == ["HEAD"])
        }

        @Test(arguments: ["/no-head", "/no-head-501", "/no-head-403"])
        func refusedHeadFallsBackToARangeProbe(path: String) async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            let size = try await fetcher.size(of: "\(server.baseURL)\(path)")
            await fetcher.shutdown()
            #expect(size == Int64(body.count))
            #expect(server.methods(path) == ["HEAD", "GET"])
            #expect(server.headers(path).last?["range"] == "bytes=0-0")
        }

        @Test func notFoundIsNotProbedAgain() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            let error = await #expect(throws: FetchError.self) {
                try await fetcher.size(of: "\(server.baseURL)/404")
            }
            await fetcher.shutdown()
            #expect(error?.reasonText == "HTTP 404 Not Found")
            #expect(server.methods("/404") == ["HEAD"])
        }

        @Test func probeHandsNothingToTheConsumer() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            var consumed = 0
            let response = try await fetcher.consume(Request(url: "\(server.baseURL)/no-head", method: .probe)) {
                consumed += $0.count
            }
            await fetcher.shutdown()
            #expect(response.status == 206)
            #expect(response.announcedLength == Int64(body.count))
            #expect(response.bytes == 0)
            #expect(consumed == 0)
        }

        @Test func rangeIgnoredIsCutOffAfterTheHeaders() async throws {
            // The whole body would take 200 s at 1000 bytes/s.
            let server = try FaultServer(body: body, trickleBytesPerSecond: 1000)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast(retries: 0))
            let started = ContinuousClock.now
            let size = try await fetcher.size(of: "\(server.baseURL)/no-head-no-range")
            let seconds = (ContinuousClock.now - started).inSeconds
            await fetcher.shutdown()
            #expect(size == Int64(body.count))
            #expect(server.methods("/no-head-no-range") == ["HEAD", "GET"])
            #expect(seconds < 3)
            // The server notices the hang-up between two tenths of a second's worth.
            let deadline = ContinuousClock.now + .seconds(3)
            while server.earlyHangUps("/no-head-no-range").isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let hangUps = server.earlyHangUps("/no-head-no-range")
            #expect(hangUps.count == 1)
            #expect(hangUps.allSatisfy { $0 <= 1000 }, "body bytes sent before the client hung up: \(hangUps)")
        }

        @Test func nginxAnswersTheProbeWithContentRange() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            try folder.write("s.bin", size: 12_345)
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let response = try await fetcher.consume(Request(url: "\(nginx.baseURL)/s.bin", method: .probe)) { _ in }
            await fetcher.shutdown()
            #expect(response.status == 206)
            #expect(response.announcedLength == 12_345)
        }
    }
}
