import Imaging
import JPEGShim

/// Decodes one JPEG while its bytes arrive, into an upright thumbnail that fits a pixel box.
///
/// Wraps the C shim's `gallery_jpeg_decoder` (JPEGShim.h), which re-enters libjpeg on every chunk through a
/// suspending data source: baseline rows are decoded as their data arrives and only bytes libjpeg has not
/// consumed yet are held, so memory stays far below the file size. libjpeg's DCT scaling (M/8) brings the
/// image just above the box; the shim hands rows over in bands of `bandRows`, which a `RowResampler`
/// area-averages straight into the thumbnail's size, so the decoded image never exists whole either (for a
/// 6000×4000 file in a 160×100 box: 750 × 16 × 4 bytes of band instead of 750 × 500 × 4). `finish()` turns
/// the small result upright.
///
/// Not Sendable: the libjpeg state inside may be used by one thread at a time. Create it, feed it and finish
/// it inside one task. Each `feed` does work proportional to its chunk (plus, for a progressive image, the
/// output pass when the last scan arrives), so feeding 64 KiB chunks from a task keeps pool threads free.
public final class JPEGDecoder {
    public let box: PixelSize
    public let limits: DecodeLimits
    /// The file's full size if known (e.g. from Content-Length), for "truncated JPEG (got N of M bytes)".
    public var expectedBytes: Int?

    private var decoder: OpaquePointer?
    /// The first bytes, held until they show whether this is a JPEG at all.
    private var head: [UInt8] = []
    private var sniffed = false
    private var failure: DecodeError?
    private var finished = false
    private var holdsGate = false
    private var finalInfo: gallery_jpeg_info?
    private let gate: LargeDecodeGate
    /// Where decoded rows go, created once the header says the decoded size.
    private var resampler: RowResampler?

    /// Rows in the shim's output band.
    static let bandRows: UInt32 = 16

    /// - Parameters:
    ///   - box: the pixel size the thumbnail must fit inside, upright. 0×0 decodes at full size.
    ///   - expectedBytes: the file's size, if known.
    ///   - gate: where large progressive decodes take turns; `LargeDecodeGate.shared` unless testing.
    public init(
        fitting box: PixelSize, limits: DecodeLimits = .default, expectedBytes: Int? = nil,
        gate: LargeDecodeGate = .shared
    ) {
        self.box = box
        self.limits = limits
        self.expectedBytes = expectedBytes
        self.gate = gate
        var options = gallery_jpeg_options(
            box_width: UInt32(clamping: box.width), box_height: UInt32(clamping: box.height),
            max_pixels: UInt64(clamping: limits.maxPixels), max_memory: UInt64(clamping: limits.maxMemory),
            band_rows: Self.bandRows)
        decoder = gallery_jpeg_decoder_create(&options)
    }

    deinit {
        gallery_jpeg_decoder_destroy(decoder)
        if holdsGate { gate.release() }
    }

    // MARK: What is known so far

    /// The image's full size, upright, as soon as the header has been read.
    public var imageSize: PixelSize? {
        guard let info else { return nil }
        return orientation(info).uprightSize(
            of: PixelSize(width: Int(info.image_width), height: Int(info.image_height)))
    }

    /// The size libjpeg decodes to (after DCT scaling, before orientation), once the header has been read.
    public var decodedSize: PixelSize? {
        guard let info else { return nil }
        return PixelSize(width: Int(info.output_width), height: Int(info.output_height))
    }

    /// Rows of `decodedSize` decoded so far: grows while a baseline image is fed.
    public var rowsDecoded: Int { info.map { Int($0.rows_decoded) } ?? 0 }

    /// Bytes fed so far.
    public private(set) var bytesFed = 0

    /// Whether the image is progressive (decoded only once its last scan has arrived).
    public var isProgressive: Bool { info.map { $0.progressive != 0 } ?? false }

    /// Compressed bytes held inside the decoder because libjpeg has not consumed them yet.
    public var bytesHeld: Int { info.map { Int($0.bytes_held) } ?? head.count }

    /// What the shim knows; kept after `finish()` has freed the shim.
    private var info: gallery_jpeg_info? {
        if decoder == nil { return finalInfo }
        var info = gallery_jpeg_info()
        return gallery_jpeg_decoder_info(decoder, &info) == 1 ? info : nil
    }

    // MARK: Feeding

    /// Decodes as far as `chunk` allows. Throws as soon as the data is known to be bad (not a JPEG, corrupt,
    /// too large); later calls throw the same error. May wait for `LargeDecodeGate` once, right after the
    /// header of a large progressive image.
    public func feed(_ chunk: UnsafeRawBufferPointer) async throws(DecodeError) {
        let status = try push(chunk).get()
        try await proceed(after: status)
    }

    /// Feeds borrowed `bytes`, such as a body chunk lent by the fetch engine; see `feed(_:)`. The shim keeps a copy
    /// of whatever it has not consumed, so the bytes need not outlive the call.
    public func feed(_ bytes: RawSpan) async throws(DecodeError) {
        let status = try bytes.withUnsafeBytes { push($0) }.get()
        try await proceed(after: status)
    }

    /// Hands `chunk` to the shim, holding back the first bytes until they show whether this is a JPEG.
    private func push(_ chunk: UnsafeRawBufferPointer) -> Result<gallery_jpeg_status, DecodeError> {
        if let failure { return .failure(failure) }
        precondition(!finished, "JPEGDecoder.feed after finish()")
        bytesFed += chunk.count
        guard let decoder else { return .failure(fail(.memoryLimit(.jpeg, reason: "cannot allocate a decoder"))) }
        var chunk = chunk
        if !sniffed {
            let taken = min(chunk.count, ImageSniffer.bytesNeeded - head.count)
            head.append(contentsOf: chunk.prefix(taken))
            chunk = UnsafeRawBufferPointer(rebasing: chunk.dropFirst(taken))
            do {
                try sniff(final: false)
            } catch {
                return .failure(error)
            }
            guard sniffed else { return .success(GALLERY_JPEG_NEED_MORE) }
            // The head and the rest of this chunk go in together (one copy, of the first chunk only).
            var first = head
            first.append(contentsOf: chunk)
            head = []
            return .success(
                first.withUnsafeBufferPointer { gallery_jpeg_decoder_feed(decoder, $0.baseAddress, $0.count) })
        }
        return .success(
            gallery_jpeg_decoder_feed(decoder, chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count))
    }

    /// Handles the shim's answer: errors become `DecodeError`; after the header of a large progressive image
    /// it waits for the gate before letting the shim allocate the coefficient buffer, then goes on.
    private func proceed(after status: gallery_jpeg_status) async throws(DecodeError) {
        var status = status
        while true {
            switch status {
            case GALLERY_JPEG_NEED_MORE:
                takeRows()
                return
            case GALLERY_JPEG_DONE:
                takeRows()
                releaseGate()
                return
            case GALLERY_JPEG_ROWS_READY:
                takeRows()
                // A band is a bounded piece of work; between bands other tasks get the thread. This is what keeps a
                // progressive image's output pass (all rows at once when its last scan arrives, ~0.5 s for 24 MP)
                // from holding a cooperative thread for the whole pass.
                await Task.yield()
                status = gallery_jpeg_decoder_feed(decoder, nil, 0)
            case GALLERY_JPEG_HEADER_READY:
                if let info, Int(info.coefficient_bytes) > limits.exclusiveAbove {
                    do {
                        try await gate.acquire()
                    } catch {
                        throw fail(.cancelled)
                    }
                    holdsGate = true
                }
                status = gallery_jpeg_decoder_feed(decoder, nil, 0)
            default:
                throw fail(shimError())
            }
        }
    }

    // MARK: Finishing

    /// Ends the input and returns the thumbnail: decoded pixels made upright, then area-averaged in linear
    /// light to fit inside `box`. Throws `truncated` if the image is incomplete: missing data is never filled.
    public func finish() throws(DecodeError) -> Thumbnail {
        if let failure { throw failure }
        precondition(!finished, "JPEGDecoder.finish called twice")
        finished = true
        if !sniffed {
            try sniff(final: true)
            if !head.isEmpty {
                _ = head.withUnsafeBufferPointer { gallery_jpeg_decoder_feed(decoder, $0.baseAddress, $0.count) }
                head = []
            }
        }
        var status = gallery_jpeg_decoder_finish(decoder)
        while status == GALLERY_JPEG_ROWS_READY {
            takeRows()
            status = gallery_jpeg_decoder_finish(decoder)
        }
        if status == GALLERY_JPEG_DONE { takeRows() }
        releaseGate()
        guard status == GALLERY_JPEG_DONE, let info, let resampler = resampler.take(),
            resampler.rowsPushed == resampler.source.height
        else { throw fail(shimError()) }
        finalInfo = info
        gallery_jpeg_decoder_destroy(decoder)  // frees the band now rather than at deinit
        decoder = nil
        let pixels = resampler.finish().applying(orientation(info))
        return Thumbnail(
            pixels: pixels,
            imageSize: orientation(info).uprightSize(
                of: PixelSize(
                    width: Int(info.image_width), height: Int(info.image_height))),
            format: .jpeg)
    }

    // MARK: Helpers

    /// Moves the rows decoded since the last call from the shim's band into the resampler.
    private func takeRows() {
        guard let decoder else { return }
        var first: UInt32 = 0
        var count: UInt32 = 0
        guard let rows = gallery_jpeg_decoder_band(decoder, &first, &count), count > 0, let info else { return }
        if resampler == nil {
            resampler = RowResampler(
                from: decodedSizeOf(info),
                to: storedThumbnailSize(of: decodedSizeOf(info), turned: orientation(info), fitting: box))
        }
        let bytes = UnsafeRawBufferPointer(start: rows, count: Int(count) * Int(info.output_width) * 4)
        resampler?.push(rows: bytes, count: Int(count))
        gallery_jpeg_decoder_release_band(decoder)
    }

    private func decodedSizeOf(_ info: gallery_jpeg_info) -> PixelSize {
        PixelSize(width: Int(info.output_width), height: Int(info.output_height))
    }

    /// Decides from the head whether this is a JPEG: as soon as it starts with FF D8 FF, or once enough
    /// bytes (or the end of input) show it is something else.
    private func sniff(final: Bool) throws(DecodeError) {
        if ImageSniffer.couldBeJPEG(head) {
            if head.count >= 3 { sniffed = true }
            if final {
                sniffed = true
                if head.isEmpty { throw fail(.wrongFormat(expected: .jpeg, found: .empty)) }
            }
            return
        }
        if head.count >= ImageSniffer.bytesNeeded || final {
            throw fail(.wrongFormat(expected: .jpeg, found: ImageSniffer.kind(of: head)))
        }
    }

    private func orientation(_ info: gallery_jpeg_info) -> ExifOrientation {
        ExifOrientation(rawValue: Int(info.orientation)) ?? .up
    }

    private func shimError() -> DecodeError {
        var info = gallery_jpeg_info()
        _ = gallery_jpeg_decoder_info(decoder, &info)
        let message = String(cString: gallery_jpeg_decoder_error_message(decoder))
        switch gallery_jpeg_decoder_error_kind(decoder) {
        case GALLERY_JPEG_ERROR_TRUNCATED:
            return .truncated(.jpeg, got: bytesFed, expected: expectedBytes)
        case GALLERY_JPEG_ERROR_TOO_LARGE:
            return .tooLarge(
                .jpeg, width: Int(info.image_width), height: Int(info.image_height), maxPixels: limits.maxPixels)
        case GALLERY_JPEG_ERROR_MEMORY_LIMIT:
            return .memoryLimit(.jpeg, reason: message)
        case GALLERY_JPEG_ERROR_UNSUPPORTED:
            return .unsupported(.jpeg, reason: message)
        case GALLERY_JPEG_ERROR_NOT_JPEG:
            return .wrongFormat(expected: .jpeg, found: ImageSniffer.kind(of: head))
        default:
            return .corrupt(.jpeg, reason: Self.reason(from: message))
        }
    }

    /// libjpeg's message without its "Corrupt JPEG data: " prefix, which the description already says.
    static func reason(from message: String) -> String {
        let prefix = "Corrupt JPEG data: "
        return message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
    }

    private func fail(_ error: DecodeError) -> DecodeError {
        failure = error
        releaseGate()
        return error
    }

    private func releaseGate() {
        if holdsGate {
            holdsGate = false
            gate.release()
        }
    }
}

@available(*, unavailable)
extension JPEGDecoder: Sendable {}
