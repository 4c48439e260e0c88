import Selection

/// The tests' one seeded generator is Selection's `SplitMix64`, the one `--seed` uses: the same seed gives the same
/// bytes on every machine and every run, so a failure can be replayed.
extension SplitMix64 {
    /// A seed that depends on `name` alone. `String.hashValue` is seeded afresh in every process, so it would give
    /// every run different bytes.
    public init(name: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        self.init(seed: hash)
    }

    /// `count` bytes, eight from each draw.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var word = next()
            for _ in 0..<min(8, count - bytes.count) {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return bytes
    }
}
