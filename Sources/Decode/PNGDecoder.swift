import Imaging
import PNGShim

/// Decodes one PNG while its bytes arrive, into an upright thumbnail that fits a pixel box.
///
/// Wraps the C shim's `gallery_png_decoder` (PNGShim.h), libpng's progressive reader: rows come out as soon as
/// their compressed data is in, as 8-bit RGBA whatever the stored colour type and depth. A plain image's rows go
/// band by band into a `RowResampler`; an Adam7 image's passes, each a sparse grid, are summed straight into the
/// thumbnail by a `SparseResampler`. Neither keeps the full-size image, so memory stays far below the decoded
/// size (a 50-megapixel file is a few MiB of bands and rows). Transparent pixels are composited over a
/// `Checkerboard` before averaging. An eXIf chunk's orientation turns the finished thumbnail.
///
/// libpng cannot scale while decoding, so every pixel is decoded and averaged: CPU grows with the pixel count.
///
/// Not Sendable: the libpng state inside may be used by one thread at a time.
public final class PNGDecoder: ImageDecoder {
    public let box: PixelSize
    public let limits: DecodeLimits
    public var expectedBytes: Int?
    /// Bytes fed so far.
    public var bytesFed: Int { ledger.bytesFed }

    private var decoder: OpaquePointer?
    private let ledger = DecodeLedger(.png)
    private var plain: RowResampler?
    private var sparse: SparseResampler?
    private var checkerboard: Checkerboard?
    /// Where rows with alpha are composited, so the shim's band is never written to.
    private var scratch: [UInt8] = []

    /// Rows in the shim's band before it hands them over.
    static let bandRows: UInt32 = 16

    public init(fitting box: PixelSize, limits: DecodeLimits = .default, expectedBytes: Int? = nil) {
        self.box = box
        self.limits = limits
        self.expectedBytes = expectedBytes
        var options = gallery_png_options(max_pixels: UInt64(clamping: limits.maxPixels), band_rows: Self.bandRows)
        decoder = gallery_png_decoder_create(&options)
    }

    deinit { gallery_png_decoder_destroy(decoder) }

    /// The image's size as stored, once the header has been read.
    public var imageSize: PixelSize? { info.map { PixelSize(width: Int($0.width), height: Int($0.height)) } }

    /// Whether the image is Adam7-interlaced.
    public var isInterlaced: Bool { info.map { $0.interlaced != 0 } ?? false }

    /// Rows handed over so far, over all passes.
    public var rowsDelivered: Int { info.map { Int($0.rows_delivered) } ?? 0 }

    private var info: gallery_png_info? {
        var info = gallery_png_info()
        return gallery_png_decoder_info(decoder, &info) == 1 ? info : nil
    }

    // MARK: Feeding

    /// Decodes as far as `chunk` allows; the shim copies what libpng has not been handed yet.
    public func feed(_ chunk: UnsafeRawBufferPointer) async throws(DecodeError) {
        try ledger.admit(chunk.count)
        guard let decoder else { throw fail(.memoryLimit(.png, reason: "cannot allocate a decoder")) }
        let bytes = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self)
        try await proceed(after: gallery_png_decoder_feed(decoder, bytes, chunk.count))
    }

    /// Takes the rows of each full band, giving other tasks the thread between bands.
    private func proceed(after status: gallery_png_status) async throws(DecodeError) {
        var status = status
        while true {
            takeRows()
            switch status {
            case GALLERY_PNG_NEED_MORE, GALLERY_PNG_DONE:
                return
            case GALLERY_PNG_ROWS_READY:
                await Task.yield()
                status = gallery_png_decoder_feed(decoder, nil, 0)
            default:
                throw fail(shimError())
            }
        }
    }

    // MARK: Finishing

    public func finish() throws(DecodeError) -> Thumbnail {
        try ledger.close()
        var status = gallery_png_decoder_finish(decoder)
        while status == GALLERY_PNG_ROWS_READY {
            takeRows()
            status = gallery_png_decoder_finish(decoder)
        }
        takeRows()
        guard status == GALLERY_PNG_DONE, let info, let stored = imageSize else { throw fail(shimError()) }
        let pixels: Pixels
        if let resampler = plain.take(), resampler.rowsPushed == resampler.source.height {
            pixels = resampler.finish()
        } else if let sparse, sparse.pixelsAdded == stored.width * stored.height {
            pixels = sparse.finish()
        } else {
            throw fail(
                .corrupt(.png, reason: "image data ends after \(info.rows_delivered) of \(info.rows_total) rows"))
        }
        let turn = orientation
        gallery_png_decoder_destroy(decoder)  // frees libpng's rows now rather than at deinit
        decoder = nil
        return Thumbnail(
            pixels: uprightThumbnail(pixels, turned: turn, fitting: box), imageSize: turn.uprightSize(of: stored),
            format: .png)
    }

    // MARK: Rows

    /// The eXIf orientation, if the chunk has arrived.
    private var orientation: ExifOrientation {
        var length = 0
        guard let exif = gallery_png_decoder_exif(decoder, &length) else { return .up }
        return ExifReader.orientation(in: UnsafeRawBufferPointer(start: exif, count: length)) ?? .up
    }

    /// Moves the band's rows into the resampler (made at the first row, once the size is known).
    private func takeRows() {
        let count = gallery_png_decoder_band_count(decoder)
        guard count > 0, let info, let stored = imageSize else { return }
        if plain == nil && sparse == nil {
            let target = storedThumbnailSize(of: stored, turned: orientation, fitting: box)
            if info.interlaced != 0 {
                sparse = SparseResampler(from: stored, to: target)
            } else {
                plain = RowResampler(from: stored, to: target)
            }
            if info.has_alpha != 0 { checkerboard = Checkerboard(source: stored, thumbnail: target) }
        }
        if plain != nil && checkerboard == nil {
            // Opaque rows, contiguous in the band: straight from the shim.
            var row = gallery_png_row()
            _ = gallery_png_decoder_band_row(decoder, 0, &row)
            plain?.push(
                rows: UnsafeRawBufferPointer(start: row.pixels, count: Int(count) * stored.width * 4), count: Int(count)
            )
        } else {
            for index in 0..<count {
                var row = gallery_png_row()
                guard gallery_png_decoder_band_row(decoder, index, &row) == 1, let source = row.pixels else { continue }
                take(row, from: source)
            }
        }
        gallery_png_decoder_release_band(decoder)
    }

    /// One row (or pass row): composited over the checkerboard if it may be transparent, then averaged in.
    private func take(_ row: gallery_png_row, from source: UnsafePointer<UInt8>) {
        let count = Int(row.count)
        let (y, xStart, xStep) = (Int(row.y), Int(row.x_start), Int(row.x_step))
        if scratch.count < count * 4 { scratch = [UInt8](repeating: 0, count: count * 4) }
        scratch.withUnsafeMutableBufferPointer { buffer in
            guard let pixels = buffer.baseAddress else { return }
            pixels.update(from: source, count: count * 4)
            checkerboard?.composite(pixels, count: count, y: y, xStart: xStart, xStep: xStep)
            if sparse != nil {
                sparse?.add(pixels, count: count, y: y, xStart: xStart, xStep: xStep)
            } else {
                plain?.push(rows: UnsafeRawBufferPointer(start: pixels, count: count * 4), count: 1)
            }
        }
    }

    private func shimError() -> DecodeError {
        let message = String(cString: gallery_png_decoder_error_message(decoder))
        switch gallery_png_decoder_error_kind(decoder) {
        case GALLERY_PNG_ERROR_TRUNCATED:
            return .truncated(.png, got: bytesFed, expected: expectedBytes)
        case GALLERY_PNG_ERROR_TOO_LARGE:
            let size = imageSize ?? PixelSize(width: 0, height: 0)
            return .tooLarge(.png, width: size.width, height: size.height, maxPixels: limits.maxPixels)
        case GALLERY_PNG_ERROR_MEMORY_LIMIT:
            return .memoryLimit(.png, reason: message)
        default:
            return .corrupt(.png, reason: message.isEmpty ? "unreadable data" : message)
        }
    }

    private func fail(_ error: DecodeError) -> DecodeError { ledger.fail(error) }
}

@available(*, unavailable)
extension PNGDecoder: Sendable {}
