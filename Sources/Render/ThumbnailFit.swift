public import Imaging

/// Where an image sits inside a thumbnail, and a last-resort shrink for images that do not fit.
///
/// The decoder and the resampler (in Imaging) are expected to deliver pixels that already fit the slot's
/// pixel box. The screen still checks, because bytes outside a slot's rectangle would garble its neighbours:
/// an oversized image (say, after the terminal shrank) is shrunk here by nearest neighbour, which is crude
/// but bounded and dependency-free. Pass a better `resize` to `GalleryScreen` to replace it.
public enum ThumbnailFit {
    /// A function that scales `pixels` to fit inside a box, keeping the aspect ratio.
    public typealias Resize = @Sendable (_ pixels: Pixels, _ box: PixelSize) -> Pixels

    /// The largest size with `size`'s aspect ratio that fits `box` (never larger than `size` itself).
    public static func fittedSize(_ size: PixelSize, in box: PixelSize) -> PixelSize {
        guard size.width > 0, size.height > 0, box.width > 0, box.height > 0 else {
            return PixelSize(width: 0, height: 0)
        }
        if size.width <= box.width && size.height <= box.height {
            return size
        }
        // Compare width/height ratios by cross-multiplying, which keeps this in integers.
        if size.width * box.height >= size.height * box.width {
            return PixelSize(width: box.width, height: max(1, size.height * box.width / size.width))
        }
        return PixelSize(width: max(1, size.width * box.height / size.height), height: box.height)
    }

    /// Nearest-neighbour shrink into `box`; returns `pixels` unchanged when it already fits.
    public static let nearestNeighbour: Resize = { pixels, box in
        let target = fittedSize(PixelSize(width: pixels.width, height: pixels.height), in: box)
        if target.width == pixels.width && target.height == pixels.height {
            return pixels
        }
        var bytes = [UInt8](repeating: 255, count: target.width * target.height * Pixels.bytesPerPixel)
        for y in 0..<target.height {
            let sourceY = y * pixels.height / target.height
            for x in 0..<target.width {
                let sourceX = x * pixels.width / target.width
                let from = (sourceY * pixels.width + sourceX) * Pixels.bytesPerPixel
                let to = (y * target.width + x) * Pixels.bytesPerPixel
                bytes[to] = pixels.bytes[from]
                bytes[to + 1] = pixels.bytes[from + 1]
                bytes[to + 2] = pixels.bytes[from + 2]
            }
        }
        return Pixels(width: target.width, height: target.height, bytes: bytes)
    }

    /// The top-left cell that centres a `footprint` horizontally in `rect` and sits it on the rectangle's
    /// bottom edge, so the image stays right above its caption and a row of thumbnails shares a baseline.
    public static func origin(centering footprint: CellSize, in rect: CellRect) -> CellPosition {
        CellPosition(
            row: rect.origin.row + max(0, rect.size.rows - footprint.rows),
            column: rect.origin.column + max(0, (rect.size.columns - footprint.columns) / 2))
    }
}
