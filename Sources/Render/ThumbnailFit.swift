public import Imaging

/// Where an image sits inside a thumbnail, and the shrink for images that do not fit.
///
/// The decoder is expected to deliver pixels that already fit the slot's pixel box. The screen still checks,
/// because bytes outside a slot's rectangle would garble its neighbours: an oversized image (say, after the
/// terminal shrank) is shrunk with Imaging's area-averaging `Resampler`.
public enum ThumbnailFit {
    /// A function that scales `pixels` to fit inside a box, keeping the aspect ratio.
    public typealias Resize = @Sendable (_ pixels: Pixels, _ box: PixelSize) -> Pixels

    /// `Resampler` into the largest same-aspect size inside `box`; an empty image or box gives an empty
    /// image, because the resampler (rightly) refuses empty sizes and an empty slot is the right outcome.
    public static let resample: Resize = { pixels, box in
        guard pixels.width > 0, pixels.height > 0, box.width > 0, box.height > 0 else {
            return Pixels(width: 0, height: 0, bytes: [])
        }
        let size = Resampler.fittingSize(of: PixelSize(width: pixels.width, height: pixels.height), in: box)
        return Resampler.resample(pixels, to: size)
    }

    /// The top-left cell that centres a `footprint` horizontally in `rect` and sits it on the rectangle's
    /// bottom edge, so the image stays right above its caption and a row of thumbnails shares a baseline.
    public static func origin(centering footprint: CellSize, in rect: CellRect) -> CellPosition {
        CellPosition(
            row: rect.origin.row + max(0, rect.size.rows - footprint.rows),
            column: rect.origin.column + max(0, (rect.size.columns - footprint.columns) / 2))
    }
}
