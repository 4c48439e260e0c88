/// Searches over a list line's bytes eight at a time: every line of a list of millions is searched for its
/// newline, its fields and any byte that needs a closer look, and a byte at a time those searches are most of the
/// scan.
///
/// Each test is a word-wide form of a byte test (Hacker's Delight, ch. 6, "find first 0-byte"): the lowest set
/// bit of `(w - 0x01…01 × n) & ~w & 0x80…80` marks the first byte of `w` below `n` (for `n` up to 0x80; a borrow
/// can set bits above it, never below). Words are read little-endian, so the lowest bit is the lowest address.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first newline in `bytes[from..<to]`.
    static func firstNewline(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        first(in: bytes, from: from, to: to, word: { zeroBytes($0 ^ (ones &* 0x0A)) }, byte: { $0 == 0x0A })
    }

    /// The index of the first space or tab in `bytes[from..<to]`.
    static func firstSeparator(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        first(
            in: bytes, from: from, to: to, word: { zeroBytes($0 ^ (ones &* 0x20)) | zeroBytes($0 ^ (ones &* 0x09)) },
            byte: { $0 == 0x20 || $0 == 0x09 })
    }

    /// What a line holds that decides how it is checked, in one pass: a byte of 0x80 or more (the line is not
    /// plain ASCII), and a control character or DEL (a tab counts, though between fields it is only a separator).
    static func contents(
        of bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int
    ) -> (nonASCII: Bool, control: Bool) {
        var (high, control): (UInt64, UInt64) = (0, 0)
        var i = from
        if let start = bytes.baseAddress {
            let raw = UnsafeRawPointer(start)
            while i + 8 <= to {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                high |= word & highs
                control |= below(word, 0x20) | zeroBytes(word ^ (ones &* 0x7F))
                i += 8
            }
        }
        var (nonASCII, controlByte) = (high != 0, control != 0)
        while i < to {
            nonASCII = nonASCII || bytes[i] >= 0x80
            controlByte = controlByte || bytes[i] < 0x20 || bytes[i] == 0x7F
            i += 1
        }
        return (nonASCII, controlByte)
    }

    /// Whether `bytes[from..<to]` holds a control character, a space or DEL: bytes no URL holds.
    static func hasControlOrSpace(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        first(
            in: bytes, from: from, to: to, word: { below($0, 0x21) | zeroBytes($0 ^ (ones &* 0x7F)) },
            byte: { $0 <= 0x20 || $0 == 0x7F }) != nil
    }

    /// Whether `bytes` starts with `prefix`.
    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        var i = 0
        if let a = bytes.baseAddress, let b = prefix.baseAddress {
            let (a, b) = (UnsafeRawPointer(a), UnsafeRawPointer(b))
            while i + 8 <= prefix.count {
                guard
                    a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        == b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                else { return false }
                i += 8
            }
        }
        while i < prefix.count {
            guard bytes[i] == prefix[i] else { return false }
            i += 1
        }
        return true
    }

    /// Bytes of `word` that are zero, as their high bits (exact up to the first one).
    @inline(__always) private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highs
    }

    /// Bytes of `word` below `limit` (at most 0x80), as their high bits (exact up to the first one).
    @inline(__always) private static func below(_ word: UInt64, _ limit: UInt64) -> UInt64 {
        (word &- ones &* limit) & ~word & highs
    }

    /// The word test on whole words while they fit, the byte test on the rest.
    @inline(__always) private static func first(
        in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int, word: (UInt64) -> UInt64, byte: (UInt8) -> Bool
    ) -> Int? {
        var i = from
        if let start = bytes.baseAddress {
            let raw = UnsafeRawPointer(start)
            while i + 8 <= to {
                let hits = word(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                if hits != 0 { return i + hits.trailingZeroBitCount / 8 }
                i += 8
            }
        }
        while i < to {
            if byte(bytes[i]) { return i }
            i += 1
        }
        return nil
    }
}
