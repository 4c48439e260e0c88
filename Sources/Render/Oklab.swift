public import Imaging

/// Björn Ottosson's Oklab: a colour space where straight-line distance follows perceived difference, so the
/// symbol fit and the palette search measure error the way the eye does.
///
/// Conversions start from linear light (`SRGB.toLinear`), the space the resampler averages in.
/// - SeeAlso: <https://bottosson.github.io/posts/oklab/>
public enum Oklab {
    /// L, a, b for linear-light R, G, B in 0…1.
    @inline(__always)
    public static func fromLinear(_ r: Float, _ g: Float, _ b: Float) -> SIMD3<Float> {
        let l = cubeRoot(0.412_221_470_8 * r + 0.536_332_536_3 * g + 0.051_445_992_9 * b)
        let m = cubeRoot(0.211_903_498_2 * r + 0.680_699_545_1 * g + 0.107_396_956_6 * b)
        let s = cubeRoot(0.088_302_461_9 * r + 0.281_718_837_6 * g + 0.629_978_700_5 * b)
        return fromLMS(l, m, s)
    }

    /// `fromLinear` with one Newton step in each cube root instead of two: good to about 0.5 %, which is
    /// plenty to rank palette entries, at half the divisions.
    @inline(__always)
    static func roughlyFromLinear(_ r: Float, _ g: Float, _ b: Float) -> SIMD3<Float> {
        fromLMS(
            roughCubeRoot(0.412_221_470_8 * r + 0.536_332_536_3 * g + 0.051_445_992_9 * b),
            roughCubeRoot(0.211_903_498_2 * r + 0.680_699_545_1 * g + 0.107_396_956_6 * b),
            roughCubeRoot(0.088_302_461_9 * r + 0.281_718_837_6 * g + 0.629_978_700_5 * b))
    }

    /// `roughlyFromLinear` for R, G, B in the first three lanes, L, a, b in the first three lanes out: the
    /// three cone responses and their cube roots side by side in the lanes, each lane with the scalar code's
    /// operations in its order (a subtraction as the addition of a negated constant, which rounds the same), so
    /// the result is the same float for float at a third of the divisions.
    @inline(__always)
    static func roughlyFromLinear(_ rgb: SIMD4<Float>) -> SIMD4<Float> {
        let red = SIMD4<Float>(0.412_221_470_8, 0.211_903_498_2, 0.088_302_461_9, 0) * rgb.x
        let green = SIMD4<Float>(0.536_332_536_3, 0.680_699_545_1, 0.281_718_837_6, 0) * rgb.y
        let blue = SIMD4<Float>(0.051_445_992_9, 0.107_396_956_6, 0.629_978_700_5, 0) * rgb.z
        let roots = roughCubeRoots(red + green + blue)
        let l = SIMD4<Float>(0.210_454_255_3, 1.977_998_495_1, 0.025_904_037_1, 0) * roots.x
        let m = SIMD4<Float>(0.793_617_785_0, -2.428_592_205_0, 0.782_771_766_2, 0) * roots.y
        let s = SIMD4<Float>(-0.004_072_046_8, 0.450_593_709_9, -0.808_675_766_0, 0) * roots.z
        return l + m + s
    }

    /// `roughlyFromLinear` for four colours, one per lane: each lane goes through the lane version's
    /// operations in its order, so every lane is the same float as that colour's conversion there.
    @inline(__always)
    static func roughlyFromLinear(
        _ r: SIMD4<Float>, _ g: SIMD4<Float>, _ b: SIMD4<Float>
    ) -> (l: SIMD4<Float>, a: SIMD4<Float>, b: SIMD4<Float>) {
        let l = roughCubeRoots(0.412_221_470_8 * r + 0.536_332_536_3 * g + 0.051_445_992_9 * b)
        let m = roughCubeRoots(0.211_903_498_2 * r + 0.680_699_545_1 * g + 0.107_396_956_6 * b)
        let s = roughCubeRoots(0.088_302_461_9 * r + 0.281_718_837_6 * g + 0.629_978_700_5 * b)
        return (
            0.210_454_255_3 * l + 0.793_617_785_0 * m + -0.004_072_046_8 * s,
            1.977_998_495_1 * l + -2.428_592_205_0 * m + 0.450_593_709_9 * s,
            0.025_904_037_1 * l + 0.782_771_766_2 * m + -0.808_675_766_0 * s
        )
    }

    /// `roughCubeRoot` in every lane: the same bit-trick guess and one Newton step, lane by lane.
    @inline(__always)
    private static func roughCubeRoots(_ cones: SIMD4<Float>) -> SIMD4<Float> {
        let bits = unsafeBitCast(cones, to: SIMD4<UInt32>.self) / 3 &+ 709_921_077
        let guess = unsafeBitCast(bits, to: SIMD4<Float>.self)
        let step = cones / (guess * guess)
        var roots = (2 * guess + step) * (1 / 3)
        roots.replace(with: 0, where: .!(cones .> 1e-12))
        return roots
    }

    /// L, a, b from the cube roots of the cone responses.
    @inline(__always)
    static func fromLMS(_ l: Float, _ m: Float, _ s: Float) -> SIMD3<Float> {
        SIMD3(
            0.210_454_255_3 * l + 0.793_617_785_0 * m - 0.004_072_046_8 * s,
            1.977_998_495_1 * l - 2.428_592_205_0 * m + 0.450_593_709_9 * s,
            0.025_904_037_1 * l + 0.782_771_766_2 * m - 0.808_675_766_0 * s)
    }

    /// Oklab of an 8-bit sRGB colour.
    public static func from(_ colour: RGB) -> SIMD3<Float> {
        fromLinear(SRGB.toLinear[Int(colour.r)], SRGB.toLinear[Int(colour.g)], SRGB.toLinear[Int(colour.b)])
    }

    /// The cube root without libm: an exponent-dividing first guess refined by two Newton steps, which is
    /// exact to about one part in a million for the 0…1 values here and several times faster than `cbrtf`.
    @inline(__always)
    static func cubeRoot(_ x: Float) -> Float {
        guard x > 1e-12 else { return 0 }
        let y = roughCubeRoot(x)
        return (2 * y + x / (y * y)) * (1 / 3)
    }

    /// The exponent-dividing guess and one Newton step.
    @inline(__always)
    static func roughCubeRoot(_ x: Float) -> Float {
        guard x > 1e-12 else { return 0 }
        let y = Float(bitPattern: x.bitPattern / 3 &+ 709_921_077)
        return (2 * y + x / (y * y)) * (1 / 3)
    }
}
