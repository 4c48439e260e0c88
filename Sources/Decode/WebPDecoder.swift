import Imaging
import WebPShim

/// Decodes one WebP while its bytes arrive, into an upright thumbnail that fits a pixel box.
///
/// Wraps the C shim's `gallery_webp_decoder` (WebPShim.h): libwebp's incremental decoder, asked for output
/// already scaled to at most twice the thumbnail (its rescaler averages in gamma space, so the last 2:1 step is
/// left to a `RowResampler`, which averages in linear light like every other format). Lossy, lossless and alpha
/// are supported; an animation shows its first frame over a transparent canvas (the background colour is ignored,
/// see WebPShim.h) and the rest of the file is accepted but not decoded. A
/// lossless image is held whole inside libwebp while it decodes, so a large one takes `LargeDecodeGate` first.
/// The EXIF chunk follows the image data, so its orientation turns the finished thumbnail.
///
/// Not Sendable: the libwebp state inside may be used by one thread at a time.
public final class WebPDecoder: ImageDecoder {
    public let box: PixelSize
    public let limits: DecodeLimits
    public var expectedBytes: Int?
    /// Bytes fed so far.
    public var bytesFed: Int { ledger.bytesFed }

    private var decoder: OpaquePointer?
    private let ledger: DecodeLedger
    private var resampler: RowResampler?
    private var checkerboard: Checkerboard?
    private var scratch: [UInt8] = []

    public init(
        fitting box: PixelSize, limits: DecodeLimits = .default, expectedBytes: Int? = nil,
        gate: LargeDecodeGate = .shared
    ) {
        self.box = box
        self.limits = limits
        self.expectedBytes = expectedBytes
        ledger = DecodeLedger(.webp, gate: gate)
        var options = gallery_webp_options(
            max_pixels: UInt64(clamping: limits.maxPixels), max_held: UInt64(clamping: limits.maxHeldFrame))
        decoder = gallery_webp_decoder_create(&options)
    }

    deinit { gallery_webp_decoder_destroy(decoder) }

    /// The canvas size as stored, once the header has been read.
    public var imageSize: PixelSize? { info.map { PixelSize(width: Int($0.width), height: Int($0.height)) } }

    /// The size libwebp decodes to, once decoding has started.
    public var decodedSize: PixelSize? {
        guard let info, info.output_width > 0 else { return nil }
        return PixelSize(width: Int(info.output_width), height: Int(info.output_height))
    }

    /// Rows of `decodedSize` decoded so far.
    public var rowsDecoded: Int { info.map { Int($0.rows_decoded) } ?? 0 }

    private var info: gallery_webp_info? {
        var info = gallery_webp_info()
        return gallery_webp_decoder_info(decoder, &info) == 1 ? info : nil
    }

    // MARK: Feeding

    /// Bytes handed to libwebp in one call. `WebPIAppend` decodes everything it is given before it returns, so a
    /// whole body chunk (up to the fetch engine's buffer) would keep a cooperative thread for tens of milliseconds
    /// while decoders whose bytes arrive on the server's clock wait, and their transfers stall. A slice is a bounded
    /// piece of work (about a millisecond of lossy decoding), and other tasks get the thread between slices, as they
    /// do between the other formats' bands. The file's last chunk goes in without a break: its image is complete,
    /// and the sooner it is shown the sooner its thread is free.
    public static let sliceBytes = 16 * 1024

    /// Decodes as far as `chunk` allows, slice by slice; libwebp keeps its own copy of what it has not consumed.
    public func feed(_ chunk: UnsafeRawBufferPointer) async throws(DecodeError) {
        try ledger.admit(chunk.count)
        guard let decoder else { throw fail(.memoryLimit(.webp, reason: "cannot allocate a decoder")) }
        let lastChunk = expectedBytes.map { bytesFed >= $0 } ?? false
        var offset = 0
        repeat {
            if offset > 0, !lastChunk, isDecoding { await Task.yield() }
            let count = min(Self.sliceBytes, chunk.count - offset)
            let bytes = chunk.baseAddress.map { ($0 + offset).assumingMemoryBound(to: UInt8.self) }
            try await proceed(after: gallery_webp_decoder_feed(decoder, bytes, count))
            offset += count
        } while offset < chunk.count
    }

    /// Started and not yet done: the next slice goes to libwebp's decoder, not only to the chunk walker.
    private var isDecoding: Bool { info.map { $0.output_width > 0 && $0.rows_decoded < $0.output_height } ?? false }

    private func proceed(after status: gallery_webp_status) async throws(DecodeError) {
        switch status {
        case GALLERY_WEBP_NEED_MORE:
            takeRows()
        case GALLERY_WEBP_DONE:
            takeRows()
            ledger.releaseGate()
        case GALLERY_WEBP_HEADER_READY:
            try await start()
        default:
            throw fail(shimError())
        }
    }

    /// After the header: waits for the gate if libwebp will hold a large image whole, then starts decoding at
    /// the scaled size.
    private func start() async throws(DecodeError) {
        guard let info, let stored = imageSize else { throw fail(shimError()) }
        if info.lossless != 0 || info.animated != 0, stored.width * stored.height * 4 > limits.exclusiveAbove {
            try await ledger.takeGate()
        }
        let target = storedThumbnailSize(of: stored, turned: orientation, fitting: box)
        let scaled = PixelSize(
            width: min(stored.width, target.width * 2), height: min(stored.height, target.height * 2))
        guard gallery_webp_decoder_start(decoder, UInt32(scaled.width), UInt32(scaled.height)) == 0 else {
            throw fail(
                gallery_webp_decoder_error_kind(decoder) == GALLERY_WEBP_ERROR_NONE
                    ? .memoryLimit(.webp, reason: "cannot start the decoder") : shimError())
        }
        resampler = RowResampler(from: scaled, to: target)
        // An animation's canvas is transparent wherever its first frame does not reach, whatever the alpha flag.
        if info.has_alpha != 0 || info.animated != 0 {
            checkerboard = Checkerboard(source: scaled, thumbnail: target)
        }
        try await proceed(after: gallery_webp_decoder_feed(decoder, nil, 0))
    }

    // MARK: Finishing

    public func finish() throws(DecodeError) -> Thumbnail {
        try ledger.close()
        let status = gallery_webp_decoder_finish(decoder)
        takeRows()
        ledger.releaseGate()
        guard status == GALLERY_WEBP_DONE, let stored = imageSize, let resampler = resampler.take(),
            resampler.rowsPushed == resampler.source.height
        else { throw fail(shimError()) }
        let turn = orientation
        gallery_webp_decoder_destroy(decoder)
        decoder = nil
        return Thumbnail(
            pixels: uprightThumbnail(resampler.finish(), turned: turn, fitting: box),
            imageSize: turn.uprightSize(of: stored), format: .webp)
    }

    // MARK: Helpers

    private var orientation: ExifOrientation {
        var length = 0
        guard let exif = gallery_webp_decoder_exif(decoder, &length) else { return .up }
        return ExifReader.orientation(in: UnsafeRawBufferPointer(start: exif, count: length)) ?? .up
    }

    /// Moves newly decoded rows into the resampler, over the checkerboard if the image has alpha.
    private func takeRows() {
        var first: UInt32 = 0
        var count: UInt32 = 0
        guard let rows = gallery_webp_decoder_rows(decoder, &first, &count), count > 0,
            let width = decodedSize?.width
        else { return }
        let bytes = Int(count) * width * 4
        if let checkerboard {
            if scratch.count < bytes { scratch = [UInt8](repeating: 0, count: bytes) }
            scratch.withUnsafeMutableBufferPointer { buffer in
                guard let pixels = buffer.baseAddress else { return }
                pixels.update(from: rows, count: bytes)
                for row in 0..<Int(count) {
                    checkerboard.composite(pixels + row * width * 4, count: width, y: Int(first) + row)
                }
                resampler?.push(rows: UnsafeRawBufferPointer(start: pixels, count: bytes), count: Int(count))
            }
        } else {
            resampler?.push(rows: UnsafeRawBufferPointer(start: rows, count: bytes), count: Int(count))
        }
        gallery_webp_decoder_release_rows(decoder)
    }

    private func shimError() -> DecodeError {
        let message = String(cString: gallery_webp_decoder_error_message(decoder))
        switch gallery_webp_decoder_error_kind(decoder) {
        case GALLERY_WEBP_ERROR_TRUNCATED:
            return .truncated(.webp, got: bytesFed, expected: expectedBytes)
        case GALLERY_WEBP_ERROR_TOO_LARGE:
            let size = imageSize ?? PixelSize(width: 0, height: 0)
            return .tooLarge(.webp, width: size.width, height: size.height, maxPixels: limits.maxPixels)
        case GALLERY_WEBP_ERROR_MEMORY_LIMIT:
            return .memoryLimit(.webp, reason: message)
        case GALLERY_WEBP_ERROR_UNSUPPORTED:
            return .unsupported(.webp, reason: message)
        default:
            return .corrupt(.webp, reason: message.isEmpty ? "unreadable data" : message)
        }
    }

    private func fail(_ error: DecodeError) -> DecodeError { ledger.fail(error) }
}

@available(*, unavailable)
extension WebPDecoder: Sendable {}
