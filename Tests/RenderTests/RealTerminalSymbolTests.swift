import Decode
import Foundation
import GalleryTestSupport
import Imaging
import Render
import Testing

/// Text thumbnails of real images in a real terminal: Debian's xterm on Xvfb (6×13 cells, xterm's palette, its
/// glyphs from the fixed font) shows what `--render blocks` draws for two renderers at three colour depths, in
/// one screenshot; each drawing is scored against its source by SSIM on luma. The default symbols for xterm must
/// beat `--symbols half` at every depth. The screenshot is kept as a PNG (path printed). Serialized: one display.
@Suite(.serialized)
struct RealTerminalSymbolTests {
    static let cell = (width: 6, height: 13)
    static let slot = CellSize(columns: 30, rows: 10)

    /// A photo from the fixtures and two illustrations from Debian's plasma-workspace-wallpapers, which `make test`
    /// installs; the scores are averaged over the three.
    static let sources: [String] =
        [Fixtures.url("jpeg/good/baseline-420.jpg").path]
        + [
            "/usr/share/wallpapers/Kite/contents/images/2560x1600.jpg",
            "/usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg",
        ].filter { FileManager.default.fileExists(atPath: $0) }

    /// The image decoded the way gallery decodes it (DCT-scaled, resampled in linear light), large enough to
    /// be the reference for every drawing.
    static func decode(_ path: String) async throws -> Pixels {
        let decoder = JPEGDecoder(fitting: PixelSize(width: 640, height: 480))
        try await decoder.feed(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        return try decoder.finish().pixels
    }

    struct Drawing {
        var name: String
        var colors: ColorMode
        var origin: CellPosition
        /// The screen pixels the thumbnail covers (a last column or row may be only partly image).
        var size: PixelSize
    }

    /// Draws `image` with each renderer at each depth, one slot per drawing, and returns the bytes and where
    /// each drawing went.
    static func drawings(of image: Pixels, renderers: [(String, TextRendering)]) -> ([UInt8], [Drawing]) {
        var bytes = Escape.hideCursor.bytes + Escape.eraseScreen.bytes
        var placed: [Drawing] = []
        for (row, (name, text)) in renderers.enumerated() {
            for (column, colors) in ColorMode.allCases.enumerated() {
                let encoder = text.encoder(colors: colors)
                let box = encoder.pixelBox(for: slot)
                let thumbnail = ThumbnailFit.resample(image, box)
                let origin = CellPosition(row: row * (slot.rows + 1), column: column * (slot.columns + 2))
                bytes += encoder.encode(thumbnail, at: origin)
                let size = PixelSize(
                    width: thumbnail.width * slot.columns * cell.width / box.width,
                    height: thumbnail.height * slot.rows * cell.height / box.height)
                placed.append(Drawing(name: name, colors: colors, origin: origin, size: size))
            }
        }
        return (bytes, placed)
    }

    static func crop(_ shot: Pixels, _ drawing: Drawing) -> Pixels {
        var out = Pixels(width: drawing.size.width, height: drawing.size.height, filledWith: RGB(0, 0, 0))
        for y in 0..<drawing.size.height {
            for x in 0..<drawing.size.width {
                out[x, y] = shot[drawing.origin.column * cell.width + x, drawing.origin.row * cell.height + y]
            }
        }
        return out
    }

    @Test(
        .enabled(if: XTerminalSession.isAvailable(.xterm), Comment(rawValue: XTerminalSession.skipReason(.xterm))),
        .timeLimit(.minutes(5)))
    func defaultSymbolsBeatHalfBlocksAtEveryDepthInXterm() async throws {
        let renderers = [
            ("half", TextRendering(symbols: .half)),
            ("default", TextRendering(symbols: SymbolSet.preferred(environment: ["TERM": "xterm-256color"]))),
        ]
        var scores: [String: [Double]] = [:]
        for (index, path) in Self.sources.enumerated() {
            let image = try await Self.decode(path)
            let (bytes, placed) = Self.drawings(of: image, renderers: renderers)
            let last = try #require(placed.last)
            let shot = try XtermSixelTests.screenshot(
                of: bytes, name: "xterm-symbols-\(index)", columns: 3 * (Self.slot.columns + 2),
                rows: 2 * (Self.slot.rows + 1)
            ) { pixels in
                // Settled once the last drawing's first cell row is there.
                let y = last.origin.row * Self.cell.height + 6
                return (0..<last.size.width).contains { x in
                    pixels[last.origin.column * Self.cell.width + x, y] != RGB(0, 0, 0)
                }
            }
            for drawing in placed {
                let reference = Resampler.resample(image, to: drawing.size)
                let score = LumaSimilarity.ssim(reference, Self.crop(shot, drawing))
                scores["\(drawing.name) \(drawing.colors.rawValue)", default: []].append(score)
            }
        }
        print("SSIM per image: \(scores.sorted { $0.key < $1.key })")
        for colors in ColorMode.allCases {
            let mean = { (name: String) in
                let values = scores["\(name) \(colors.rawValue)", default: []]
                return values.reduce(0, +) / Double(max(1, values.count))
            }
            #expect(mean("default") > mean("half"), "\(colors): default \(mean("default")), half \(mean("half"))")
        }
    }
}
