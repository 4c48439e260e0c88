import Imaging

/// One image's decoder, fed while its bytes arrive. Every format's decoder has this shape, so the download loop
/// feeds whatever `makeImageDecoder` returns without knowing the format.
///
/// Not Sendable: a decoder holds a C library's state, used by one task at a time. Create it, feed it and finish it
/// inside one task.
public protocol ImageDecoder: AnyObject {
    /// The file's full size if known (e.g. from Content-Length), for "truncated (got N of M bytes)".
    var expectedBytes: Int? { get set }
    /// Decodes as far as `chunk` allows; the decoder copies what it has not consumed, so the bytes need not outlive
    /// the call. Throws as soon as the data is known to be bad; later calls throw the same error.
    func feed(_ chunk: UnsafeRawBufferPointer) async throws(DecodeError)
    /// The same for borrowed bytes, such as a body chunk lent by the fetch engine.
    func feed(_ chunk: RawSpan) async throws(DecodeError)
    /// Ends the input and returns the upright thumbnail. Throws `truncated` if the image is incomplete.
    func finish() throws(DecodeError) -> Thumbnail
}

extension ImageDecoder {
    /// Feeds a copy of `chunk`: for decoders whose C side cannot take the span's bytes within a synchronous call.
    public func feed(_ chunk: RawSpan) async throws(DecodeError) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, chunk.byteCount), alignment: 16)
        defer { copy.deallocate() }
        chunk.withUnsafeBytes { copy.copyMemory(from: $0) }
        try await feed(UnsafeRawBufferPointer(rebasing: copy[..<chunk.byteCount]))
    }

    /// Feeds `bytes`; see `feed(_:)`.
    public func feed(_ bytes: [UInt8]) async throws(DecodeError) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 16)
        defer { copy.deallocate() }
        copy.copyBytes(from: bytes)
        try await feed(UnsafeRawBufferPointer(rebasing: copy[..<bytes.count]))
    }
}

extension JPEGDecoder: ImageDecoder {}

/// The decoder for one download: the format is told from the first bytes the decoder is fed (`SniffingDecoder`),
/// never from the URL or a Content-Type.
public func makeImageDecoder(fitting box: PixelSize, limits: DecodeLimits = .default, expectedBytes: Int? = nil)
    -> any ImageDecoder
{
    SniffingDecoder(fitting: box, limits: limits, expectedBytes: expectedBytes)
}
