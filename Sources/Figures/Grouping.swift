/// `value` with its digits in groups of three, as Python's `f'{n:_}'` prints it: `14_739_448`. Every byte count
/// gallery shows goes through it, so the report, the browse facts line and the messages read alike.
public func grouped(_ value: some BinaryInteger, separator: Character = "_") -> String {
    let digits = String(value.magnitude)
    var text = value < 0 ? "-" : ""
    text.reserveCapacity(digits.count + digits.count / 3 + 1)
    for (index, digit) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { text.append(separator) }
        text.append(digit)
    }
    return text
}
