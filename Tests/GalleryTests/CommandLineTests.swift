import Foundation
import GalleryTestSupport
import Testing

/// How the command line is read (`--name=value`, grouped short flags, `--`, repeats), through the built binary.
@Suite(.serialized)
struct CommandLineTests {
    static func run(_ arguments: [String], stdin: String = "") throws -> ChildProcess {
        let child = try ChildProcess([ChildProcess.galleryExecutable] + arguments, stdin: stdin)
        child.wait()
        return child
    }

    /// A list whose one image can never come (nothing listens on port 1), so a run ends at once; the notice that
    /// fewer images qualify than `--count` asks for names the count the parser settled on.
    static let unreachableList = "http://127.0.0.1:1/a.jpg\n"

    @Test func anAttachedValueAndTheNextArgumentAreTheSameAndTheLastRepeatWins() async throws {
        let separate = try Self.run(["--count", "3", "--retries", "0"], stdin: Self.unreachableList)
        let attached = try Self.run(["--count=3", "--retries=0"], stdin: Self.unreachableList)
        let repeated = try Self.run(["--count", "5", "--retries=0", "--count=3"], stdin: Self.unreachableList)
        let notice = "gallery: only 1 of 3 images qualify; showing those"
        for child in [separate, attached, repeated] {
            #expect(child.status == 2)
            #expect(child.errorText.split(separator: "\n").first.map(String.init) == notice, "\(child.errorText)")
            #expect(child.lines.map(\.text) == ["TOTAL BYTES: 0"])
        }
    }

    @Test(arguments: [
        (["-qv"], "gallery: '--quiet' and '--verbose' cannot be used together"),
        (["--count"], "gallery: Missing value for '--count <n>'"),
        (["--save="], "gallery: Missing value for '--save <dir>'"),
        (["--shuffle=yes"], "gallery: The option '--shuffle' does not take any value, but 'yes' was specified."),
        (["--count", "2", "--count", "0"], "gallery: '--count' must be at least 1"),
        (["--min-bytes", "-5"], "gallery: '--min-bytes' must not be negative"),
        (["--timeout", "inf"], "gallery: The value 'inf' is invalid for '--timeout <seconds>'"),
        (
            ["--colors", "8"],
            "gallery: The value '8' is invalid for '--colors <colors>'; use one of: truecolor, 256, 16"
        ),
        (["--coun", "3"], "gallery: Unknown option '--coun'. Did you mean '--count'?"),
        (["-qx"], "gallery: Unknown option '-x'"),
        (["--count", "1", "--", "--weird-name.txt"], "gallery: --weird-name.txt: No such file or directory"),
    ])
    func badCommandLinesExitWith2AndOneLine(arguments: [String], message: String) async throws {
        let child = try Self.run(arguments)
        #expect(child.status == 2)
        #expect(child.errorText == message + "\n")
        #expect(child.lines.isEmpty)
    }

    @Test func helpWinsOverAnErrorElsewhereOnTheLine() async throws {
        let child = try Self.run(["--frobnicate", "-qh"])
        #expect(child.status == 0)
        #expect(child.errorText.isEmpty)
        #expect(child.lines.first?.text.hasPrefix("OVERVIEW: ") == true)
    }
}
