/// Guards applied to every image before anything large is allocated.
public struct DecodeLimits: Sendable, Hashable {
    /// Images with more pixels fail with `DecodeError.tooLarge`: a guard against decompression bombs, checked on the
    /// header before any pixel buffer exists. No option changes it; tests lower it.
    public var maxPixels: Int
    /// libjpeg's `max_memory_to_use` for one decode; a progressive image whose coefficient buffer does not
    /// fit fails with `DecodeError.memoryLimit`.
    public var maxMemory: Int
    /// A multi-scan (progressive) image whose coefficient buffer is larger than this waits for
    /// `LargeDecodeGate.shared` before decoding, so only one such buffer exists at a time.
    public var exclusiveAbove: Int

    /// An animation's first frame (GIF, WebP) is held whole until it has all arrived, as neither giflib nor
    /// libwebp's incremental decoder can decode one frame of an animation as it arrives. A larger first frame
    /// fails with `DecodeError.memoryLimit`.
    public var maxHeldFrame: Int

    public init(
        maxPixels: Int = 400_000_000, maxMemory: Int = 256 << 20, exclusiveAbove: Int = 16 << 20,
        maxHeldFrame: Int = 32 << 20
    ) {
        self.maxPixels = maxPixels
        self.maxMemory = maxMemory
        self.exclusiveAbove = exclusiveAbove
        self.maxHeldFrame = maxHeldFrame
    }

    public static let `default` = DecodeLimits()
}
