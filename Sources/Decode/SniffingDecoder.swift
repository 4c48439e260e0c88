import Imaging

/// The decoder `makeImageDecoder` returns: holds the first bytes until they tell the format (16 bytes for a
/// binary signature, up to 1 KiB of markup to find `<svg`), then hands them, and everything after, to that
/// format's decoder. Anything that is not a supported image fails here, before any decoding.
///
/// Not Sendable, like the decoders it wraps.
public final class SniffingDecoder: ImageDecoder {
    public let box: PixelSize
    public let limits: DecodeLimits
    public var expectedBytes: Int? {
        didSet { inner?.expectedBytes = expectedBytes }
    }

    private var head: [UInt8] = []
    private var inner: (any ImageDecoder)?
    private var failure: DecodeError?

    public init(fitting box: PixelSize, limits: DecodeLimits = .default, expectedBytes: Int? = nil) {
        self.box = box
        self.limits = limits
        self.expectedBytes = expectedBytes
    }

    /// The format, once the first bytes have told it.
    public private(set) var format: ImageFormat?

    public func feed(_ chunk: UnsafeRawBufferPointer) async throws(DecodeError) {
        if let failure { throw failure }
        if let inner { return try await inner.feed(chunk) }
        head.append(contentsOf: chunk)
        try await startIfKnown()
    }

    public func feed(_ chunk: RawSpan) async throws(DecodeError) {
        if let failure { throw failure }
        if let inner { return try await inner.feed(chunk) }
        chunk.withUnsafeBytes { head.append(contentsOf: $0) }
        try await startIfKnown()
    }

    public func finish() throws(DecodeError) -> Thumbnail {
        if let failure { throw failure }
        if let inner { return try inner.finish() }
        // Undecided at the end: every supported format is known from its signature alone, so this refuses.
        throw remember(.refusing(ImageSniffer.verdict(head, complete: true) ?? .empty))
    }

    private func startIfKnown() async throws(DecodeError) {
        guard let kind = ImageSniffer.verdict(head, complete: false) else { return }
        guard let format = kind.format else { throw remember(.refusing(kind)) }
        let decoder = Self.decoder(for: format, box: box, limits: limits, expectedBytes: expectedBytes)
        self.format = format
        inner = decoder
        let first = head
        head = []
        do {
            try await decoder.feed(first)
        } catch {
            throw remember(error)
        }
    }

    static func decoder(for format: ImageFormat, box: PixelSize, limits: DecodeLimits, expectedBytes: Int?)
        -> any ImageDecoder
    {
        switch format {
        case .jpeg: JPEGDecoder(fitting: box, limits: limits, expectedBytes: expectedBytes)
        case .png: PNGDecoder(fitting: box, limits: limits, expectedBytes: expectedBytes)
        case .webp: WebPDecoder(fitting: box, limits: limits, expectedBytes: expectedBytes)
        case .gif: GIFDecoder(fitting: box, limits: limits, expectedBytes: expectedBytes)
        }
    }

    private func remember(_ error: DecodeError) -> DecodeError {
        failure = error
        return error
    }
}

@available(*, unavailable)
extension SniffingDecoder: Sendable {}
