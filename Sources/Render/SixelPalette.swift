public import Imaging

/// A palette of at most `maximumColors` entries for an image, and each pixel's index into it.
///
/// Sixel terminals have a fixed number of colour registers (16 on a real VT340, 256 on most emulators),
/// so an image has to be quantized to fit. An image with few enough distinct colours keeps them exactly;
/// otherwise median cut splits the colour cloud, always cutting the box with the widest channel range at
/// the pixel-weighted median, and each pixel takes the nearest of the boxes' mean colours. Everything is
/// integer arithmetic with ties broken by the packed colour value, so the result is deterministic.
/// - SeeAlso: Heckbert, "Color Image Quantization for Frame Buffer Display", SIGGRAPH 1982.
public struct SixelPalette: Sendable, Equatable {
    /// The colours, in register order.
    public let colors: [RGB]
    /// One palette index per pixel, row after row.
    public let indices: [UInt16]

    public init(_ pixels: Pixels, maximumColors: Int) {
        let limit = max(1, maximumColors)
        let histogram = Self.histogram(pixels)
        var colors: [RGB]
        var lookup: [UInt32: UInt16] = [:]
        if histogram.count <= limit {
            colors = histogram.map { Self.unpack($0.color) }
            for (index, entry) in histogram.enumerated() {
                lookup[entry.color] = UInt16(index)
            }
        } else {
            colors = Self.medianCut(histogram, into: limit)
            for entry in histogram {
                lookup[entry.color] = Self.nearest(Self.unpack(entry.color), in: colors)
            }
        }
        var indices: [UInt16] = []
        indices.reserveCapacity(pixels.width * pixels.height)
        for i in stride(from: 0, to: pixels.bytes.count, by: Pixels.bytesPerPixel) {
            indices.append(lookup[Self.pack(pixels.bytes, at: i)] ?? 0)
        }
        self.colors = colors
        self.indices = indices
    }

    struct Entry {
        var color: UInt32
        var count: Int
    }

    /// Distinct colours in order of first appearance, with how many pixels have each.
    static func histogram(_ pixels: Pixels) -> [Entry] {
        var position: [UInt32: Int] = [:]
        var entries: [Entry] = []
        for i in stride(from: 0, to: pixels.bytes.count, by: Pixels.bytesPerPixel) {
            let color = pack(pixels.bytes, at: i)
            if let index = position[color] {
                entries[index].count += 1
            } else {
                position[color] = entries.count
                entries.append(Entry(color: color, count: 1))
            }
        }
        return entries
    }

    static func pack(_ bytes: [UInt8], at i: Int) -> UInt32 {
        UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
    }

    static func unpack(_ color: UInt32) -> RGB {
        RGB(UInt8(color >> 16 & 0xff), UInt8(color >> 8 & 0xff), UInt8(color & 0xff))
    }

    static func channel(_ color: UInt32, _ axis: Int) -> Int {
        Int(color >> UInt32(16 - 8 * axis) & 0xff)
    }

    /// Splits the colours into at most `count` boxes and returns each box's pixel-weighted mean.
    static func medianCut(_ entries: [Entry], into count: Int) -> [RGB] {
        var boxes: [Box] = [Box(entries)]
        while boxes.count < count {
            // The box with the widest range on any channel; a single-colour box has range 0 and is never cut.
            var widest = 0
            for index in boxes.indices where boxes[index].range > boxes[widest].range {
                widest = index
            }
            guard boxes[widest].range > 0 else { break }
            let axis = boxes[widest].axis
            let sorted = boxes[widest].entries.sorted {
                let a = channel($0.color, axis)
                let b = channel($1.color, axis)
                return a != b ? a < b : $0.color < $1.color
            }
            // Cut where half the pixels are on each side, keeping at least one colour in each half.
            let total = sorted.reduce(0) { $0 + $1.count }
            var running = 0
            var cut = 1
            for (index, entry) in sorted.enumerated() {
                running += entry.count
                if running * 2 >= total {
                    cut = index + 1
                    break
                }
            }
            cut = min(max(cut, 1), sorted.count - 1)
            boxes[widest] = Box(Array(sorted[..<cut]))
            boxes.append(Box(Array(sorted[cut...])))
        }
        return boxes.map(\.entries).map { box in
            var sums = (0, 0, 0)
            var total = 0
            for entry in box {
                sums.0 += channel(entry.color, 0) * entry.count
                sums.1 += channel(entry.color, 1) * entry.count
                sums.2 += channel(entry.color, 2) * entry.count
                total += entry.count
            }
            let half = total / 2
            return RGB(UInt8((sums.0 + half) / total), UInt8((sums.1 + half) / total), UInt8((sums.2 + half) / total))
        }
    }

    /// A box of colours with its widest channel, measured once when the box is made.
    struct Box {
        var entries: [Entry]
        var axis = 0
        var range = 0

        init(_ entries: [Entry]) {
            self.entries = entries
            var low = [255, 255, 255]
            var high = [0, 0, 0]
            for entry in entries {
                for axis in 0..<3 {
                    let value = SixelPalette.channel(entry.color, axis)
                    low[axis] = min(low[axis], value)
                    high[axis] = max(high[axis], value)
                }
            }
            for axis in 0..<3 where high[axis] - low[axis] > range {
                self.axis = axis
                range = high[axis] - low[axis]
            }
        }
    }

    /// The index of the palette entry closest to `color` (squared sRGB distance; the first on ties).
    static func nearest(_ color: RGB, in palette: [RGB]) -> UInt16 {
        var best = 0
        var bestDistance = Int.max
        for (index, candidate) in palette.enumerated() {
            let dr = Int(color.r) - Int(candidate.r)
            let dg = Int(color.g) - Int(candidate.g)
            let db = Int(color.b) - Int(candidate.b)
            let distance = dr * dr + dg * dg + db * db
            if distance < bestDistance {
                best = index
                bestDistance = distance
            }
        }
        return UInt16(best)
    }
}
