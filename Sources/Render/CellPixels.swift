public import Imaging

/// The size of one character cell in screen pixels, which turns a slot's cells into a pixel box for the
/// pixel protocols (kitty, sixel, iTerm2).
///
/// Terminals report it through `CSI 16 t` or the `ws_xpixel`/`ws_ypixel` fields of `TIOCGWINSZ`
/// (`GraphicsDetection`); when neither answers, 10×20 is a typical monospace cell at 96 dpi.
public struct CellPixels: Sendable, Hashable {
    public var width: Int
    public var height: Int

    /// Sizes below 1 pixel (a terminal that reports zeros) become the fallback's, so no division by zero.
    public init(width: Int, height: Int) {
        self.width = width > 0 ? width : Self.fallback.width
        self.height = height > 0 ? height : Self.fallback.height
    }

    private init(fallbackWidth: Int, height: Int) {
        self.width = fallbackWidth
        self.height = height
    }

    /// Used when the terminal does not say.
    public static let fallback = CellPixels(fallbackWidth: 10, height: 20)

    /// Every pixel of `cells`.
    public func pixelBox(for cells: CellSize) -> PixelSize {
        PixelSize(width: max(0, cells.columns) * width, height: max(0, cells.rows) * height)
    }

    /// The cells an image of `size` pixels covers, partial cells counted whole.
    public func footprint(of size: PixelSize) -> CellSize {
        CellSize(
            columns: (max(0, size.width) + width - 1) / width,
            rows: (max(0, size.height) + height - 1) / height)
    }
}
