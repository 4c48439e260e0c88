public import Imaging

/// Draws an image with block and mosaic glyphs: for every cell, the glyph from `symbols` and the two colours
/// that reproduce its `Glyph.columns × Glyph.rows` samples best (`CellFitter`), then the colours brought to
/// the terminal's colour depth (`ColorQuantizer`), dithered between cells (`CellDither`).
///
/// A pure function from pixels to bytes like `HalfBlockEncoder`, whose row positioning and "send only what
/// changed" colours it shares; its pixel box asks the decoder for enough samples per cell to see edges inside
/// a cell, which half-blocks' two pixels cannot.
public struct SymbolEncoder: CellEncoder {
    public let symbols: SymbolSet
    public let quantizer: ColorQuantizer
    public let dither: Dither

    /// The palette the fit picks entries from directly, or nil (`FitPalette.init`); worked out here, once per
    /// encoder, rather than once per image.
    private let palette: FitPalette?

    public init(symbols: SymbolSet, quantizer: ColorQuantizer = ColorQuantizer(mode: .trueColor), dither: Dither) {
        self.symbols = symbols
        self.quantizer = quantizer
        // Truecolor needs no dithering, so it stays a pure function of each cell.
        self.dither = quantizer.mode == .trueColor ? .none : dither
        // Undithered palette entries depend on the cell alone, so glyph and entries can be chosen together.
        palette = FitPalette(quantizer, dither: self.dither)
    }

    public func pixelBox(for cells: CellSize) -> PixelSize {
        PixelSize(width: max(0, cells.columns) * Glyph.columns, height: max(0, cells.rows) * Glyph.rows)
    }

    public func footprint(of size: PixelSize) -> CellSize {
        CellSize(
            columns: (max(0, size.width) + Glyph.columns - 1) / Glyph.columns,
            rows: (max(0, size.height) + Glyph.rows - 1) / Glyph.rows)
    }

    public func encode(_ pixels: Pixels, at origin: CellPosition) -> [UInt8] {
        let cells = footprint(of: PixelSize(width: pixels.width, height: pixels.height))
        guard cells.columns > 0, cells.rows > 0 else { return [] }
        var fitter = CellFitter(symbols: symbols)
        var writer = CellWriter(
            capacity: cells.columns * cells.rows * 24 + cells.rows * 10, collapsesToSpace: symbols != .half)
        var dithering = CellDither(dither, columns: cells.columns)
        let size = PixelSize(width: pixels.width, height: pixels.height)
        pixels.bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<cells.rows {
                writer.startRow(at: CellPosition(row: origin.row + row, column: origin.column))
                for column in 0..<cells.columns {
                    let (left, top) = (column * Glyph.columns, row * Glyph.rows)
                    if let palette {
                        let fit = fitter.fitPalette(bytes, size: size, left: left, top: top, palette: palette)
                        writer.cell(
                            fitter.glyphs[fit.glyph].utf8, ink: palette.colour(fit.ink),
                            paper: palette.colour(fit.paper))
                        continue
                    }
                    let fit = fitter.fit(bytes, size: size, left: left, top: top)
                    let (ink, paper) = paint(fit, column: column, row: row, dithering: &dithering)
                    writer.cell(fitter.glyphs[fit.glyph].utf8, ink: ink, paper: paper)
                }
                dithering.endRow()
            }
        }
        return writer.finish()
    }

    /// The cell's two colours at the terminal's depth, with the error dithering carries in and passes on.
    private func paint(
        _ fit: CellFit, column: Int, row: Int, dithering: inout CellDither
    ) -> (ink: TerminalColor, paper: TerminalColor) {
        let carried = dithering.carried(column: column)
        let shift = dithering.threshold(column: column, row: row) * quantizer.lightnessStep
        let paperTarget = (fit.paper + carried).clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 1))
        let (paper, paperShown) = quantizer.quantize(paperTarget, lightnessShift: shift)
        guard fit.inkCount > 0 else {
            dithering.spread(paperTarget - paperShown, column: column)
            return (paper, paper)
        }
        let inkTarget = (fit.ink + carried).clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 1))
        let (ink, inkShown) = quantizer.quantize(inkTarget, lightnessShift: shift)
        let inkShare = Float(fit.inkCount) / CellFitter.samples
        dithering.spread(
            (inkTarget - inkShown) * inkShare + (paperTarget - paperShown) * (1 - inkShare), column: column)
        return (ink, paper)
    }
}
