import Decode
import Foundation
import GalleryTestSupport
import Imaging
import Render
import Testing

@testable import Browse

/// The enlarged view's bytes, from the spool or the saved file, decoded at the window's box.
@Suite struct EnlargedImageTests {
    let jpeg: [UInt8]

    init() throws {
        jpeg = try SolidJPEG.make(red: 200, green: 30, blue: 40, width: 640, height: 480)
    }

    func spooled(_ bytes: [UInt8], in folder: TempFolder) throws -> (Spool, BodyReader) {
        let spool = try Spool(path: folder.path, capacity: 1 << 20)
        let writer = try #require(try spool.writer(for: 0))
        try writer.append(bytes)
        writer.seal()
        return (spool, try #require(spool.reader(for: 0)))
    }

    @Test func spooledBodyDecodesIntoTheWindowBox() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let (_, body) = try spooled(jpeg, in: folder)
        let box = EnlargedLayout(window: CellSize(columns: 160, rows: 50)).pixelBox(for: HalfBlockEncoder())
        let image = try await EnlargedImage.decode(body, fitting: box)
        #expect(image.imageSize == PixelSize(width: 640, height: 480))
        #expect(image.pixels.width <= box.width && image.pixels.height <= box.height)
        #expect(image.pixels.height == box.height || image.pixels.width == box.width, "as large as the box allows")
        let centre = image.pixels[image.pixels.width / 2, image.pixels.height / 2]
        #expect(abs(Int(centre.r) - 200) <= 4 && abs(Int(centre.g) - 30) <= 4 && abs(Int(centre.b) - 40) <= 4)
    }

    @Test func savedFileDecodesTheSameAndSavesOnWithoutOverwriting() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("red.jpg", bytes: jpeg)
        let body = try BodyReader(path: folder.path + "/red.jpg")
        let image = try await EnlargedImage.decode(body, fitting: PixelSize(width: 64, height: 64))
        #expect(image.pixels.width == 64 && image.pixels.height == 48)
        let copy = try NoReplaceSave.save(body, into: folder.path, as: "red.jpg")
        #expect(copy == folder.path + "/red-1.jpg")
        #expect(folder.read("red-1.jpg") == jpeg)
    }

    @Test func cutBodyFailsAsTruncated() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let (_, body) = try spooled(Array(jpeg.prefix(jpeg.count - 40)), in: folder)
        await #expect(throws: DecodeError.self) {
            _ = try await EnlargedImage.decode(body, fitting: PixelSize(width: 64, height: 64))
        }
    }

    @Test func symlinkIsNotFollowed() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("real.jpg", bytes: jpeg)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.jpg", withDestinationPath: "real.jpg")
        #expect(throws: BrowseFileError.self) { try BodyReader(path: folder.path + "/link.jpg") }
    }
}
