/// Where `ListScanner` is in its buffer: the unread bytes are `start..<end`, and `offset` is the input offset of
/// the buffer's first byte. Finds whole lines; a line longer than the limit is dropped as it arrives, so the
/// buffer never has to hold it, and is reported as too long when its end is found.
struct ScanCursor: Sendable {
    struct Line {
        /// The line's bytes in the buffer, without the newline (only the tail of a line too long to keep).
        var range: Range<Int>
        /// Where the line starts in the input.
        var offset: Int
        var tooLong: Bool
    }

    var start = 0
    var end = 0
    var offset = 0
    var eof = false
    /// The input offset of a line being dropped for its length, until its newline arrives.
    private var droppingFrom: Int?
    /// Bytes before this index hold no newline: a line arriving in small reads is searched once, not once a read.
    private var searched = 0

    mutating func hasLine(in bytes: [UInt8]) -> Bool {
        if let newline = bytes[max(start, searched)..<end].firstIndex(of: UInt8(ascii: "\n")) {
            searched = newline
            return true
        }
        searched = end
        return false
    }

    mutating func skipByteOrderMark() {
        start = 3
    }

    mutating func nextLine(in bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int) -> Line? {
        let from = max(start, searched)
        let newline = ByteScan.firstNewline(in: bytes, from: from, to: end).map { $0 - start }
        if newline == nil && !eof {
            searched = end
            if end - start > maxBytes {
                droppingFrom = droppingFrom ?? offset + start
                start = end
            }
            return nil
        }
        let stop = newline.map { start + $0 } ?? end
        if newline == nil && start == stop && droppingFrom == nil { return nil }
        let line = Line(
            range: start..<stop, offset: droppingFrom ?? offset + start,
            tooLong: droppingFrom != nil || stop - start > maxBytes)
        droppingFrom = nil
        start = newline == nil ? stop : stop + 1
        return line
    }

    /// Moves the unread bytes to the front, so the next read has room.
    mutating func compact(_ buffer: inout [UInt8]) {
        guard start > 0 else { return }
        let (from, count) = (start, end - start)
        buffer.withUnsafeMutableBufferPointer { bytes in
            guard count > 0, let base = bytes.baseAddress else { return }
            // memmove: the unread bytes may overlap where they go.
            UnsafeMutableRawPointer(base).copyMemory(from: base + from, byteCount: count)
        }
        offset += start
        searched = max(searched - start, 0)
        end = count
        start = 0
    }
}
