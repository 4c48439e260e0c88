/// The SGR sequences that set a palette colour, as `Escape` writes them, per layer and colour: worked out once
/// per process, so that the symbol encoder copies a colour's bytes instead of formatting its number each time.
enum SGRBytes {
    /// Room per sequence: a length byte and `ESC[38;5;255m`.
    private static let stride = 16
    /// Per colour key (`key`): the foreground's sequence, then the background's, each a length and its bytes.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 2 * keys * stride)
        for key in 0..<keys {
            let colour: TerminalColor = key < 256 ? .ansi(UInt8(key)) : .palette(UInt8(key - 256))
            for (layer, escape) in [Escape.foreground(colour), .background(colour)].enumerated() {
                var bytes: [UInt8] = []
                bytes.append(escape)
                let at = (2 * key + layer) * stride
                precondition(bytes.count < stride && bytes.starts(with: [0x1b, UInt8(ascii: "[")]))
                table[at] = UInt8(bytes.count)
                table.replaceSubrange((at + 1)..<(at + 1 + bytes.count), with: bytes)
            }
        }
        return table
    }()
    private static let keys = 512

    /// Where `table` keeps `colour`: ANSI colours first, then the 256 palette colours; nil for truecolor.
    @inline(__always)
    private static func key(_ colour: TerminalColor) -> Int? {
        switch colour {
        case .ansi(let index): Int(index)
        case .palette(let index): 256 + Int(index)
        case .rgb: nil
        }
    }

    /// Writes the SGR that sets `foreground` and `background` (either may be nil, not both) at `count` in
    /// `storage`, which has room for it, and advances `count`; false, writing nothing, for a truecolor colour.
    /// Both together are one sequence, like `Escape.colors`: the foreground's without its final `m`, a `;`, and
    /// the background's without its `ESC [`.
    @inline(__always)
    static func write(
        foreground: TerminalColor?, background: TerminalColor?, into storage: inout [UInt8], at count: inout Int
    ) -> Bool {
        let inkKey = foreground.map(key)
        let paperKey = background.map(key)
        if inkKey == .some(nil) || paperKey == .some(nil) { return false }
        table.withUnsafeBufferPointer { table in
            storage.withUnsafeMutableBufferPointer { storage in
                func copy(_ at: Int, from first: Int, dropping last: Int) {
                    for i in (at + 1 + first)..<(at + 1 + Int(table[at]) - last) {
                        storage[count] = table[i]
                        count += 1
                    }
                }
                if let inkKey = inkKey ?? nil {
                    copy(2 * inkKey * stride, from: 0, dropping: paperKey == nil ? 0 : 1)
                }
                if let paperKey = paperKey ?? nil {
                    if inkKey != nil {
                        storage[count] = UInt8(ascii: ";")
                        count += 1
                    }
                    copy((2 * paperKey + 1) * stride, from: inkKey == nil ? 0 : 2, dropping: 0)
                }
            }
        }
        return true
    }
}
