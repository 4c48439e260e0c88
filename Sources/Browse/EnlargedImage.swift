public import Decode
public import Imaging

/// Decodes an image's whole body for the enlarged view, into the box the window gives (`EnlargedLayout.pixelBox`),
/// through the same `makeImageDecoder` the sheet uses, so every format the sheet shows can be enlarged.
///
/// The body is read in chunks with `pread` (short blocking reads of a local file, like `SaveFolder.read`), and each
/// is fed to the decoder, which scales down while it decodes: at most one window-sized image is held, never the
/// full-size picture. CPU-heavy: call it from a task, never on the curl thread.
public enum EnlargedImage {
    public static let chunkSize = 256 * 1024

    public static func decode(
        _ body: BodyReader, fitting box: PixelSize, limits: DecodeLimits = .default
    ) async throws -> Thumbnail {
        let decoder = makeImageDecoder(fitting: box, limits: limits, expectedBytes: Int(body.size))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 1)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while offset < body.size {
            try Task.checkCancellation()
            let count = try body.read(at: offset, into: buffer)
            try await decoder.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            offset += Int64(count)
        }
        return try decoder.finish()
    }
}
