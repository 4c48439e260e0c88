import Selection
import Testing

struct SplitMix64Tests {
    /// The reference sequence of splitmix64.c for seed 1234567.
    @Test func matchesTheReferenceSequence() {
        var random = SplitMix64(seed: 1_234_567)
        #expect(
            (0..<3).map { _ in random.next() } == [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            ])
    }

    @Test func boundedDrawsStayInRangeAndReachEveryValue() {
        var random = SplitMix64(seed: 1)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let value = random.below(7)
            #expect((0..<7).contains(value))
            seen.insert(value)
        }
        #expect(seen.count == 7)
    }

    @Test func shuffleIsAPermutation() {
        var random = SplitMix64(seed: 5)
        let shuffled = random.shuffled(Array(0..<50))
        #expect(shuffled.sorted() == Array(0..<50))
        #expect(shuffled != Array(0..<50))
    }
}
