/// Sizes as lists write them: `15000000` or `15_000_000`.
public enum ByteCount {
    /// Parses `15000000` or `15_000_000`; nil for anything else, negatives included.
    public static func parse<S: StringProtocol>(_ text: S) -> Int64? {
        parse(utf8: text.utf8)
    }

    /// `parse(_:)` on a field of a list line in the scanner's buffer, read by index: every sized line of a list
    /// of millions comes this way.
    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let first = bytes.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { return nil }
        var value: Int64 = 0
        var previousWasUnderscore = false
        for i in 0..<bytes.count {
            let digit = bytes[i] &- UInt8(ascii: "0")
            if bytes[i] == UInt8(ascii: "_") {
                if previousWasUnderscore { return nil }
                previousWasUnderscore = true
                continue
            }
            previousWasUnderscore = false
            guard digit <= 9 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(digit))
            if o1 || o2 { return nil }
            value = sum
        }
        return previousWasUnderscore ? nil : value
    }

    /// `parse(_:)` on the UTF-8 bytes of a field.
    public static func parse(utf8 text: some Collection<UInt8>) -> Int64? {
        Array(text).withUnsafeBufferPointer { parse(bytes: $0) }
    }
}
