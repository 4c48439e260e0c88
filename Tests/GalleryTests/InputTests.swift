import Foundation
import GalleryTestSupport
import Testing

/// How `gallery` reads its lists: warnings that name the line, `--strict`, files and `-`.
@Suite(.serialized)
struct InputTests {
    @Test func eachSkippedLineGetsOneWarningNamingItsNumber() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        // Good lines outnumber the bad ones, so the input is a list; line 4 is read for the second image.
        let a = server.url("a.jpg")
        let list = "# list\nftp://h/x.jpg\n\(a)\n-3 \(server.url("b.jpg"))\n\(a)?2\n\(a)?3\n"
        let gallery = try run(gallery: ["--count", "2"], stdin: list)
        #expect(gallery.status == 0, "stderr: \(gallery.errorText)")
        let warnings = gallery.errorText.split(separator: "\n")
        #expect(
            warnings == [
                "gallery: line 2: scheme 'ftp:' is not allowed (only http and https) (skipped)",
                "gallery: line 4: size is not a non-negative whole number: -3 (skipped)",
            ])
    }

    @Test func strictMakesAMalformedLineAnErrorWithStatus2() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let list = "\(server.url("a.jpg"))\nnonsense here too\n"
        let gallery = try run(gallery: ["--strict"], stdin: list)
        #expect(gallery.status == 2)
        #expect(gallery.errorText == "gallery: line 2: expected `URL`, `BYTES URL` or `URL BYTES`, got 3 fields\n")
        #expect(gallery.lines.isEmpty)
        #expect(!server.nginx.accessLog().contains("GET"), "nothing is fetched")
    }

    @Test func listsComeFromFilesAndDashIsStandardInput() async throws {
        let server = try JPEGServer(names: ["a.jpg", "b.jpg"])
        defer { server.stop() }
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("list.txt", bytes: Array("\(server.url("a.jpg"))\nftp://h/x.jpg\n".utf8))
        let listPath = folder.url.appendingPathComponent("list.txt").path
        let gallery = try run(gallery: ["--count", "2", listPath, "-"], stdin: server.url("b.jpg") + "\n")
        #expect(gallery.status == 0, "stderr: \(gallery.errorText)")
        #expect(gallery.lines.count == 3)
        #expect(
            gallery.errorText
                == "gallery: \(listPath): line 2: scheme 'ftp:' is not allowed (only http and https) (skipped)\n")
    }

    @Test func anUnreadableListIsAnErrorWithStatus2() async throws {
        let gallery = try run(gallery: ["/nonexistent/list.txt"])
        #expect(gallery.status == 2)
        #expect(gallery.errorText == "gallery: /nonexistent/list.txt: No such file or directory\n")
    }

    @Test func bytesThatAreNotUTF8AreSkippedNotFatal() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let folder = try TempFolder()
        defer { folder.remove() }
        // ChildProcess feeds stdin from a String, so the bytes that are not UTF-8 go through a list file.
        // Good lines outnumber the bad ones, so the input is still a list.
        let good = ["a.jpg", "a.jpg?2", "a.jpg?3"].map { server.url($0) + "\n" }.joined()
        try folder.write("list.txt", bytes: [0xFF, 0xFE, 0x0A, 0xC3, 0x28, 0x0A] + Array(good.utf8))
        let listPath = folder.url.appendingPathComponent("list.txt").path
        let gallery = try run(gallery: ["--count", "1", listPath])
        #expect(gallery.status == 0, "stderr: \(gallery.errorText)")
        #expect(gallery.errorText.contains("gallery: \(listPath): line 1: not valid UTF-8 (skipped)"))
        #expect(gallery.errorText.contains("gallery: \(listPath): line 2: not valid UTF-8 (skipped)"))
    }
}
