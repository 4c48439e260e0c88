/// Turns the bytes a terminal sends into `KeyEvent`s, one read at a time. Pure: no I/O, no clock of its own.
///
/// A read may end in the middle of a sequence, so the parser keeps what it has seen and finishes the sequence
/// with the next read. A lone ESC is told from the start of a sequence by time alone: when nothing follows it
/// before `deadline`, the caller calls `expire(at:)` and gets `.escape`. Any other unfinished sequence is dropped
/// the same way, so a stray Alt+`]` (which opens an OSC string) cannot swallow the keys after it.
///
/// Memory is bounded whatever arrives: a control sequence longer than `maximumSequence` bytes is skipped to
/// its end without being kept, string sequences (OSC, DCS, APC: late terminal replies) and bracketed pastes are
/// skipped without being kept, and each read yields at most one event per byte.
/// - SeeAlso: <https://invisible-island.net/xterm/ctlseqs/ctlseqs.html>
public struct KeyParser: Sendable {
    /// How long a lone ESC waits for the rest of a sequence. Terminals send a key's sequence in one write,
    /// so a local one needs far less; the margin is for ssh links that split writes.
    public let escapeTimeout: Duration
    /// Longest control sequence kept; real keys and mouse reports are far shorter.
    public static let maximumSequence = 32

    enum State: Sendable, Equatable {
        case ground
        /// ESC seen.
        case escape
        /// `ESC [` seen; the bytes after it so far (parameters and intermediates).
        case controlSequence([UInt8])
        /// A control sequence too long to keep, skipped up to its final byte.
        case overlongSequence
        /// `ESC O` seen: one more byte names the key.
        case singleShift
        /// Inside an OSC, DCS, APC, PM or SOS string, which ends with ST (`ESC \`) or, for OSC, BEL.
        case string(escapeSeen: Bool)
        /// Inside a bracketed paste: everything up to `ESC [ 2 0 1 ~` is dropped; `matched` bytes of it seen.
        case paste(matched: Int)
    }

    private(set) var state = State.ground
    /// When the last byte came: an unfinished sequence expires `escapeTimeout` after it.
    private var lastInput = ContinuousClock.Instant.now

    public init(escapeTimeout: Duration = .milliseconds(50)) {
        self.escapeTimeout = escapeTimeout
    }

    /// When a pending ESC becomes a lone `.escape`; nil when nothing waits. The caller waits for input at most
    /// until then, and calls `expire(at:)` if none came.
    /// A bracketed paste has none: the terminal always closes it, and it may be long.
    public var deadline: ContinuousClock.Instant? {
        switch state {
        case .ground, .paste: nil
        default: lastInput + escapeTimeout
        }
    }

    /// The events that `bytes`, read at `now`, complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>, at now: ContinuousClock.Instant) -> [KeyEvent] {
        var events: [KeyEvent] = []
        lastInput = now
        for byte in bytes {
            step(byte, into: &events)
        }
        return events
    }

    /// Once `deadline` has passed: `.escape` for a lone ESC; any other unfinished sequence is dropped.
    public mutating func expire(at now: ContinuousClock.Instant) -> [KeyEvent] {
        guard let deadline, now >= deadline else { return [] }
        defer { state = .ground }
        return state == .escape ? [.escape] : []
    }

    private mutating func step(_ byte: UInt8, into events: inout [KeyEvent]) {
        switch state {
        case .ground:
            ground(byte, into: &events)
        case .escape:
            afterEscape(byte, into: &events)
        case .controlSequence(let kept):
            controlSequenceByte(byte, kept: kept, into: &events)
        case .overlongSequence:
            if Self.isFinal(byte) { state = .ground }
        case .singleShift:
            state = .ground
            if let key = Self.singleShift(byte) { events.append(key) }
        case .string(let escapeSeen):
            let ends = byte == 0x07 || (escapeSeen && byte == UInt8(ascii: "\\"))
            state = ends ? .ground : .string(escapeSeen: byte == 0x1B)
        case .paste(let matched):
            let progress = Self.pasteEndProgress(matched, byte)
            state = progress == Self.pasteEnd.count ? .ground : .paste(matched: progress)
        }
    }

    private mutating func ground(_ byte: UInt8, into events: inout [KeyEvent]) {
        switch byte {
        case 0x1B: state = .escape
        case 0x0D, 0x0A: events.append(.enter)
        case 0x20: events.append(.space)
        case 0x21...0x7E: events.append(.character(Unicode.Scalar(byte)))
        default: break  // other control characters, DEL, and UTF-8 bytes: no key of ours
        }
    }

    private mutating func afterEscape(_ byte: UInt8, into events: inout [KeyEvent]) {
        switch byte {
        case UInt8(ascii: "["):
            state = .controlSequence([])
        case UInt8(ascii: "O"):
            state = .singleShift
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "X"):
            state = .string(escapeSeen: false)
        default:
            // Alt+key arrives as ESC then the key, and ESC ESC as two Escs: the user pressed Esc, then the key
            // (and a second ESC may still start a sequence).
            events.append(.escape)
            state = .ground
            ground(byte, into: &events)
        }
    }

    private mutating func controlSequenceByte(
        _ byte: UInt8, kept: [UInt8], into events: inout [KeyEvent]
    ) {
        if Self.isFinal(byte) {
            state = .ground
            if kept == Self.pasteStart, byte == UInt8(ascii: "~") {
                state = .paste(matched: 0)
            } else if let key = Self.controlSequence(parameters: kept, final: byte) {
                events.append(key)
            }
        } else if (0x20...0x3F).contains(byte) {
            state = kept.count >= Self.maximumSequence ? .overlongSequence : .controlSequence(kept + [byte])
        } else {
            // Not part of a control sequence: the sequence was broken off; read the byte afresh.
            state = .ground
            ground(byte, into: &events)
        }
    }
}
