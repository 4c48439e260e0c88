import Figures

/// The talk's output, exactly: `f'({i+1:2}){n:12_} bytes | {name}'` per image, then `TOTAL BYTES: {sum:_}`.
public enum Report {
    /// `( 1)  14_739_448 bytes | USS_Akron_%28ZRS-4%29_in_flight_over_Manhattan%2C_circa_1931-1933.jpg`
    public static func line(index: Int, bytes: Int64, name: String) -> String {
        "(\(padded(String(index), to: 2)))\(padded(grouped(bytes), to: 12)) bytes | \(name)"
    }

    /// The caption's first line: the report line without the name.
    public static func title(index: Int, bytes: Int64) -> String {
        "(\(padded(String(index), to: 2)))\(padded(grouped(bytes), to: 12)) bytes"
    }

    /// `TOTAL BYTES: 149_841_550`
    public static func total(_ bytes: Int64) -> String {
        "TOTAL BYTES: \(grouped(bytes))"
    }

    /// Right-aligns like Python's `{:N}` for numbers: pads on the left, never truncates.
    static func padded(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
