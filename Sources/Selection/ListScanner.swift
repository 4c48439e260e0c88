/// Reads one URL list as a stream: a fixed buffer, refilled by `read`, split into lines that are checked one by
/// one and handed to a `ListSink`. Memory is the buffer, whatever the length of the list.
///
/// Every line gets the full checks (line forms, CRLF, a UTF-8 byte-order mark, the 8 KiB line limit); the first
/// 64 KiB also decide whether the input is a list at all (`ListWindow`). No I/O of its own: `read` fills the
/// buffer, so tests feed it in any chunks, and the caller decides which thread blocks in it.
public struct ListScanner {
    /// Where a `scan(into:)` call stopped.
    public enum Step: Equatable, Sendable {
        /// The sink asked for a pause; the next call goes on from the following line.
        case paused
        /// The buffer is used up; call again to read more.
        case more
        /// The input ended.
        case end
        /// The input is skipped: the reason, for one line naming it.
        case notAList(String)
        /// `--strict` and a malformed line: it is the last of `log.pending`.
        case refused
    }

    /// Fills the buffer; returns the byte count, 0 at the end of the input, nil when `wait` is false and no byte
    /// is ready yet. Throws when the input cannot be read.
    public typealias Read = (_ into: UnsafeMutableRawBufferPointer, _ wait: Bool) throws -> Int?

    public static let bufferBytes = 64 * 1024

    public let baseURL: String
    public let strict: Bool
    public var log: MalformedLog
    /// Lines read so far, and bytes: for messages and the bench.
    public private(set) var lineCount = 0
    public private(set) var bytesRead = 0

    private let read: Read
    private var buffer: [UInt8]
    /// `baseURL`'s bytes, which every `ListEntry` points to.
    private let base: [UInt8]
    private var cursor = ScanCursor()
    private var window = ListWindow()
    private var windowOpen = true
    private var countedUpTo = 0

    /// - Parameters:
    ///   - judging: whether the first 64 KiB may refuse the input as not a list.
    ///   - warnings: how many malformed lines get a warning of their own before the rest are only counted.
    public init(
        source: String?, baseURL: String, strict: Bool = false, judging: Bool = true,
        warnings: Int = MalformedLog.warnedLines, bufferBytes: Int = Self.bufferBytes, read: @escaping Read
    ) {
        precondition(bufferBytes > URLList.maxLineBytes + 3, "a whole line must fit the buffer")
        self.baseURL = baseURL
        self.strict = strict
        self.read = read
        log = MalformedLog(source: source, limit: warnings)
        windowOpen = judging
        buffer = [UInt8](repeating: 0, count: bufferBytes)
        base = Array(baseURL.utf8)
    }

    /// Checks the lines in the buffer, reading once more first if it holds no whole line.
    public mutating func scan(into sink: inout some ListSink) throws -> Step {
        if bytesRead == 0 && !cursor.eof {
            try fillFirst()
            if windowOpen, let refusal = judgeFirstFill() { return .notAList(refusal) }
        } else if !cursor.eof && !cursor.hasLine(in: buffer) {
            try refill(wait: true)
            if windowOpen, window.sawNUL, let refusal = window.refusal { return .notAList(refusal) }
        }
        let (bytes, base) = (buffer, base)
        return bytes.withUnsafeBufferPointer { bytes in
            base.withUnsafeBufferPointer { scanLines(in: bytes, base: $0, into: &sink) }
        }
    }

    private mutating func scanLines(
        in bytes: UnsafeBufferPointer<UInt8>, base: UnsafeBufferPointer<UInt8>, into sink: inout some ListSink
    ) -> Step {
        while let line = cursor.nextLine(in: bytes, maxBytes: URLList.maxLineBytes) {
            lineCount += 1
            let verdict =
                line.tooLong
                ? .malformed("longer than \(URLList.maxLineBytes) bytes")
                : LineVerdict.of(UnsafeBufferPointer(rebasing: bytes[line.range]), baseURL: baseURL)
            if windowOpen, line.offset >= countedUpTo {
                if line.offset >= ListWindow.bytes {
                    windowOpen = false
                    if let refusal = window.refusal { return .notAList(refusal) }
                } else {
                    window.count(verdict)
                }
            }
            switch verdict {
            case .blank: continue
            case .malformed(let reason):
                log.record(line: lineCount, reason: reason)
                if strict { return .refused }
            case .entry(let size, let target, let relative):
                let start = line.range.lowerBound
                let entry = ListEntry(
                    line: lineCount, size: size,
                    target: UnsafeBufferPointer(
                        rebasing: bytes[(start + target.lowerBound)..<(start + target.upperBound)]), relative: relative,
                    base: base)
                if !sink.take(entry) { return .paused }
            case .decoded(let size, var url):
                let more = url.withUTF8 {
                    sink.take(ListEntry(line: lineCount, size: size, target: $0, relative: false, base: base))
                }
                if !more { return .paused }
            }
        }
        guard cursor.eof else { return .more }
        if windowOpen {
            windowOpen = false
            if let refusal = window.refusal { return .notAList(refusal) }
        }
        return .end
    }

    /// Reads until the window is full, the input ends, or no more bytes are ready, so the verdict on a file or a
    /// fast producer sees all 64 KiB, while a slow producer's first lines are not held back.
    private mutating func fillFirst() throws {
        while cursor.end < 3 && !cursor.eof { try refill(wait: true) }
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { cursor.skipByteOrderMark() }
        while cursor.end < buffer.count && !cursor.eof {
            guard try refill(wait: false) else { break }
        }
    }

    /// Counts the lines of the first fill; the verdict is final when they cover the window (or the whole input),
    /// else only a NUL refuses now and the rest of the window is counted as its lines arrive.
    private mutating func judgeFirstFill() -> String? {
        var probe = cursor
        let bytes = buffer
        bytes.withUnsafeBufferPointer { bytes in
            while let line = probe.nextLine(in: bytes, maxBytes: URLList.maxLineBytes), line.offset < ListWindow.bytes {
                window.count(
                    line.tooLong
                        ? .malformed("")
                        : LineVerdict.of(UnsafeBufferPointer(rebasing: bytes[line.range]), baseURL: baseURL))
                countedUpTo = line.offset + 1
            }
        }
        if cursor.eof || bytesRead >= ListWindow.bytes {
            windowOpen = false
            return window.refusal
        }
        return window.sawNUL ? window.refusal : nil
    }

    /// One read into the free end of the buffer; false when no byte was ready.
    @discardableResult
    private mutating func refill(wait: Bool) throws -> Bool {
        cursor.compact(&buffer)
        let start = cursor.end
        let got = try buffer.withUnsafeMutableBytes {
            try read(UnsafeMutableRawBufferPointer(rebasing: $0[start...]), wait)
        }
        guard let got else { return false }
        if got == 0 {
            cursor.eof = true
            return true
        }
        buffer.withUnsafeBufferPointer {
            window.look(at: UnsafeBufferPointer(rebasing: $0[start..<(start + got)]), offset: cursor.offset + start)
        }
        cursor.end += got
        bytesRead += got
        return true
    }
}
