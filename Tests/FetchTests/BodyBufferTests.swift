import GalleryTestSupport
import Testing

@testable import Fetch

extension FetchEngine {
    /// Body bytes travel in pooled buffers that the consumer borrows: reuse must never show through.
    @Suite struct BodyBufferTests {
        @Test func poolNeverLendsABufferThatIsStillOut() {
            let pool = BodyBufferPool(bufferSize: 1024, maxKept: 8)
            let out = (0..<6).map { _ in pool.take() }
            #expect(Set(out.map(ObjectIdentifier.init)).count == 6)
            let returned = Array(out.prefix(3))
            for buffer in returned { pool.recycle(buffer) }
            let again = (0..<5).map { _ in pool.take() }
            let stillOut = Set(out.suffix(3).map(ObjectIdentifier.init))
            let againIDs = again.map(ObjectIdentifier.init)
            #expect(againIDs.allSatisfy { !stillOut.contains($0) })
            #expect(Set(againIDs).count == 5)
            // The three returned ones were reused before any new one was made.
            #expect(Set(againIDs).isSuperset(of: returned.map(ObjectIdentifier.init)))
        }

        @Test func recycledBufferComesBackEmpty() async {
            let pool = BodyBufferPool(bufferSize: 64, maxKept: 1)
            let buffer = pool.take()
            [UInt8](repeating: 7, count: 40).withUnsafeBytes { buffer.append($0) }
            #expect(buffer.count == 40)
            pool.recycle(buffer)
            let reused = pool.take()
            #expect(reused === buffer)
            #expect(reused.isEmpty)
            var seen = 0
            await reused.withBytes { seen = $0.byteCount }
            #expect(seen == 0)
        }

        /// A write larger than the pooled size (curl re-delivering paused data) gets a buffer of its own, which is
        /// freed rather than kept; and the pool keeps no more than it was told.
        @Test func oversizedBuffersAndSurplusAreNotKept() {
            let pool = BodyBufferPool(bufferSize: 64, maxKept: 2)
            let large = pool.take(minimum: 100)
            #expect(large.capacity >= 100)
            pool.recycle(large)
            #expect(pool.keptCount == 0)
            let three = (0..<3).map { _ in pool.take() }
            for buffer in three { pool.recycle(buffer) }
            #expect(pool.keptCount == 2)
        }

        /// Many transfers share the pool while each consumer holds its chunk across suspensions: a buffer lent
        /// twice would change under a consumer, or mix one file's bytes into another's.
        @Test func borrowedBytesStayIntactWhileTheConsumerSuspends() async throws {
            let folder = try TempFolder()
            defer { folder.remove() }
            let files = try (0..<24).map { try folder.write("f\($0).bin", size: 40_000 + $0 * 9_000) }
            let nginx = try Nginx(root: folder.url)
            defer { nginx.stop() }
            var configuration = FetchConfiguration.fast()
            // Small buffers: many chunks per file, pauses and resumes, and the pool cycling fast.
            configuration.maxBufferedBytes = 16 * 1024
            configuration.maxInFlight = 12
            let fetcher = try Fetcher(configuration: configuration)
            let bodies = try await withThrowingTaskGroup(of: (Int, [UInt8], Bool).self) { group in
                for index in files.indices {
                    group.addTask {
                        var body: [UInt8] = []
                        var steady = true
                        _ = try await fetcher.consume(Request(url: "\(nginx.baseURL)/f\(index).bin")) { chunk in
                            var before: [UInt8] = []
                            before.append(chunk)
                            // Long enough for the loop thread to fill several other buffers meanwhile.
                            try await Task.sleep(for: .milliseconds(1))
                            var after: [UInt8] = []
                            after.append(chunk)
                            steady = steady && before == after
                            body += after
                        }
                        return (index, body, steady)
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = ($1.1, $1.2) }
            }
            await fetcher.shutdown()
            for index in files.indices {
                #expect(bodies[index]?.1 == true, "chunk of f\(index).bin changed while lent")
                #expect(bodies[index]?.0 == files[index], "f\(index).bin")
            }
        }
    }
}
