import Foundation
import GalleryTestSupport
import Testing

@testable import Browse

#if canImport(Glibc)
    import Glibc
#endif

/// The spool's contract: bodies read back intact, the oldest go first past the cap, nothing ever has a name.
@Suite struct SpoolTests {
    @Test(arguments: [UnlinkedFile.Method.temporaryFile, .unlinkedName])
    func bodyReadsBackIntactAndLeavesNoName(_ method: UnlinkedFile.Method) throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let spool = try Spool(path: folder.path, capacity: 1 << 20, method: method)
        let body = patterned(300_000)
        let writer = try #require(try spool.writer(for: 7))
        for start in stride(from: 0, to: body.count, by: 65_536) {
            #expect(try writer.append(Array(body[start..<min(body.count, start + 65_536)])))
        }
        #expect(spool.status(of: 7) == .writing(bytes: 300_000))
        #expect(spool.reader(for: 7) == nil, "not readable until sealed")
        #expect(writer.seal())
        #expect(spool.status(of: 7) == .sealed(bytes: 300_000))
        let reader = try #require(spool.reader(for: 7))
        #expect(try reader.readAll() == body)
        #expect(folder.entries.isEmpty)
    }

    @Test func oldestBodiesAreDroppedFirst() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let spool = try Spool(path: folder.path, capacity: 1000)
        for id in 0..<3 {
            let writer = try #require(try spool.writer(for: id))
            try writer.append(patterned(400, seed: UInt8(id)))
            writer.seal()
        }
        #expect(spool.status(of: 0) == .evicted)
        #expect(spool.status(of: 1) == .sealed(bytes: 400))
        #expect(spool.status(of: 2) == .sealed(bytes: 400))
        #expect(spool.totalBytes == 800)
        #expect(spool.reader(for: 0) == nil)
        #expect(try spool.reader(for: 1)?.readAll() == patterned(400, seed: 1))
    }

    @Test func aReaderKeepsItsBodyAfterEviction() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let spool = try Spool(path: folder.path, capacity: 500)
        let first = try #require(try spool.writer(for: 0))
        try first.append(patterned(400))
        first.seal()
        let reader = try #require(spool.reader(for: 0))
        let second = try #require(try spool.writer(for: 1))
        try second.append(patterned(400, seed: 9))
        #expect(spool.status(of: 0) == .evicted)
        #expect(try reader.readAll() == patterned(400))
    }

    @Test func bodyLargerThanTheCapIsNeverSpooled() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let spool = try Spool(path: folder.path, capacity: 1000)
        let kept = try #require(try spool.writer(for: 0))
        try kept.append(patterned(600))
        kept.seal()
        #expect(try spool.writer(for: 1, expectedBytes: 1001) == nil)
        #expect(spool.status(of: 1) == .tooLarge)
        let growing = try #require(try spool.writer(for: 2))
        #expect(try growing.append(patterned(900)), "fits alone: the older body makes room")
        #expect(spool.status(of: 0) == .evicted)
        #expect(!(try growing.append(patterned(200))), "past the cap on its own")
        #expect(!growing.seal())
        #expect(spool.status(of: 2) == .tooLarge)
        #expect(spool.totalBytes == 0)
    }

    @Test func aGrowingBodyCanBeDroppedForANewerOne() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let spool = try Spool(path: folder.path, capacity: 1000)
        let older = try #require(try spool.writer(for: 0))
        let newer = try #require(try spool.writer(for: 1))
        try older.append(patterned(500))
        try newer.append(patterned(600))
        #expect(spool.status(of: 0) == .evicted)
        #expect(!(try older.append(patterned(10))))
        #expect(!older.seal())
        #expect(newer.seal())
        #expect(spool.totalBytes == 600)
    }

    @Test func fetchAgainReplacesTheBodyAndAnAbandonedWriterLeavesNothing() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let spool = try Spool(path: folder.path, capacity: 1000)
        do {
            let cancelled = try #require(try spool.writer(for: 3))
            try cancelled.append(patterned(300))
        }
        #expect(spool.status(of: 3) == .absent)
        #expect(spool.totalBytes == 0)
        let writer = try #require(try spool.writer(for: 3))
        try writer.append(patterned(100, seed: 4))
        writer.seal()
        spool.discard(3)
        #expect(spool.status(of: 3) == .absent)
        #expect(spool.totalBytes == 0)
    }

    /// The guarantee SIGKILL tests: a process holding a sealed and a half-written body never shows a name in the
    /// folder, and once it is killed the space is gone with it.
    @Test func nothingRemainsAfterSIGKILL() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let probe = try Probe(["spool", folder.path, "2000000"])
        let ready = try probe.readLine(timeout: .seconds(30))
        #expect(ready == "ready sealed(bytes: 2000000) writing(bytes: 1000000)")
        #expect(folder.entries.isEmpty, "no name while it runs")
        let links = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(probe.pid)/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(probe.pid)/fd/\($0)")
        }
        #expect(links.filter { $0.hasPrefix(folder.path) && $0.hasSuffix("(deleted)") }.count == 2)
        probe.kill(SIGKILL)
        #expect(probe.wait() == 128 + SIGKILL)
        #expect(folder.entries.isEmpty)
    }
}
