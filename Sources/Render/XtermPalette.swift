public import Imaging

/// Nearest-colour lookups in xterm's standard palettes, for terminals without 24-bit colour.
///
/// Distances are plain squared differences in sRGB: good enough for thumbnails, and deterministic, so the
/// golden-byte tests do not depend on floating point.
public enum XtermPalette {
    /// The six channel levels of the 6×6×6 cube at indices 16–231.
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// xterm's default values for the 16 standard colours. Users often retheme these, which is why
    /// `nearest256` never picks indices 0–15: the cube and the grey ramp look the same everywhere.
    public static let standard16: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    /// The RGB value xterm shows for a 256-palette index.
    public static func rgb(ofPaletteIndex index: UInt8) -> RGB {
        let i = Int(index)
        switch i {
        case 0..<16:
            return standard16[i]
        case 16..<232:
            let cube = i - 16
            return RGB(
                UInt8(cubeLevels[cube / 36]), UInt8(cubeLevels[(cube / 6) % 6]), UInt8(cubeLevels[cube % 6]))
        default:
            let grey = UInt8(8 + 10 * (i - 232))
            return RGB(grey, grey, grey)
        }
    }

    /// The closest of the cube (16–231) and grey ramp (232–255) entries.
    public static func nearest256(to colour: RGB) -> UInt8 {
        let r = nearestCubeLevel(colour.r)
        let g = nearestCubeLevel(colour.g)
        let b = nearestCubeLevel(colour.b)
        let cubeIndex = UInt8(16 + 36 * r + 6 * g + b)

        let mean = (Int(colour.r) + Int(colour.g) + Int(colour.b)) / 3
        // Greys run 8, 18, …, 238; clamp so the ends map to the first and last step.
        let greyStep = Swift.min(23, Swift.max(0, (mean - 8 + 5) / 10))
        let greyIndex = UInt8(232 + greyStep)

        let cubeDistance = distance(colour, rgb(ofPaletteIndex: cubeIndex))
        let greyDistance = distance(colour, rgb(ofPaletteIndex: greyIndex))
        return greyDistance < cubeDistance ? greyIndex : cubeIndex
    }

    /// The closest of the 16 standard colours, by xterm's default values.
    public static func nearest16(to colour: RGB) -> UInt8 {
        var best = 0
        var bestDistance = Int.max
        for (index, candidate) in standard16.enumerated() {
            let d = distance(colour, candidate)
            if d < bestDistance {
                best = index
                bestDistance = d
            }
        }
        return UInt8(best)
    }

    private static func nearestCubeLevel(_ value: UInt8) -> Int {
        let target = Int(value)
        return cubeLevels.indices.min { abs(cubeLevels[$0] - target) < abs(cubeLevels[$1] - target) } ?? 0
    }

    private static func distance(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.r) - Int(b.r)
        let dg = Int(a.g) - Int(b.g)
        let db = Int(a.b) - Int(b.b)
        return dr * dr + dg * dg + db * db
    }
}
