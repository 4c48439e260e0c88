import Imaging
import Render
import Testing

struct KittyEncoderTests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func twoByTwoGoldenBytes() {
        let bytes = KittyEncoder(imageIDBase: 7).encode(
            TestImages.twoByTwo, at: CellPosition(row: 0, column: 0), slot: 0)
        let expected =
            "\u{1b}[1;1H\u{1b}_Ga=d,d=I,i=7,q=2\u{1b}\\"
            + "\u{1b}_Ga=T,f=24,s=2,v=2,i=7,p=1,c=1,r=1,C=1,q=2,m=0;/wAAAP8AAAD/////\u{1b}\\"
        #expect(Self.text(bytes) == expected)
    }

    @Test func threeByFiveGoldenBytesWithoutSlot() {
        let encoder = KittyEncoder(cellPixels: CellPixels(width: 2, height: 2))
        let bytes = encoder.encode(TestImages.threeByFive, at: CellPosition(row: 3, column: 4))
        let expected =
            "\u{1b}[4;5H\u{1b}_Ga=T,f=24,s=3,v=5,c=2,r=3,C=1,q=2,m=0;"
            + "AAAAAAAAAAAAAAAAAAAAAAAA/wAA/wAAAAD//wAA/wAAAAD//wAA/wAAAAD/\u{1b}\\"
        #expect(Self.text(bytes) == expected)
    }

    @Test func slotsGetTheirOwnImageIDs() {
        let encoder = KittyEncoder(imageIDBase: 1000)
        #expect(encoder.imageID(forSlot: 0) == 1000)
        #expect(encoder.imageID(forSlot: 9) == 1009)
        let decoded = DecodedKitty(encoder.encode(TestImages.twoByTwo, at: CellPosition(row: 0, column: 0), slot: 3))
        #expect(decoded.images.first?.keys["i"] == "1003")
        #expect(decoded.deletes.first?["i"] == "1003")
        #expect(Self.text(encoder.erase(slot: 3)) == "\u{1b}_Ga=d,d=I,i=1003,q=2\u{1b}\\")
        #expect(
            Self.text(encoder.eraseAll(slotCount: 2))
                == "\u{1b}_Ga=d,d=I,i=1000,q=2\u{1b}\\\u{1b}_Ga=d,d=I,i=1001,q=2\u{1b}\\")
        #expect(Self.text(KittyEncoder.deleteAllVisible.bytes) == "\u{1b}_Ga=d,d=A,q=2\u{1b}\\")
    }

    /// 40×40 RGB is 4800 bytes, 6400 in Base64: one full 4096-byte chunk with m=1, then the rest with m=0.
    @Test func largeImagesAreChunkedAt4096Bytes() throws {
        let image = TestImages.gradient(width: 40, height: 40)
        let bytes = KittyEncoder(imageIDBase: 5).encode(image, at: CellPosition(row: 0, column: 0), slot: 0)
        let chunks = EscapeScanner.pieces(bytes).compactMap { piece -> [UInt8]? in
            if case .apc(let body) = piece { body } else { nil }
        }
        #expect(chunks.count == 3)  // delete, first chunk, last chunk
        let first = Self.text(chunks[1])
        let last = Self.text(chunks[2])
        #expect(first.hasPrefix("Ga=T,f=24,s=40,v=40,i=5,p=1,c=4,r=2,C=1,q=2,m=1;"))
        #expect(last.hasPrefix("Gq=2,m=0;"))
        for chunk in chunks.dropFirst() {
            let payload = chunk.split(separator: UInt8(ascii: ";"), maxSplits: 1)[1]
            #expect(payload.count <= KittyEncoder.chunkSize)
        }
        let decoded = try #require(DecodedKitty(bytes).images.first?.pixels)
        #expect(decoded == image)
    }

    @Test func manyColoursRoundTripExactly() throws {
        let image = TestImages.gradient(width: 23, height: 17)
        let decoded = try #require(
            DecodedKitty(KittyEncoder().encode(image, at: CellPosition(row: 0, column: 0))).images.first?.pixels)
        #expect(decoded == image)
    }

    @Test func pixelBoxAndFootprintUseTheCellSize() {
        let encoder = KittyEncoder(cellPixels: CellPixels(width: 9, height: 18))
        #expect(encoder.pixelBox(for: CellSize(columns: 10, rows: 4)) == PixelSize(width: 90, height: 72))
        #expect(encoder.footprint(of: PixelSize(width: 90, height: 73)) == CellSize(columns: 10, rows: 5))
        #expect(KittyEncoder().pixelBox(for: CellSize(columns: 2, rows: 1)) == PixelSize(width: 20, height: 20))
    }

    @Test func emptyImageEmitsNothing() {
        #expect(
            KittyEncoder().encode(Pixels(width: 0, height: 0, bytes: []), at: CellPosition(row: 0, column: 0)).isEmpty)
    }

    /// The screen passes the slot through, and a relayout takes every kitty image down before erasing.
    @Test func screenReplacesSlotImagesByID() {
        var screen = GalleryScreen(
            layout: GridLayout(terminal: CellSize(columns: 80, rows: 24), slotCount: 2),
            encoder: KittyEncoder(imageIDBase: 40))
        _ = screen.begin()
        let box = screen.pixelBox
        let frame = screen.fill(
            slot: 1, pixels: Pixels(width: box.width, height: box.height / 2, filledWith: RGB(1, 2, 3)),
            caption: Caption(title: "( 2)", name: "b.jpg"))
        #expect(DecodedKitty(frame).images.map { $0.keys["i"] } == ["41"])
        let redraw = DecodedKitty(screen.relayout(to: CellSize(columns: 100, rows: 30)))
        #expect(redraw.deletes.map { $0["i"] }.prefix(2) == ["40", "41"])
        #expect(redraw.images.map { $0.keys["i"] } == ["41"])
    }
}
