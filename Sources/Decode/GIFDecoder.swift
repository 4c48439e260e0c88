import GIFShim
import Imaging

/// Decodes the first frame of one GIF into an upright thumbnail that fits a pixel box.
///
/// Wraps the C shim's `gallery_gif_decoder` (GIFShim.h). giflib cannot suspend, so the shim holds the bytes until
/// the first frame's data is complete (`DecodeLimits.maxHeldFrame` at most) and decodes it then; everything after
/// is accepted and dropped, so an animation downloads whole and a broken later frame still shows the first. Canvas
/// rows (interlaced frames deliver them out of order) are summed into the thumbnail by a `SparseResampler`, the
/// transparent index shown over the `Checkerboard`.
///
/// Not Sendable: the giflib state inside may be used by one thread at a time.
public final class GIFDecoder: ImageDecoder {
    public let box: PixelSize
    public let limits: DecodeLimits
    public var expectedBytes: Int?
    /// Bytes fed so far.
    public var bytesFed: Int { ledger.bytesFed }

    private var decoder: OpaquePointer?
    private let ledger = DecodeLedger(.gif)
    private var sparse: SparseResampler?
    private var checkerboard: Checkerboard?
    private var scratch: [UInt8] = []

    public init(fitting box: PixelSize, limits: DecodeLimits = .default, expectedBytes: Int? = nil) {
        self.box = box
        self.limits = limits
        self.expectedBytes = expectedBytes
        var options = gallery_gif_options(
            max_pixels: UInt64(clamping: limits.maxPixels), max_held: UInt64(clamping: limits.maxHeldFrame))
        decoder = gallery_gif_decoder_create(&options)
    }

    deinit { gallery_gif_decoder_destroy(decoder) }

    /// The canvas size, once the header has been read.
    public var imageSize: PixelSize? {
        var info = gallery_gif_info()
        guard gallery_gif_decoder_info(decoder, &info) == 1 else { return nil }
        return PixelSize(width: Int(info.width), height: Int(info.height))
    }

    /// Bytes held until the first frame is complete.
    public var bytesHeld: Int {
        var info = gallery_gif_info()
        _ = gallery_gif_decoder_info(decoder, &info)
        return Int(info.bytes_held)
    }

    /// Holds `chunk` until the first frame is complete, then decodes that frame band by band.
    public func feed(_ chunk: UnsafeRawBufferPointer) async throws(DecodeError) {
        try ledger.admit(chunk.count)
        guard let decoder else { throw fail(.memoryLimit(.gif, reason: "cannot allocate a decoder")) }
        var status = gallery_gif_decoder_feed(
            decoder, chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count)
        while status == GALLERY_GIF_ROWS_READY {
            takeRows()
            await Task.yield()
            status = gallery_gif_decoder_feed(decoder, nil, 0)
        }
        if status == GALLERY_GIF_ERROR { throw fail(shimError()) }
    }

    public func finish() throws(DecodeError) -> Thumbnail {
        try ledger.close()
        var status = gallery_gif_decoder_finish(decoder)
        while status == GALLERY_GIF_ROWS_READY {
            takeRows()
            status = gallery_gif_decoder_finish(decoder)
        }
        guard status == GALLERY_GIF_DONE, let size = imageSize, let sparse,
            sparse.pixelsAdded == size.width * size.height
        else { throw fail(shimError()) }
        gallery_gif_decoder_destroy(decoder)
        decoder = nil
        return Thumbnail(pixels: sparse.finish(), imageSize: size, format: .gif)
    }

    /// Moves the band's canvas rows into the thumbnail.
    private func takeRows() {
        var ys: UnsafePointer<UInt32>?
        var count: UInt32 = 0
        guard let band = gallery_gif_decoder_band(decoder, &ys, &count), let ys, count > 0, let size = imageSize
        else { return }
        if sparse == nil {
            var info = gallery_gif_info()
            _ = gallery_gif_decoder_info(decoder, &info)
            let target = storedThumbnailSize(of: size, turned: .up, fitting: box)
            sparse = SparseResampler(from: size, to: target)
            if info.has_transparency != 0 { checkerboard = Checkerboard(source: size, thumbnail: target) }
        }
        let rowBytes = size.width * 4
        if scratch.count < rowBytes { scratch = [UInt8](repeating: 0, count: rowBytes) }
        scratch.withUnsafeMutableBufferPointer { buffer in
            guard let row = buffer.baseAddress else { return }
            for index in 0..<Int(count) {
                row.update(from: band + index * rowBytes, count: rowBytes)
                checkerboard?.composite(row, count: size.width, y: Int(ys[index]))
                sparse?.add(row, count: size.width, y: Int(ys[index]))
            }
        }
        gallery_gif_decoder_release_band(decoder)
    }

    private func shimError() -> DecodeError {
        let message = String(cString: gallery_gif_decoder_error_message(decoder))
        switch gallery_gif_decoder_error_kind(decoder) {
        case GALLERY_GIF_ERROR_TRUNCATED:
            return .truncated(.gif, got: bytesFed, expected: expectedBytes)
        case GALLERY_GIF_ERROR_TOO_LARGE:
            let size = imageSize ?? PixelSize(width: 0, height: 0)
            return .tooLarge(.gif, width: size.width, height: size.height, maxPixels: limits.maxPixels)
        case GALLERY_GIF_ERROR_MEMORY_LIMIT:
            return .memoryLimit(.gif, reason: message)
        default:
            return .corrupt(.gif, reason: message.isEmpty ? "unreadable data" : message)
        }
    }

    private func fail(_ error: DecodeError) -> DecodeError { ledger.fail(error) }
}

@available(*, unavailable)
extension GIFDecoder: Sendable {}
