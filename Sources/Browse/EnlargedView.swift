public import Imaging
public import Render

/// The bytes of the enlarged view: one image alone on the alternate screen, and a status line under it. Pure.
///
/// The alternate screen keeps the sheet untouched on the main screen, so going back costs no redraw of the
/// thumbnails (the terminal keeps them), and the sheet stays in the scrollback after the run.
public enum EnlargedView {
    /// Draws `pixels` (decoded into `layout.pixelBox(for: encoder)`) centred, and `status` on the last row.
    /// `entering` switches to the alternate screen first; the next image (`n`, `p`) draws over the current one.
    /// `imageSlot` names the image for protocols that keep images by number (kitty): one past the sheet's slots,
    /// so it never replaces a thumbnail.
    public static func frame(
        _ pixels: Pixels, layout: EnlargedLayout, encoder: any CellEncoder, status: String, imageSlot: Int,
        entering: Bool
    ) -> [UInt8] {
        var frame: [UInt8] = []
        if entering { frame.append(.alternateScreenOn) }
        frame += encoder.erase(slot: imageSlot)
        frame.append(.resetAttributes)
        frame.append(.eraseScreen)
        let size = PixelSize(width: pixels.width, height: pixels.height)
        let box = layout.pixelBox(for: encoder)
        if size.width <= box.width, size.height <= box.height, size.width > 0, size.height > 0 {
            let placement = layout.placement(of: size, encoder: encoder)
            frame += encoder.encode(pixels, at: placement.origin, slot: imageSlot)
        }
        frame += statusLine(status, layout: layout)
        return frame
    }

    /// Replaces the status line only (a save's result, "fetching again…").
    public static func statusLine(_ text: String, layout: EnlargedLayout) -> [UInt8] {
        var frame: [UInt8] = []
        frame.append(.resetAttributes)
        frame.append(.cursorPosition(CellPosition(row: layout.statusRow, column: 0)))
        frame.append(.eraseLine)
        // Never the last column, where the cursor would wait to wrap.
        frame.append(contentsOf: DisplayWidth.ellipsize(Sanitizer.clean(text), toWidth: layout.window.columns - 1).utf8)
        return frame
    }

    /// Back to the sheet: the image freed (kitty) and the main screen, with the sheet as it was, back.
    public static func leaving(encoder: any CellEncoder, imageSlot: Int) -> [UInt8] {
        var frame = encoder.erase(slot: imageSlot)
        frame.append(.resetAttributes)
        frame.append(.alternateScreenOff)
        return frame
    }
}
