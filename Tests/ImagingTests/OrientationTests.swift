import Imaging
import Testing

@Suite struct OrientationTests {
    /// Stored 2 wide × 3 high:
    ///     a b
    ///     c d
    ///     e f
    static let stored: Pixels = {
        var p = Pixels(width: 2, height: 3, filledWith: RGB(0, 0, 0))
        for (i, (x, y)) in [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2)].enumerated() {
            p[x, y] = RGB(UInt8(i + 1), 0, 0)
        }
        return p
    }()

    /// Upright rows, as letters.
    static func letters(_ p: Pixels) -> [String] {
        (0..<p.height).map { y in
            String((0..<p.width).map { x in Character(Unicode.Scalar(UInt8(96) + p[x, y].r)) })
        }
    }

    @Test(arguments: [
        (1, ["ab", "cd", "ef"]),
        (2, ["ba", "dc", "fe"]),
        (3, ["fe", "dc", "ba"]),
        (4, ["ef", "cd", "ab"]),
        (5, ["ace", "bdf"]),
        (6, ["eca", "fdb"]),
        (7, ["fdb", "eca"]),
        (8, ["bdf", "ace"]),
    ])
    func orientationMakesTheImageUpright(_ raw: Int, _ upright: [String]) throws {
        let orientation = try #require(ExifOrientation(rawValue: raw))
        let out = Self.stored.applying(orientation)
        #expect(Self.letters(out) == upright)
        #expect(
            PixelSize(width: out.width, height: out.height)
                == orientation.uprightSize(of: PixelSize(width: 2, height: 3)))
    }
}
