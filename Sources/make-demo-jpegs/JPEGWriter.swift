import DemoJPEGEncoder
import Selection

/// A failure writing a JPEG, with the shim's reason.
struct WriteFailure: Error, CustomStringConvertible {
    let description: String
}

/// Writes one JPEG file row by row through the shim's encoder (libjpeg's compressor), so the demo's
/// 6000×4000 images never exist whole in memory.
final class JPEGWriter {
    private var encoder: OpaquePointer?
    let width: Int
    let bytesPerPixel: Int

    init(path: String, options: demo_jpeg_encode_options) throws {
        var options = options
        var error = [CChar](repeating: 0, count: 256)
        encoder = demo_jpeg_encoder_begin(path, &options, &error, error.count)
        guard encoder != nil else {
            throw WriteFailure(
                description: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        width = Int(options.width)
        switch options.input {
        case DEMO_JPEG_INPUT_GRAY: bytesPerPixel = 1
        case DEMO_JPEG_INPUT_CMYK, DEMO_JPEG_INPUT_ADOBE_INVERTED_CMYK: bytesPerPixel = 4
        default: bytesPerPixel = 3
        }
    }

    deinit { demo_jpeg_encoder_destroy(encoder) }

    /// Writes whole rows packed in `rows` (a multiple of width × bytes per pixel).
    func write(_ rows: UnsafeBufferPointer<UInt8>) throws {
        let count = rows.count / (width * bytesPerPixel)
        guard demo_jpeg_encoder_write_rows(encoder, rows.baseAddress, UInt32(count)) == 0 else { throw failure() }
    }

    func write(_ rows: [UInt8]) throws {
        try rows.withUnsafeBufferPointer { try write($0) }
    }

    func finish() throws {
        guard demo_jpeg_encoder_end(encoder) == 0 else { throw failure() }
    }

    private func failure() -> WriteFailure {
        WriteFailure(description: String(cString: demo_jpeg_encoder_error_message(encoder)))
    }
}

extension demo_jpeg_encode_options {
    /// Baseline 4:2:0 RGB at quality 90, accurate DCT, no EXIF: the starting point every file varies.
    static func rgb(width: Int, height: Int, quality: Int = 90) -> demo_jpeg_encode_options {
        demo_jpeg_encode_options(
            width: UInt32(width), height: UInt32(height), input: DEMO_JPEG_INPUT_RGB, quality: Int32(quality),
            subsampling: DEMO_JPEG_SUBSAMPLING_420, progressive: 0, arithmetic: 0, optimize_coding: 0,
            restart_rows: 0, exif_orientation: 0, fast_dct: 0)
    }
}

/// Selection's seeded generator (the one `--seed` and the tests use): the same seed gives the same images on every
/// machine. Pixels want uniform doubles, which selection does not.
extension SplitMix64 {
    /// A uniform Double in 0..<1.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func range(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }
}
