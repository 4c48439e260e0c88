public import Imaging

extension RGB {
    /// The largest difference in one channel between two colours: how far a pixel read back from a screen or a
    /// decoder may stray from the colour drawn, since terminals and encoders round colours to what they can show.
    public func distance(to other: RGB) -> Int {
        max(abs(Int(r) - Int(other.r)), abs(Int(g) - Int(other.g)), abs(Int(b) - Int(other.b)))
    }
}
