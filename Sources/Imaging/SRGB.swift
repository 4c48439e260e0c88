#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sRGB transfer curve as lookup tables, so averaging can happen in linear light.
///
/// Averaging gamma-encoded values darkens fine bright detail: a one-pixel white line on black averaged over
/// four pixels gives 64 (a dark grey) instead of the 137 whose light output really is a quarter of white.
/// - SeeAlso: <https://www.w3.org/Graphics/Color/srgb> (IEC 61966-2-1)
public enum SRGB {
    /// Linear light (0…1) of each 8-bit sRGB code.
    public static let toLinear: [Float] = (0..<256).map { code in
        let v = Double(code) / 255
        return Float(v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4))
    }

    /// `thresholds[i]` is the linear value halfway (in sRGB terms) between codes i and i + 1: a linear value
    /// encodes to the number of thresholds it reaches.
    private static let thresholds: [Float] = (0..<255).map { code in
        let v = (Double(code) + 0.5) / 255
        return Float(v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4))
    }

    /// Resolution of the encoding table: fine enough that every code's own linear value encodes back to it.
    private static let encodeSteps = 16383

    /// The sRGB code for each of `encodeSteps + 1` evenly spaced linear values, found by binary search of
    /// the thresholds.
    private static let encodeTable: [UInt8] = (0...encodeSteps).map { step in
        let linear = Float(step) / Float(encodeSteps)
        var low = 0
        var high = thresholds.count
        while low < high {
            let mid = (low + high) >> 1
            if linear >= thresholds[mid] { low = mid + 1 } else { high = mid }
        }
        return UInt8(low)
    }

    /// The nearest 8-bit sRGB code for a linear value (clamped to 0…1).
    @inline(__always)
    public static func encode(_ linear: Float) -> UInt8 {
        let clamped = min(max(linear, 0), 1)
        return encodeTable[Int(clamped * Float(encodeSteps) + 0.5)]
    }
}
