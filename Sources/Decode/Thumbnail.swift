import Imaging

/// A decoded, upright thumbnail.
public struct Thumbnail: Sendable, Equatable {
    /// Upright pixels that fit inside the box the decoder was given (never larger than the image).
    public var pixels: Pixels
    /// The full image's size, upright (e.g. 4000×6000 for a portrait photo stored as 6000×4000 with EXIF
    /// orientation 6): what a caption shows.
    public var imageSize: PixelSize
    /// The format the image was decoded from (`format.name` is what `--json` reports).
    public var format: ImageFormat

    public init(pixels: Pixels, imageSize: PixelSize, format: ImageFormat = .jpeg) {
        self.pixels = pixels
        self.imageSize = imageSize
        self.format = format
    }
}
