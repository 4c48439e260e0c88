import DemoJPEGEncoder
import Selection

#if canImport(Glibc)
    import Glibc
#endif

/// The demo's large photo-like JPEGs: 6000×4000 or a little more, each 15.0–15.6 MB, each a different
/// seeded landscape (sky gradient, sun or moon, layered ridges, a texture tile and fine grain).
///
/// Rows are generated and handed to libjpeg 16 at a time, so memory stays at a few rows plus the tables.
/// File size is steered by the amplitude of the grain: a 1-in-16 row sample is encoded first to estimate it,
/// and a full encode outside the band is corrected once from its measured size.
enum DemoImages {
    static let minBytes = 15_000_000
    static let maxBytes = 15_600_000

    /// Ten plausible names; some need percent-encoding in a URL (parentheses, commas, an apostrophe).
    static let names = [
        "Airship_(ZRS-4)_over_the_bay,_1932.jpg",
        "Aurora_over_Lake_Inari.jpg",
        "Coral_reef_(Great_Barrier),_aerial.jpg",
        "Desert_dunes_at_dawn.jpg",
        "Meadow_mushrooms_(Agaricus_campestris).jpg",
        "Harbour_lights,_Valletta.jpg",
        "Saint_Michael's_Mount_at_low_tide.jpg",
        "Lavender_fields,_Valensole_(2019).jpg",
        "Night_market_lanterns.jpg",
        "Tidal_pools_at_Point_Lobos.jpg",
    ]

    static func name(_ index: Int) -> String {
        let base = names[index % names.count]
        guard index >= names.count else { return base }
        return String(base.dropLast(4)) + "_\(index / names.count + 1).jpg"
    }

    struct Spec {
        let index: Int
        let width: Int
        let height: Int
        let targetBytes: Int
        let seed: UInt64
    }

    static func spec(_ index: Int) -> Spec {
        Spec(
            index: index, width: 6000 + 16 * (index % 5), height: 4000 + 8 * (index % 3),
            targetBytes: 15_080_000 + (index % 10) * 45_000, seed: 0x6A11_E27 &+ UInt64(index) &* 0x9E37_79B9)
    }

    /// Writes image `index` to `path` (through `path.tmp`, renamed at the end) and returns its size.
    static func write(_ spec: Spec, to path: String) throws -> Int {
        let scene = Scene(spec)
        let temp = path + ".tmp"
        defer { unlink(temp) }
        // Estimate grain from a sample of rows, then correct once from a full encode if needed.
        var grain = 40.0
        let sampleRows = stride(from: 0, to: spec.height - 15, by: 256).flatMap { $0..<($0 + 16) }
        for _ in 0..<3 {
            let sample = try encode(scene, rows: sampleRows, grain: grain, to: temp)
            let estimate = Double(sample) * Double(spec.height) / Double(sampleRows.count)
            grain = adjusted(grain, size: estimate, target: spec.targetBytes)
            if abs(estimate - Double(spec.targetBytes)) < 40_000 { break }
        }
        var size = 0
        for _ in 0..<3 {
            size = try encode(scene, rows: Array(0..<spec.height), grain: grain, to: temp)
            if size >= minBytes && size <= maxBytes { break }
            grain = adjusted(grain, size: Double(size), target: spec.targetBytes)
        }
        guard size >= minBytes && size <= maxBytes else {
            throw WriteFailure(description: "\(path): could not reach the size band (\(size) bytes)")
        }
        guard rename(temp, path) == 0 else { throw WriteFailure(description: "cannot rename \(temp)") }
        return size
    }

    /// Size grows roughly with the log of the grain amplitude; step along that.
    private static func adjusted(_ grain: Double, size: Double, target: Int) -> Double {
        let ratio = Double(target) / size
        return max(2, min(120, grain * pow(ratio, 2.2)))
    }

    private static func encode(_ scene: Scene, rows: [Int], grain: Double, to path: String) throws -> Int {
        var options = demo_jpeg_encode_options.rgb(width: scene.width, height: rows.count)
        options.quality = 92
        let writer = try JPEGWriter(path: path, options: options)
        let batch = 16
        var buffer = [UInt8](repeating: 0, count: scene.width * 3 * batch)
        var start = 0
        while start < rows.count {
            let n = min(batch, rows.count - start)
            buffer.withUnsafeMutableBufferPointer { out in
                for i in 0..<n { scene.render(row: rows[start + i], grain: grain, into: out, at: i * scene.width * 3) }
            }
            try buffer.withUnsafeBufferPointer {
                try writer.write(UnsafeBufferPointer(rebasing: $0.prefix(n * scene.width * 3)))
            }
            start += n
        }
        try writer.finish()
        var info = stat()
        guard stat(path, &info) == 0 else { throw WriteFailure(description: "cannot stat \(path)") }
        return Int(info.st_size)
    }
}

/// One seeded landscape. Everything per-pixel is a table lookup or a few integer operations.
struct Scene {
    let width: Int
    let height: Int
    let seed: UInt64
    /// Sky colour per row (RGB).
    private let sky: [(Float, Float, Float)]
    /// Height of each ridge per column, nearest ridge last.
    private let ridges: [[Int32]]
    private let ridgeColours: [(Float, Float, Float)]
    /// A 256×256 texture tile (signed, −64…64), different per scene.
    private let tile: [Int8]
    private let sun: (x: Float, y: Float, r: Float, colour: (Float, Float, Float))

    init(_ spec: DemoImages.Spec) {
        width = spec.width
        height = spec.height
        seed = spec.seed
        var rng = SplitMix64(seed: spec.seed)
        let hue = rng.unit()
        let top = hsv(hue, rng.range(0.5, 0.9), rng.range(0.35, 0.7))
        let horizon = hsv(hue + rng.range(0.08, 0.3), rng.range(0.3, 0.7), rng.range(0.85, 1))
        sky = (0..<spec.height).map { y in
            let t = Float(y) / Float(spec.height)
            return mix(top, horizon, min(1, t * 1.6))
        }
        let ridgeCount = 4
        var ridges: [[Int32]] = []
        var colours: [(Float, Float, Float)] = []
        for layer in 0..<ridgeCount {
            let base = Double(spec.height) * (0.45 + 0.12 * Double(layer))
            let amplitude = Double(spec.height) * rng.range(0.04, 0.12)
            let waves = (0..<5).map { _ in (rng.range(1, 14), rng.range(0, 6.3), rng.range(0.2, 1)) }
            ridges.append(
                (0..<spec.width).map { x in
                    let u = Double(x) / Double(spec.width) * 2 * Double.pi
                    var h = 0.0
                    for (f, p, a) in waves { h += a * sin(u * f + p) }
                    return Int32(base + amplitude * h / 2.5)
                })
            let depth = Double(layer) / Double(ridgeCount - 1)
            colours.append(hsv(hue + 0.45 + rng.range(-0.1, 0.1), 0.35 + 0.4 * depth, 0.75 - 0.45 * depth))
        }
        self.ridges = ridges
        ridgeColours = colours
        let fa = rng.range(0.05, 0.3)
        let fb = rng.range(0.05, 0.3)
        let fc = rng.range(0.02, 0.1)
        tile = (0..<(256 * 256)).map { i in
            let x = Double(i & 255)
            let y = Double(i >> 8)
            return Int8(40 * sin(x * fa + 3 * sin(y * fc)) * cos(y * fb + 2 * sin(x * fc)))
        }
        sun = (
            Float(rng.range(0.15, 0.85)) * Float(spec.width), Float(rng.range(0.12, 0.35)) * Float(spec.height),
            Float(rng.range(0.05, 0.12)) * Float(spec.height), hsv(hue + 0.1, 0.25, 1)
        )
    }

    /// Renders row `y` as RGB into `out[offset...]`, with grain of the given amplitude.
    func render(row y: Int, grain: Double, into out: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var rng = SplitMix64(seed: seed ^ (UInt64(y) &* 0xD6E8_FEB8_6659_FD93))
        let g = Int32(max(1, grain * 2))
        let (sr, sg, sb) = sky[y]
        let dy = Float(y) - sun.y
        let halfChord = sun.r * sun.r - dy * dy
        let sunFrom = halfChord > 0 ? max(0, Int(sun.x - halfChord.squareRoot())) : width
        let sunTo = halfChord > 0 ? min(width - 1, Int(sun.x + halfChord.squareRoot())) : -1
        let tileRow = (y & 255) << 8
        let y32 = Int32(y)
        tile.withUnsafeBufferPointer { tile in
            for x in 0..<width {
                var r = sr
                var gg = sg
                var b = sb
                if x >= sunFrom && x <= sunTo { (r, gg, b) = sun.colour }
                var shade: Float = 0
                for layer in stride(from: ridges.count - 1, through: 0, by: -1) where y32 >= ridges[layer][x] {
                    let c = ridgeColours[layer]
                    shade = Float(y32 - ridges[layer][x]) / Float(height)
                    (r, gg, b) = (c.0 * (1 - shade), c.1 * (1 - shade), c.2 * (1 - shade))
                    break
                }
                let t = Int32(tile[tileRow | (x & 255)])
                let noise = rng.next()
                let n0 = Int32(truncatingIfNeeded: noise & 0xFF) - 128
                let n1 = Int32(truncatingIfNeeded: (noise >> 8) & 0xFF) - 128
                let n2 = Int32(truncatingIfNeeded: (noise >> 16) & 0xFF) - 128
                let luma = t + (n0 * g) >> 8
                let i = offset + x * 3
                out[i] = clamp8(Int32(r * 255) + luma + (n1 * g) >> 10)
                out[i + 1] = clamp8(Int32(gg * 255) + luma)
                out[i + 2] = clamp8(Int32(b * 255) + luma + (n2 * g) >> 10)
            }
        }
    }
}

@inline(__always)
private func clamp8(_ v: Int32) -> UInt8 { UInt8(truncatingIfNeeded: max(0, min(255, v))) }

private func mix(_ a: (Float, Float, Float), _ b: (Float, Float, Float), _ t: Float) -> (Float, Float, Float) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, a.2 + (b.2 - a.2) * t)
}

/// HSV (hue wraps) to RGB in 0…1.
private func hsv(_ h: Double, _ s: Double, _ v: Double) -> (Float, Float, Float) {
    let hue = (h - h.rounded(.down)) * 6
    let i = Int(hue) % 6
    let f = hue - Double(Int(hue))
    let p = v * (1 - s)
    let q = v * (1 - s * f)
    let t = v * (1 - s * (1 - f))
    let (r, g, b): (Double, Double, Double) =
        switch i {
        case 0: (v, t, p)
        case 1: (q, v, p)
        case 2: (p, v, t)
        case 3: (p, q, v)
        case 4: (t, p, v)
        default: (v, p, q)
        }
    return (Float(r), Float(g), Float(b))
}
