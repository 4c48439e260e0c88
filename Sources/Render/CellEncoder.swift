public import Imaging

/// Turns pixels into the bytes that draw them on a terminal, one protocol per conforming type.
///
/// The shape follows chafa's renderers (symbol, sixel, kitty, iTerm2): a pure function from pixels to bytes
/// that never touches the terminal, so the screen can put the result into a frame and a test can compare it
/// byte for byte. A pixel protocol (kitty, sixel) would report a `pixelBox` in real pixels; the half-block
/// encoder's pixels are half-cells.
public protocol CellEncoder: Sendable {
    /// The largest image, in pixels, that fits `cells`; the decoder and resampler fit thumbnails into it.
    func pixelBox(for cells: CellSize) -> PixelSize

    /// How many cells an image of `size` covers once drawn.
    func footprint(of size: PixelSize) -> CellSize

    /// Bytes that draw `pixels` with its top-left corner at `origin`, touching only the cells in
    /// `CellRect(origin: origin, size: footprint(of: …))`, and ending with attributes reset.
    func encode(_ pixels: Pixels, at origin: CellPosition) -> [UInt8]
}
