import Foundation
import GalleryTestSupport
import Testing

@testable import GalleryCore

/// `--save` names from the URL and the folder alone: reruns find earlier files whatever order the URLs come in.
struct SaveNamerTests {
    static let a = "http://a/x/photo.jpg"
    static let b = "http://b/y/photo.jpg"

    /// Writes `name` into the folder, marked as saved from `url` when one is given.
    static func save(_ name: String, from url: String?, in folder: TempFolder) throws {
        let path = folder.url.appendingPathComponent(name).path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        guard let url else { return }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        #expect(SaveOrigin.mark(fd, url: url), "the test folder's file system keeps user attributes")
    }

    @Test func inAnEmptyFolderTheFirstURLGetsThePlainNameAndAnotherOfTheSameNameItsHash() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var namer = SaveNamer(folder: try SaveFolder(path: folder.url.path))
        #expect(namer.name(for: Self.a) == "photo.jpg")
        let second = namer.name(for: Self.b)
        #expect(second.hasPrefix("photo-") && second.hasSuffix(".jpg") && second.count == "photo-12345678.jpg".count)
        #expect(namer.name(for: Self.a) == "photo.jpg", "the same URL, the same name")
    }

    @Test func aRerunFindsEachURLsFileInEitherOrder() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var first = SaveNamer(folder: try SaveFolder(path: folder.url.path))
        let (nameA, nameB) = (first.name(for: Self.a), first.name(for: Self.b))
        try Self.save(nameA, from: Self.a, in: folder)
        try Self.save(nameB, from: Self.b, in: folder)
        for order in [[Self.a, Self.b], [Self.b, Self.a]] {
            var rerun = SaveNamer(folder: try SaveFolder(path: folder.url.path))
            let names = Dictionary(uniqueKeysWithValues: order.map { ($0, rerun.name(for: $0)) })
            #expect(names == [Self.a: nameA, Self.b: nameB])
        }
    }

    @Test func aFileOfTheSameNameFromAnotherURLOrUnmarkedIsNeverTaken() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try Self.save("photo.jpg", from: "http://elsewhere/photo.jpg", in: folder)
        try Self.save("other.jpg", from: nil, in: folder)
        var namer = SaveNamer(folder: try SaveFolder(path: folder.url.path))
        #expect(namer.name(for: Self.a).hasPrefix("photo-"))
        #expect(namer.name(for: "http://a/other.jpg").hasPrefix("other-"))
    }
}
