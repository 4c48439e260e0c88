/// A small seeded pseudo-random generator (SplitMix64), so `--seed N` picks the same images on every machine and
/// every Swift version.
///
/// The standard library's `shuffled(using:)` and `random(in:using:)` are free to change how they consume a
/// generator, so the shuffle below is our own Fisher–Yates with our own bounded draw. Not for anything secret.
/// - SeeAlso: <https://prng.di.unimi.it/splitmix64.c>
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `0..<bound`, by rejection, so no value is favoured.
    ///
    /// The rejection threshold, `2^64 mod bound`, is below `bound`: a draw of at least `bound` passes without
    /// it, so the second division is paid only for the rare small draw, and the values are the same either way.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "an empty range has no random element")
        let limit = UInt64(bound)
        while true {
            let value = next()
            if value >= limit || value >= (0 &- limit) % limit { return Int(value % limit) }
        }
    }

    /// The elements in a random order (Fisher–Yates, from the back).
    public mutating func shuffled<T>(_ elements: [T]) -> [T] {
        var result = elements
        var i = result.count - 1
        while i > 0 {
            result.swapAt(i, below(i + 1))
            i -= 1
        }
        return result
    }
}
