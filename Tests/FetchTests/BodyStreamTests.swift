import Fetch
import GalleryTestSupport
import Testing

extension FetchEngine {
    /// What a consumer of `Fetcher.body(for:)` sees, in order, against real servers.
    @Suite struct BodyStreamTests {
        let body = imageLikeBody(200_000)

        /// The events of one download, with the bytes of each run of chunks added up.
        enum Seen: Equatable {
            case restart(validator: String?)
            case bytes(Int)
            case done(status: Int, bytes: Int64)
        }

        func events(_ fetcher: Fetcher, _ request: Request) async throws -> [Seen] {
            var seen: [Seen] = []
            for try await event in fetcher.body(for: request) {
                switch event {
                case .restart(let token): seen.append(.restart(validator: token?.validator))
                case .bytes(let chunk):
                    if case .bytes(let before)? = seen.last {
                        seen[seen.count - 1] = .bytes(before + chunk.count)
                    } else {
                        seen.append(.bytes(chunk.count))
                    }
                case .done(let response): seen.append(.done(status: response.status, bytes: response.bytes))
                }
            }
            return seen
        }

        @Test func aBodyStartsWithRestartAndEndsWithDone() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            let seen = try await events(fetcher, Request(url: "\(server.baseURL)/ok"))
            await fetcher.shutdown()
            #expect(seen.first.map { if case .restart = $0 { true } else { false } } == true)
            #expect(seen.dropFirst().first == .bytes(body.count))
            #expect(seen.last == .done(status: 200, bytes: Int64(body.count)))
            #expect(seen.count == 3)
        }

        /// A retry that resumes with `Range` adds bytes, no restart: the consumer keeps what it has.
        @Test func aResumedRetryYieldsOnlyTheRest() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            let seen = try await events(fetcher, Request(url: "\(server.baseURL)/reset"))
            await fetcher.shutdown()
            #expect(seen.first == .restart(validator: "\"v1\""))
            #expect(seen.dropFirst().first == .bytes(body.count))
            #expect(seen.last == .done(status: 206, bytes: Int64(body.count)))
            #expect(server.headers("/reset").last?["range"]?.hasPrefix("bytes=") == true)
        }

        /// A retry the server answers with a changed file: `.restart` with the new validator, then the whole body.
        @Test func aChangedFileRestartsWithItsNewValidator() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            let seen = try await events(fetcher, Request(url: "\(server.baseURL)/reset-changed"))
            await fetcher.shutdown()
            let restarts = seen.compactMap { if case .restart(let v) = $0 { v } else { nil } }
            #expect(restarts == ["\"v1\"", "\"v2\""])
            guard case .bytes(let cut)? = seen.dropFirst().first else {
                Issue.record("no bytes before the restart: \(seen)")
                return
            }
            #expect(cut < body.count)
            #expect(Array(seen.suffix(2)) == [.bytes(body.count), .done(status: 200, bytes: Int64(body.count))])
        }

        /// `Request.resume` under the right validator continues at its offset with no restart; the response carries
        /// the token that would continue it again.
        @Test func aRequestedResumeContinuesAtItsOffset() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let original = try folder.write("r.bin", size: 300_000)
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            let fetcher = try Fetcher()
            let url = "\(nginx.baseURL)/r.bin"
            let first = try await events(fetcher, Request(url: url))
            guard case .restart(let validator?)? = first.first else {
                Issue.record("no validator from nginx: \(first)")
                return
            }
            var rest: [UInt8] = []
            var sawRestart = false
            var response: Response?
            let request = Request(url: url, resume: ResumeToken(validator: validator, offset: 100_000))
            for try await event in fetcher.body(for: request) {
                switch event {
                case .restart: sawRestart = true
                case .bytes(let chunk): rest.append(chunk)
                case .done(let done): response = done
                }
            }
            await fetcher.shutdown()
            #expect(!sawRestart)
            #expect(rest == Array(original[100_000...]))
            #expect(response?.status == 206)
            #expect(response?.resumeToken == ResumeToken(validator: validator, offset: 300_000))
        }

        /// Whether the last byte arrived is state the consumer can read while it is still behind.
        @Test func lastByteArrivedIsReadableBeforeTheConsumerCatchesUp() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            let fetcher = try Fetcher(configuration: .fast())
            let stream = fetcher.body(for: Request(url: "\(server.baseURL)/ok"))
            #expect(!stream.lastByteArrived)
            var arrivedBeforeDone = false
            for try await event in stream {
                if case .done = event { break }
                // The body fits the pipe: curl finishes while the consumer has yet to take the end.
                let deadline = ContinuousClock.now + .seconds(10)
                while !stream.lastByteArrived && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                arrivedBeforeDone = arrivedBeforeDone || stream.lastByteArrived
            }
            await fetcher.shutdown()
            #expect(arrivedBeforeDone)
        }

        /// Leaving the loop early stops the transfer: the engine has a free slot for the next one.
        @Test func leavingTheStreamEarlyFreesTheSlot() async throws {
            let server = try FaultServer(body: body)
            defer { server.stop() }
            var configuration = FetchConfiguration.fast()
            configuration.maxInFlight = 1
            let fetcher = try Fetcher(configuration: configuration)
            for try await event in fetcher.body(for: Request(url: "\(server.baseURL)/endless")) {
                if case .bytes = event { break }
            }
            let (response, bytes) = try await fetcher.data(Request(url: "\(server.baseURL)/ok"))
            await fetcher.shutdown()
            #expect(response.status == 200)
            #expect(bytes == body)
        }
    }
}
