/// Numbers for people, without Foundation's formatters: no target in Sources links Foundation.

/// `value` rounded to `places` decimals, every one of them shown: `decimals(2.5, places: 2)` is "2.50", so a column
/// of figures keeps its width as they change.
public func decimals(_ value: Double, places: Int) -> String {
    var scale = 1
    for _ in 0..<max(0, places) { scale *= 10 }
    let scaled = (value.magnitude * Double(scale)).rounded()
    // Beyond what an Int holds no figure a person reads is exact anyway.
    guard value.isFinite, scaled < 9e18 else { return "\(value)" }
    let units = Int(scaled)
    let sign = value < 0 && units > 0 ? "-" : ""
    guard places > 0 else { return sign + "\(units)" }
    let fraction = String(units % scale)
    return sign + "\(units / scale)." + String(repeating: "0", count: places - fraction.count) + fraction
}

/// `value` to a tenth, without a trailing ".0": "20", "0.5", "1.2". For figures a person set as round numbers
/// (timeouts, rate limits), which read best as they were written.
public func tenths(_ value: Double) -> String {
    let text = decimals(value, places: 1)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}
