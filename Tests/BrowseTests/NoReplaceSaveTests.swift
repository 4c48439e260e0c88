import Dispatch
import Foundation
import GalleryTestSupport
import Synchronization
import Testing

@testable import Browse

#if canImport(Glibc)
    import Glibc
#endif

/// `s` never replaces a file, whoever made it and however close in time.
@Suite struct NoReplaceSaveTests {
    @Test(arguments: [UnlinkedFile.Method.temporaryFile, .unlinkedName])
    func savesUnderTheNameThenWithASuffix(_ method: UnlinkedFile.Method) throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let sources = try TempFolder()
        defer { sources.remove() }
        let body = patterned(700_000)
        let source = try sources.descriptor(holding: body, name: "body")
        defer { close(source) }
        try folder.write("photo.jpg", bytes: Array("someone else's".utf8))
        let first = try NoReplaceSave.save(
            from: source, size: Int64(body.count), into: folder.path, as: "photo.jpg", method: method)
        let second = try NoReplaceSave.save(
            from: source, size: Int64(body.count), into: folder.path, as: "photo.jpg", method: method)
        #expect(first == folder.path + "/photo-1.jpg")
        #expect(second == folder.path + "/photo-2.jpg")
        #expect(folder.read("photo.jpg") == Array("someone else's".utf8))
        #expect(folder.read("photo-1.jpg") == body)
        #expect(folder.read("photo-2.jpg") == body)
        #expect(Set(folder.entries) == ["photo.jpg", "photo-1.jpg", "photo-2.jpg"], "no hidden file left")
    }

    @Test func suffixGoesBeforeAShortExtension() {
        #expect(Array(NoReplaceSave.candidates(for: "a.jpg").prefix(3)) == ["a.jpg", "a-1.jpg", "a-2.jpg"])
        #expect(NoReplaceSave.candidates(for: "README")[1] == "README-1")
        #expect(NoReplaceSave.candidates(for: "x.verylongextension")[1] == "x.verylongextension-1")
        #expect(NoReplaceSave.candidates(for: "a.jpg").count == NoReplaceSave.maximumAttempts)
    }

    @Test func namesThatCouldLeaveTheFolderAreRefused() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        for name in ["../x.jpg", ".hidden", "", "a/b.jpg"] {
            #expect(throws: BrowseFileError.self) {
                try NoReplaceSave.save(from: -1, size: 0, into: folder.path, as: name)
            }
        }
        #expect(folder.entries.isEmpty)
    }

    /// Saves of one name racing each other and a process creating files of that name: every save gets a name of
    /// its own, every file holds what its writer wrote, and nothing is overwritten.
    @Test func racingSavesNeverReplaceEachOtherOrAnExistingFile() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let sources = try TempFolder()
        defer { sources.remove() }
        let bodies = (0..<8).map { patterned(50_000 + $0 * 1000, seed: UInt8($0)) }
        let descriptors = try bodies.enumerated().map { try sources.descriptor(holding: $1, name: "b\($0)") }
        defer { for fd in descriptors { close(fd) } }
        let results = Mutex<[Int: String]>([:])
        DispatchQueue.concurrentPerform(iterations: bodies.count + 1) { index in
            guard index < bodies.count else {
                // Someone else writing the plain name and two suffixed ones while the saves run.
                for name in ["shot.png", "shot-1.png", "shot-3.png"] {
                    let fd = open(folder.path + "/" + name, O_WRONLY | O_CREAT | O_EXCL, 0o644)
                    if fd >= 0 {
                        _ = write(fd, "mine", 4)
                        close(fd)
                    }
                }
                return
            }
            if let path = try? NoReplaceSave.save(
                from: descriptors[index], size: Int64(bodies[index].count), into: folder.path, as: "shot.png")
            {
                results.withLock { $0[index] = path }
            }
        }
        let saved = results.withLock { $0 }
        #expect(saved.count == bodies.count)
        #expect(Set(saved.values).count == bodies.count)
        for (index, path) in saved {
            #expect(FileManager.default.contents(atPath: path).map { [UInt8]($0) } == bodies[index])
        }
        let others = folder.entries.filter { !saved.values.contains(folder.path + "/" + $0) }
        for name in others {
            #expect(folder.read(name) == Array("mine".utf8), "\(name) was made by the other writer and kept")
        }
        #expect(folder.entries.count == saved.count + others.count)
        #expect(!folder.entries.contains { $0.hasPrefix(".") })
    }
}
