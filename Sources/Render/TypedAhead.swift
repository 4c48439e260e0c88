import Synchronization

/// Keys typed while detection read the terminal's answers (`TerminalProbe`), kept for the browse keys to read first.
///
/// Detection reads everything that arrives in its budget, and with `--browse` the user may already be typing:
/// what is not an answer is a key, and it would otherwise be read and dropped with the answers. Answers are control
/// sequences and control strings of the kinds detection asks for; everything else is kept, in order. Without
/// `--browse` nothing takes the keys, as nothing would have read them.
public enum TypedAhead {
    private static let kept = Mutex<[UInt8]>([])

    /// Keeps the keys among `received`, after any kept before.
    public static func keep(from received: [UInt8]) {
        let keys = keys(in: received)
        guard !keys.isEmpty else { return }
        kept.withLock { $0 += keys }
    }

    /// The keys kept so far, once.
    public static func take() -> [UInt8] {
        kept.withLock { kept in
            defer { kept = [] }
            return kept
        }
    }

    /// `received` without the terminal's answers: CSI sequences that end in an answer's final byte (DA1's `c`,
    /// XTWINOPS' `t`, XTSMGRAPHICS' `S`, a status or cursor report's `n` or `R`), and OSC, DCS, APC, PM and SOS
    /// strings (palette, XTVERSION, kitty), up to their ST or BEL. Keys' own sequences (arrows, Home, PgUp, F-keys)
    /// end otherwise and are kept. An answer cut off at the end is dropped.
    public static func keys(in received: [UInt8]) -> [UInt8] {
        var keys: [UInt8] = []
        var i = 0
        while i < received.count {
            let end = answerEnd(in: received, at: i)
            if let end {
                i = end
            } else {
                keys.append(received[i])
                i += 1
            }
        }
        return keys
    }

    /// Where the answer that starts at `start` ends (one past its last byte), or nil when none starts there.
    private static func answerEnd(in bytes: [UInt8], at start: Int) -> Int? {
        guard bytes[start] == 0x1B, start + 1 < bytes.count else { return nil }
        switch bytes[start + 1] {
        case UInt8(ascii: "["):
            var end = start + 2
            while end < bytes.count, !(0x40...0x7E).contains(bytes[end]) { end += 1 }
            guard end < bytes.count else { return bytes.count }
            return Array("ctSnR".utf8).contains(bytes[end]) ? end + 1 : nil
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "X"):
            var end = start + 2
            while end < bytes.count {
                if bytes[end] == 0x07 { return end + 1 }
                if bytes[end] == 0x1B, end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: "\\") { return end + 2 }
                end += 1
            }
            return bytes.count
        default:
            return nil
        }
    }
}
