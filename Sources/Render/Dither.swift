/// How the 256- and 16-colour modes spread the error of a colour the palette lacks, from `--dither`.
///
/// Both work per cell, because a cell is the smallest area that has its own two colours: a pattern finer than
/// a cell would be averaged away by the glyph fit.
public enum Dither: String, Sendable, CaseIterable {
    /// The nearest palette entry, every time: flat areas stay flat, gradients band.
    case none
    /// A 4×4 Bayer threshold per cell, added to lightness: a steady texture that does not crawl.
    case ordered
    /// Floyd–Steinberg between cells in linear light: each cell's error goes to the cells right of and below
    /// it, so the average colour over a few cells is right.
    case diffusion
}

/// The per-cell state of one dithered image, in cell raster order.
struct CellDither {
    let dither: Dither
    private let columns: Int
    /// Errors carried to this row's cells and the next row's, one spare entry at each end.
    private var current: [SIMD3<Float>]
    private var next: [SIMD3<Float>]

    /// The share of a cell's error passed on. All of it keeps the tone exact but, with cells as coarse as
    /// these, scatters isolated far-off colours that break up edges; part of it keeps most of the tone.
    static let damping: Float = 0.5

    private static let bayer: [Float] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5]

    init(_ dither: Dither, columns: Int) {
        self.dither = dither
        self.columns = columns
        current = Array(repeating: .zero, count: columns + 2)
        next = current
    }

    /// The error diffused into the cell at `column`.
    func carried(column: Int) -> SIMD3<Float> {
        dither == .diffusion ? current[column + 1] : .zero
    }

    /// The lightness offset, in units of the palette's step, for ordered dithering.
    func threshold(column: Int, row: Int) -> Float {
        guard dither == .ordered else { return 0 }
        return (Self.bayer[(row & 3) * 4 + (column & 3)] + 0.5) / 16 - 0.5
    }

    /// Passes a cell's error on to its unvisited neighbours.
    mutating func spread(_ fullError: SIMD3<Float>, column: Int) {
        guard dither == .diffusion else { return }
        let error = fullError * Self.damping
        current[column + 2] += error * (7 / 16)
        next[column] += error * (3 / 16)
        next[column + 1] += error * (5 / 16)
        next[column + 2] += error * (1 / 16)
    }

    mutating func endRow() {
        swap(&current, &next)
        for i in next.indices { next[i] = .zero }
    }
}
