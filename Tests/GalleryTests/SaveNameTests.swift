import GalleryCore
import Selection
import Testing

/// File names for `--save`: safe, capped, distinct, stable.
struct SaveNameTests {
    @Test(arguments: [
        ("USS_Akron_%28ZRS-4%29.jpg", "USS_Akron_%28ZRS-4%29.jpg"),
        ("..", "image"),
        (".", "image"),
        (".hidden.jpg", "hidden.jpg"),
        ("...x.jpg", "x.jpg"),
        ("a\\b.jpg", "a_b.jpg"),
        ("a/b.jpg", "a_b.jpg"),
        ("bell\u{07}\u{1B}[2J.jpg", "bell[2J.jpg"),
        ("new\nline.jpg", "newline.jpg"),
        ("", "image"),
        ("  spaced.jpg  ", "spaced.jpg"),
        ("%2E%2E%2Fetc%2Fpasswd", "%2E%2E%2Fetc%2Fpasswd"),
    ])
    func sanitizes(_ name: String, _ expected: String) {
        #expect(SaveName.sanitized(name) == expected)
    }

    @Test func longNamesAreCappedKeepingTheExtension() {
        let name = String(repeating: "é", count: 300) + ".jpeg"
        let safe = SaveName.sanitized(name)
        #expect(safe.utf8.count <= SaveName.maxBytes)
        #expect(safe.hasSuffix("é.jpeg"))
    }

    @Test func namesNeverContainASlashOrStartWithADot() {
        let nasty = ["..", ".", "/", "\\..\\..", ".part", "a/../b", "\u{0}x", String(repeating: "/", count: 9)]
        for name in nasty {
            let safe = SaveName.sanitized(name)
            #expect(!safe.contains("/") && !safe.hasPrefix(".") && !safe.isEmpty, "\(name) → \(safe)")
            #expect(!safe.unicodeScalars.contains { $0.value < 0x20 })
        }
    }
}
