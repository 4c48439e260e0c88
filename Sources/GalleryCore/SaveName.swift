/// The pieces of a `--save` file name: the URL's own last segment made safe, and the short hash of the URL that
/// makes it distinct. `SaveNamer` decides which a URL gets.
public enum SaveName {
    /// Longest name in UTF-8 bytes: well under NAME_MAX (255) even as `.NAME.part`.
    public static let maxBytes = 200

    /// `name` without anything a file system or a terminal could misread: no `/` or `\` (replaced by `_`), no
    /// control characters, no leading dots (so never `.`, `..` or a hidden file, and never one of our `.part`
    /// files), at most `maxBytes` bytes with the extension kept; `image` if nothing is left.
    public static func sanitized(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7F, 0x80...0x9F: continue
            case 0x2F, 0x5C: scalars.append("_")
            default: scalars.append(scalar)
            }
        }
        var text = Substring(String(scalars))
        while let first = text.first, first == "." || first == " " { text = text.dropFirst() }
        while let last = text.last, last == " " { text = text.dropLast() }
        return text.isEmpty ? "image" : capped(String(text), extra: 0)
    }

    /// `Name-1a2b3c4d.jpg` for `Name.jpg`.
    static func suffixed(_ name: String, hash: String) -> String {
        let (stem, ext) = split(capped(name, extra: hash.count + 1))
        return stem + "-" + hash + ext
    }

    /// At most `maxBytes - extra` UTF-8 bytes, cut on a character boundary, keeping a short extension.
    static func capped(_ name: String, extra: Int) -> String {
        let limit = maxBytes - extra
        guard name.utf8.count > limit else { return name }
        let (stem, ext) = split(name)
        var kept = ""
        for character in stem {
            if kept.utf8.count + character.utf8.count + ext.utf8.count > limit { break }
            kept.append(character)
        }
        return kept + ext
    }

    /// `("Name", ".jpg")`; an extension is a final dot and up to ten more characters.
    static func split(_ name: String) -> (stem: String, ext: String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex,
            name.distance(from: dot, to: name.endIndex) <= 11
        else { return (name, "") }
        return (String(name[..<dot]), String(name[dot...]))
    }

    /// Eight hex digits of FNV-1a over the URL: stable across runs and machines (Swift's `Hasher` is seeded
    /// per process, so it would give a different name every run).
    static func shortHash(_ url: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let hex = String(hash >> 32, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
