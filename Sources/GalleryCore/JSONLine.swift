/// One JSON object on one line, keys in the order given, for `--json`'s newline-delimited events.
///
/// Hand-rolled rather than `JSONEncoder` so the `event` key comes first (readable with `grep` and `jq -c`) and so
/// GalleryCore needs no Foundation. Swift strings are valid Unicode, so escaping quotes, backslashes and control
/// characters is all it takes to emit valid JSON (RFC 8259, section 7).
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case null

    public static func int(_ value: Int) -> JSONValue { .int(Int64(value)) }
}

public enum JSONLine {
    /// `{"key":value,…}` without a newline.
    public static func object(_ fields: [(String, JSONValue)]) -> String {
        var text = "{"
        for (i, (key, value)) in fields.enumerated() {
            if i > 0 { text += "," }
            text += quoted(key) + ":" + encode(value)
        }
        return text + "}"
    }

    static func encode(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .int(let number): String(number)
        case .double(let number) where number.isFinite:
            // Milliseconds are as precise as any timing here; Swift prints a Double in a form JSON accepts.
            String((number * 1000).rounded() / 1000)
        case .double: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value):
                // Other controls as \u00XX: valid JSON, and harmless if the stream is printed on a terminal.
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
