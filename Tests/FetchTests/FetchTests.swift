import Fetch
import GalleryTestSupport
import Testing

extension FetchEngine {
    /// The engine against Debian's nginx on loopback: no mocks of curl or the network.
    @Suite struct FetchTests {
        @Test func bytesReceivedEqualTheFileOnDisk() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let original = try folder.write("big.bin", size: 3_000_001)
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let (response, body) = try await fetcher.data(Request(url: "\(nginx.baseURL)/big.bin"))
            await fetcher.shutdown()
            #expect(response.status == 200)
            #expect(response.bytes == 3_000_001)
            #expect(response.announcedLength == 3_000_001)
            #expect(body == original)
        }

        /// `Request.resume` asks for the rest under the validator `.restart` reported; a validator that no longer
        /// matches brings the whole file, after another `.restart`.
        @Test func resumeContinuesAtTheOffsetOrRestartsWhenTheValidatorDiffers() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let original = try folder.write("file.bin", size: 300_000)
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let url = "\(nginx.baseURL)/file.bin"
            var validators: [String?] = []
            let whole = try await fetcher.consume(Request(url: url), onRestart: { validators.append($0?.validator) }) {
                _ in
            }
            #expect(validators.count == 1)
            let validator = try #require(validators.first ?? nil)
            #expect(whole.resumeToken?.validator == validator)

            var rest: [UInt8] = []
            let resumed = try await fetcher.consume(
                Request(url: url, resume: ResumeToken(validator: validator, offset: 100_000)),
                onRestart: { validators.append($0?.validator) }
            ) { rest.append($0) }
            #expect(resumed.status == 206)
            #expect(resumed.bytes == 300_000)
            #expect(resumed.resumeToken?.validator == validator)
            #expect(validators.count == 1)
            #expect(rest == Array(original[100_000...]))

            var body: [UInt8] = []
            let restarted = try await fetcher.consume(
                Request(url: url, resume: ResumeToken(validator: "\"not-the-etag\"", offset: 100_000)),
                onRestart: {
                    validators.append($0?.validator)
                    body.removeAll()
                }
            ) { body.append($0) }
            await fetcher.shutdown()
            #expect(restarted.status == 200)
            #expect(validators.count == 2 && validators.last == validator)
            #expect(body == original)
        }

        @Test func tenTransfersCompleteConcurrently() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            var originals: [String: [UInt8]] = [:]
            for i in 0..<10 { originals["f\(i).bin"] = try folder.write("f\(i).bin", size: 200_000 + i * 1_000) }
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let results = try await withThrowingTaskGroup(of: (String, [UInt8]).self) { group in
                for name in originals.keys {
                    group.addTask { (name, try await fetcher.data(Request(url: "\(nginx.baseURL)/\(name)")).1) }
                }
                return try await group.reduce(into: [String: [UInt8]]()) { $0[$1.0] = $1.1 }
            }
            await fetcher.shutdown()
            #expect(results == originals)
        }

        /// Submitted first, but paced (nginx lets the first second's worth go at once, then about 3 s more): it must
        /// finish last.
        @Test func slowerLocationFinishesAfterFaster() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            try folder.write("a.bin", size: 400_000)
            let nginx = try Nginx(
                root: folder.url, locations: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 100_000)])
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let order = try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    _ = try await fetcher.data(Request(url: "\(nginx.baseURL)/slow/a.bin"))
                    return "slow"
                }
                try await Task.sleep(for: .milliseconds(20))
                group.addTask {
                    _ = try await fetcher.data(Request(url: "\(nginx.baseURL)/a.bin"))
                    return "fast"
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            await fetcher.shutdown()
            #expect(order == ["fast", "slow"])
        }

        @Test func missingFileIsHTTP404NamingTheURL() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let url = "\(nginx.baseURL)/nope.jpg"
            let error = await #expect(throws: FetchError.self) { try await fetcher.data(Request(url: url)) }
            await fetcher.shutdown()
            #expect(error?.description == "\(url): HTTP 404 Not Found")
        }

        @Test func closedPortIsConnectionRefused() async throws {
            let port = try Nginx.freePort()
            let fetcher = try Fetcher(configuration: .fast(retries: 0))
            let url = "http://127.0.0.1:\(port)/a.jpg"
            let error = await #expect(throws: FetchError.self) { try await fetcher.data(Request(url: url)) }
            await fetcher.shutdown()
            #expect(error?.description == "\(url): connection refused")
        }

        @Test func headReportsTheSize() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            try folder.write("s.bin", size: 12_345)
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let size = try await fetcher.size(of: "\(nginx.baseURL)/s.bin")
            await fetcher.shutdown()
            #expect(size == 12_345)
        }

        /// Easy handles are reused, keeping their options: one slot makes every transfer run on the same handle, and
        /// none may inherit the range, If-Range or HEAD of the one before.
        @Test func reusedHandleCarriesNothingOver() async throws {
            let server = try FaultServer(body: imageLikeBody(20_000))
            defer { server.stop() }
            var configuration = FetchConfiguration.fast()
            configuration.maxInFlight = 1
            let fetcher = try Fetcher(configuration: configuration)
            let url = "\(server.baseURL)/ok"
            var partial: [UInt8] = []
            try await fetcher.consume(
                Request(url: url, resume: ResumeToken(validator: "\"v1\"", offset: 10)),
                onRestart: { _ in partial.removeAll() }
            ) { partial.append($0) }
            _ = try await fetcher.size(of: url)
            let (response, body) = try await fetcher.data(Request(url: url))
            await fetcher.shutdown()
            #expect(server.methods("/ok") == ["GET", "HEAD", "GET"])
            let first = try #require(server.headers("/ok").first)
            #expect(first["range"] == "bytes=10-")
            let last = try #require(server.headers("/ok").last)
            #expect(last["range"] == nil)
            #expect(last["if-range"] == nil)
            #expect(response.status == 200)
            #expect(body == server.body)
        }

        @Test func nonHTTPSchemesAreRefused() async throws {
            let fetcher = try Fetcher()
            let error = await #expect(throws: FetchError.self) {
                try await fetcher.data(Request(url: "file:///etc/passwd"))
            }
            await fetcher.shutdown()
            #expect(error?.reasonText == "scheme not allowed (only http and https)")
        }
    }
}
