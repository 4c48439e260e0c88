/// Standard Base64 (RFC 4648 §4, with `=` padding), which both the kitty graphics protocol and iTerm2's
/// OSC 1337 use for their payloads. Render imports no Foundation, so this is our own.
/// - SeeAlso: <https://www.rfc-editor.org/rfc/rfc4648#section-4>
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The encoding of `bytes`, 4 output bytes for every 3 input bytes (rounded up).
    public static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            out.append(alphabet[Int(group >> 18 & 0x3f)])
            out.append(alphabet[Int(group >> 12 & 0x3f)])
            out.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(group >> 6 & 0x3f)])
            out.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(group & 0x3f)])
        }
        return out
    }

    /// The bytes behind `text`, or nil when it is not well-formed padded Base64.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var group: UInt32 = 0
        var filled = 0
        var padding = 0
        for byte in text {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="): value = 0
            default: return nil
            }
            if byte == UInt8(ascii: "=") {
                padding += 1
            } else if padding > 0 {
                return nil  // data after padding
            }
            group = group << 6 | value
            filled += 1
            if filled == 4 {
                out.append(UInt8(group >> 16 & 0xff))
                if padding < 2 { out.append(UInt8(group >> 8 & 0xff)) }
                if padding < 1 { out.append(UInt8(group & 0xff)) }
                group = 0
                filled = 0
            }
        }
        return padding > 2 ? nil : out
    }
}
