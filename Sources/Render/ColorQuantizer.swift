public import Imaging

/// Turns a linear-light colour into the closest colour a `ColorMode` can express, closest in Oklab.
///
/// 256 colours search the cube (16–231) and the grey ramp (232–255) only, like `XtermPalette.nearest256`:
/// entries 0–15 are rethemed too often to trust. 16 colours search the terminal's own palette.
public struct ColorQuantizer: Sendable {
    public let mode: ColorMode
    public let palette: TerminalPalette
    private let standardOklab: [SIMD3<Float>]
    private let standardLinear: [SIMD3<Float>]

    public init(mode: ColorMode, palette: TerminalPalette = .xterm) {
        self.mode = mode
        self.palette = palette
        standardOklab = palette.colours.map(Oklab.from)
        standardLinear = palette.colours.map(Self.linear)
    }

    /// How far ordered dithering moves lightness at most: about one palette step.
    var lightnessStep: Float { mode == .ansi16 ? 0.25 : 0.08 }

    /// The terminal colour for `linear` (R, G, B in 0…1) and the linear light it really shows.
    /// `lightnessShift` is added to the Oklab L of the target before the search (ordered dithering).
    func quantize(_ linear: SIMD3<Float>, lightnessShift: Float = 0) -> (TerminalColor, SIMD3<Float>) {
        let clamped = linear.clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 1))
        let code = RGB(SRGB.encode(clamped.x), SRGB.encode(clamped.y), SRGB.encode(clamped.z))
        switch mode {
        case .trueColor:
            return (.rgb(code), Self.linear(code))
        case .palette256:
            var target = Oklab.fromLinear(clamped.x, clamped.y, clamped.z)
            target.x += lightnessShift
            let index = Self.nearest256(to: target, around: code)
            return (.palette(index), Self.linear256[Int(index)])
        case .ansi16:
            var target = Oklab.fromLinear(clamped.x, clamped.y, clamped.z)
            target.x += lightnessShift
            let index = Self.nearest(to: target, in: standardOklab)
            return (.ansi(UInt8(index)), standardLinear[index])
        }
    }

    /// The palette index `quantize` picks for an sRGB colour, for callers outside the encoder.
    public func nearestIndex(to colour: RGB) -> UInt8 {
        let linear = Self.linear(colour)
        switch quantize(linear).0 {
        case .palette(let index), .ansi(let index): return index
        case .rgb: return 0
        }
    }

    static func linear(_ colour: RGB) -> SIMD3<Float> {
        SIMD3(SRGB.toLinear[Int(colour.r)], SRGB.toLinear[Int(colour.g)], SRGB.toLinear[Int(colour.b)])
    }

    private static let oklab256: [SIMD3<Float>] = (0..<256).map {
        Oklab.from(XtermPalette.rgb(ofPaletteIndex: UInt8($0)))
    }
    private static let linear256: [SIMD3<Float>] = (0..<256).map {
        linear(XtermPalette.rgb(ofPaletteIndex: UInt8($0)))
    }

    private static func nearest(to target: SIMD3<Float>, in entries: [SIMD3<Float>]) -> Int {
        var best = 0
        var bestDistance = Float.infinity
        for (index, entry) in entries.enumerated() {
            let d = target - entry
            let distance = (d * d).sum()
            if distance < bestDistance {
                best = index
                bestDistance = distance
            }
        }
        return best
    }

    /// The cube's two levels around each channel (eight corners) and the two greys around the mean: the
    /// nearest entry in Oklab is among them, and ten distances are far cheaper than 240.
    private static func nearest256(to target: SIMD3<Float>, around code: RGB) -> UInt8 {
        var best = 16
        var bestDistance = Float.infinity
        forEachCandidate256(around: code) { index in
            let d = target - oklab256[index]
            let distance = (d * d).sum()
            if distance < bestDistance {
                best = index
                bestDistance = distance
            }
        }
        return UInt8(best)
    }

    /// Calls `body` with the ten 256-colour entries nearest `code` in every sensible metric: the cube's eight
    /// corners around it and the two steps of the grey ramp around its mean, in index order.
    @inline(__always)
    static func forEachCandidate256(around code: RGB, _ body: (Int) -> Void) {
        let (cell, grey) = candidates256(around: code)
        for corner in 0..<8 { body(corner256(cell: cell, corner: corner)) }
        body(232 + grey)
        body(233 + grey)
    }

    /// The cube cell around `code`, `25 r + 5 g + b` for the lower of the two cube levels around each
    /// channel, and the grey step (0…22) whose two greys bracket its mean.
    @inline(__always)
    static func candidates256(around code: RGB) -> (cell: Int, grey: Int) {
        func lower(_ value: UInt8) -> Int { value < 95 ? 0 : min(4, (Int(value) - 95) / 40 + 1) }
        let mean = (Int(code.r) + Int(code.g) + Int(code.b)) / 3
        return (25 * lower(code.r) + 5 * lower(code.g) + lower(code.b), min(22, max(0, (mean - 8) / 10)))
    }

    /// Corner `corner` (bit 2 red, bit 1 green, bit 0 blue one level up) of cube cell `cell`.
    @inline(__always)
    static func corner256(cell: Int, corner: Int) -> Int {
        let (r, g, b) = (cell / 25, cell / 5 % 5, cell % 5)
        return 16 + 36 * (r + (corner >> 2)) + 6 * (g + ((corner >> 1) & 1)) + b + (corner & 1)
    }
}
