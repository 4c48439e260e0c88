import Fetch
import GalleryTestSupport
import Testing

extension FetchEngine {
    /// Concurrency and rate limits, host profiles, the descriptor budget and the retry schedule.
    @Suite struct LimitsTests {
        @Test func hostLimitCapsTransfersInFlight() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            for i in 0..<6 { try folder.write("h\(i).bin", size: 80_000) }
            let nginx = try Nginx(
                root: folder.url, locations: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 50_000)])
            defer { nginx.stop() }
            var configuration = FetchConfiguration.fast()
            // nginx's limit_rate sends a burst, then sleeps about a second: not a stall at this pace.
            configuration.stallTimeout = .seconds(20)
            configuration.hostLimits = ["127.0.0.1": HostLimit(maxInFlight: 2)]
            let fetcher = try Fetcher(configuration: configuration)
            let all = Task {
                try await withThrowingTaskGroup(of: Int64.self) { group in
                    for i in 0..<6 {
                        group.addTask {
                            try await fetcher.data(Request(url: "\(nginx.baseURL)/slow/h\(i).bin")).0.bytes
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            var most = 0
            var sawQueued = false
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let now = fetcher.progress
                most = max(most, now.filter { $0.state != .queued }.count)
                sawQueued = sawQueued || now.contains { $0.state == .queued }
                if now.isEmpty && most > 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await all.value == 6 * 80_000)
            #expect(most == 2)
            #expect(sawQueued)
            await fetcher.shutdown()
        }

        /// Bodies that arrive faster than they are consumed do not let new transfers start: a transfer curl has
        /// finished keeps its slot until its consumer has taken the end, so at most `maxInFlight` bodies (and the
        /// decoders gallery feeds from them) are held at once, however fast the network.
        @Test func consumersThatFallBehindHoldTheirSlots() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            for i in 0..<6 { try folder.write("c\(i).bin", size: 10_000) }
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            var configuration = FetchConfiguration.fast()
            configuration.maxInFlight = 2
            let fetcher = try Fetcher(configuration: configuration)
            let gate = Gate()
            let all = Task {
                try await withThrowingTaskGroup(of: Int64.self) { group in
                    for i in 0..<6 {
                        group.addTask {
                            var received: Int64 = 0
                            _ = try await fetcher.consume(Request(url: "\(nginx.baseURL)/c\(i).bin")) { bytes in
                                await gate.wait()
                                received += Int64(bytes.count)
                            }
                            return received
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            func requests() -> Int { nginx.accessLog().split(separator: "\n").count }
            let deadline = ContinuousClock.now + .seconds(20)
            while requests() < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            // Both bodies (10 KB each) are in the engine's buffers long before this: only their consumers wait.
            try await Task.sleep(for: .milliseconds(300))
            #expect(requests() == 2, "no third transfer while two finished bodies wait for their consumers")
            await gate.open()
            #expect(try await all.value == 6 * 10_000)
            // nginx logs a request after sending it, so its last lines may come just after our last body.
            while requests() < 6, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(requests() == 6)
            await fetcher.shutdown()
        }

        /// 900 KB at 600 KB/s in total takes 1.5 s however the transfers share it (the first 100 ms of each may
        /// burst), against a few milliseconds unlimited on loopback.
        @Test func totalRateIsCapped() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            for i in 0..<3 { try folder.write("r\(i).bin", size: 300_000) }
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            var configuration = FetchConfiguration.fast()
            configuration.maxBytesPerSecond = 600_000
            let fetcher = try Fetcher(configuration: configuration)
            let started = ContinuousClock.now
            let total = try await withThrowingTaskGroup(of: Int64.self) { group in
                for i in 0..<3 {
                    group.addTask { try await fetcher.data(Request(url: "\(nginx.baseURL)/r\(i).bin")).0.bytes }
                }
                return try await group.reduce(0, +)
            }
            let seconds = (ContinuousClock.now - started).inSeconds
            await fetcher.shutdown()
            #expect(total == 900_000)
            #expect(seconds >= 1.0)
            #expect(seconds < 15)
        }

        @Test func wikimediaProfileAppliesWithANotice() {
            let (limits, notice) = HostProfiles.effectiveLimits(
                hosts: ["https://upload.wikimedia.org/wikipedia/commons/a/ab/X.jpg", "http://127.0.0.1:8080/y.jpg"],
                explicitMaxPerHost: nil, explicitMaxBytesPerSecond: nil)
            #expect(limits == ["upload.wikimedia.org": HostLimit(maxInFlight: 2, maxBytesPerSecond: 3_125_000)])
            #expect(
                notice
                    == "gallery: upload.wikimedia.org: at most 2 downloads at once and 25 Mbit/s in total, as"
                    + " Wikimedia's robot policy asks (override with --max-per-host or --max-rate)")
        }

        @Test func explicitOptionsOverrideTheProfile() {
            let partly = HostProfiles.effectiveLimits(
                hosts: ["upload.wikimedia.org"], explicitMaxPerHost: 8, explicitMaxBytesPerSecond: nil)
            #expect(
                partly.limits == ["upload.wikimedia.org": HostLimit(maxInFlight: nil, maxBytesPerSecond: 3_125_000)])
            #expect(
                partly.notice
                    == "gallery: upload.wikimedia.org: 25 Mbit/s in total, as Wikimedia's robot policy asks"
                    + " (override with --max-rate)")
            let fully = HostProfiles.effectiveLimits(
                hosts: ["upload.wikimedia.org"], explicitMaxPerHost: 8, explicitMaxBytesPerSecond: 1_000_000)
            #expect(fully.limits.isEmpty)
            #expect(fully.notice == nil)
        }

        @Test func otherHostsGetNoProfile() {
            let (limits, notice) = HostProfiles.effectiveLimits(
                hosts: ["https://example.org/a.jpg"], explicitMaxPerHost: nil, explicitMaxBytesPerSecond: nil)
            #expect(limits.isEmpty)
            #expect(notice == nil)
        }

        @Test func transfersInFlightStayWithinTheDescriptorLimit() {
            #expect(DescriptorBudget.clamp(64, softLimit: 1024, open: 10) == 64)
            // (256 − 100 − 32) / 3 = 41
            #expect(DescriptorBudget.clamp(64, softLimit: 256, open: 100) == 41)
            #expect(DescriptorBudget.clamp(64, softLimit: 64, open: 60) == 1)
            #expect(DescriptorBudget.clamp(10, softLimit: Int.max, open: 10) == 10)
            #expect((DescriptorBudget.openDescriptors() ?? 0) > 2)
        }

        @Test func backoffDoublesWithJitterAndHonoursRetryAfter() {
            let policy = RetryPolicy(
                retries: 3, initialBackoff: .milliseconds(500), maxBackoff: .seconds(30), maxRetryAfter: .seconds(60))
            #expect(policy.delay(beforeRetry: 1, retryAfter: nil, jitter: 0) == .milliseconds(500))
            #expect(policy.delay(beforeRetry: 2, retryAfter: nil, jitter: 0) == .seconds(1))
            #expect(policy.delay(beforeRetry: 3, retryAfter: nil, jitter: 1) == .milliseconds(2500))
            #expect(policy.delay(beforeRetry: 30, retryAfter: nil, jitter: 0) == .seconds(30))
            #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(7), jitter: 0) == .seconds(7))
            #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(600), jitter: 0) == .seconds(60))
        }

        @Test func retryAfterParsesSecondsAndDates() {
            // 1994-11-06 08:49:37 UTC
            let then = 784_111_777.0
            #expect(RetryPolicy.parseRetryAfter("120", now: then) == .seconds(120))
            #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now: then) == .seconds(10))
            #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:27 GMT", now: then) == .zero)
            #expect(RetryPolicy.parseRetryAfter("soon", now: then) == nil)
            #expect(RetryPolicy.parseRetryAfter("-5", now: then) == nil)
        }
    }
}

/// Holds every waiter until `open()`.
private actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
