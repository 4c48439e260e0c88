public import Imaging

/// Turns pixels into the bytes that draw them on a terminal, one protocol per conforming type.
///
/// The shape follows chafa's renderers (symbol, sixel, kitty, iTerm2): a pure function from pixels to bytes
/// that never touches the terminal, so the screen can put the result into a frame and a test can compare it
/// byte for byte. A pixel protocol (kitty, sixel, iTerm2) reports a `pixelBox` in real pixels, from the cell
/// size in pixels it was made with (`CellPixels`); the half-block encoder's pixels are half-cells.
public protocol CellEncoder: Sendable {
    /// The largest image, in pixels, that fits `cells`; the decoder and resampler fit thumbnails into it.
    func pixelBox(for cells: CellSize) -> PixelSize

    /// How many cells an image of `size` covers once drawn.
    func footprint(of size: PixelSize) -> CellSize

    /// Bytes that draw `pixels` with its top-left corner at `origin`, touching only the cells in
    /// `CellRect(origin: origin, size: footprint(of: …))`, and ending with attributes reset.
    func encode(_ pixels: Pixels, at origin: CellPosition) -> [UInt8]

    /// The same drawing for a numbered slot, so a protocol whose images outlive the text under them (kitty)
    /// can give each slot its own image id and replace it in place. Defaults to `encode(_:at:)`.
    func encode(_ pixels: Pixels, at origin: CellPosition, slot: Int) -> [UInt8]

    /// Bytes that take slot `slot`'s image off the screen before its cells are reused (a placeholder after a
    /// relayout). Empty for protocols whose pixels live in the cells and go when text overwrites them.
    func erase(slot: Int) -> [UInt8]

    /// Bytes that take every image of slots `0..<slotCount` off the screen and free them: for an exit that
    /// does not keep the sheet, or before a full redraw. Empty for cell-bound protocols.
    func eraseAll(slotCount: Int) -> [UInt8]
}

extension CellEncoder {
    public func encode(_ pixels: Pixels, at origin: CellPosition, slot: Int) -> [UInt8] {
        encode(pixels, at: origin)
    }

    public func erase(slot: Int) -> [UInt8] { [] }

    public func eraseAll(slotCount: Int) -> [UInt8] { [] }
}
