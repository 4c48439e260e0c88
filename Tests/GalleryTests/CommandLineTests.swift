import Fetch
import Foundation
import GalleryCore
import GalleryTestSupport
import Testing

/// How the command line is read (`--name=value`, grouped short flags, `--`, repeats) and the completion scripts,
/// through the built binary.
@Suite(.serialized)
struct CommandLineTests {
    /// A list whose one image can never come (nothing listens on port 1), so a run ends at once; the notice that
    /// fewer images qualify than `--count` asks for names the count the parser settled on.
    static let unreachableList = "http://127.0.0.1:1/a.jpg\n"

    /// Defaults are written once, in `GalleryOptions` and `FetchConfiguration`; the help shows those values.
    @Test func theHelpShowsThePipelinesOwnDefaults() async throws {
        let help = try run(gallery: ["--help"]).lines.map(\.text).joined(separator: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let defaults = GalleryOptions()
        for shown in [
            "Show this many images. (default: \(defaults.count))",
            "learned with HEAD). (default: \(defaults.minBytes))",
            "against this URL. (default: \(defaults.baseURL))",
            "waiting longer each time. (default: \(defaults.fetch.retries))",
            "to a server after this many seconds. (default: \(defaults.fetch.connectTimeout.seconds))",
            "for this many seconds. (default: \(defaults.fetch.stallTimeout.seconds))",
            "larger than this many bytes. (default: \(defaults.fetch.maxBytes))",
            "at once (at most \(FetchConfiguration.hardMaxInFlight)).",
        ] {
            #expect(help.contains(shown), "\(shown)")
        }
    }

    @Test func anAttachedValueAndTheNextArgumentAreTheSameAndTheLastRepeatWins() async throws {
        let separate = try run(gallery: ["--count", "3", "--retries", "0"], stdin: Self.unreachableList)
        let attached = try run(gallery: ["--count=3", "--retries=0"], stdin: Self.unreachableList)
        let repeated = try run(gallery: ["--count", "5", "--retries=0", "--count=3"], stdin: Self.unreachableList)
        let notice = "gallery: only 1 of 3 images qualify; showing those"
        for child in [separate, attached, repeated] {
            #expect(child.status == 2)
            #expect(child.errorText.split(separator: "\n").contains { $0 == notice }, "\(child.errorText)")
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
        (["--timeout", "1e300"], "gallery: timeouts must be at most 31536000 seconds (a year)"),
        (["--stall-timeout=31536001"], "gallery: timeouts must be at most 31536000 seconds (a year)"),
        (["--terminal-timeout", "0"], "gallery: timeouts must be positive"),
        (
            ["--colors", "8"],
            "gallery: The value '8' is invalid for '--colors <colors>'; use one of: truecolor, 256, 16"
        ),
        (["--coun", "3"], "gallery: Unknown option '--coun'. Did you mean '--count'?"),
        (["-qx"], "gallery: Unknown option '-x'"),
        (["--count", "1", "--", "--weird-name.txt"], "gallery: --weird-name.txt: No such file or directory"),
    ])
    func badCommandLinesExitWith2AndOneLine(arguments: [String], message: String) async throws {
        let child = try run(gallery: arguments)
        #expect(child.status == 2)
        #expect(child.errorText == message + "\n")
        #expect(child.lines.isEmpty)
    }

    @Test func helpWinsOverAnErrorElsewhereOnTheLine() async throws {
        let child = try run(gallery: ["--frobnicate", "-qh"])
        #expect(child.status == 0)
        #expect(child.errorText.isEmpty)
        #expect(child.lines.first?.text.hasPrefix("OVERVIEW: ") == true)
    }

    @Test func anUnknownShellIsAUsageError() async throws {
        let child = try run(gallery: ["--generate-completion-script", "tcsh"])
        #expect(child.status == 2)
        #expect(
            child.errorText
                == "gallery: The value 'tcsh' is invalid for '--generate-completion-script <shell>'; "
                + "use one of: bash, zsh, fish\n")
    }

    /// `--browse` without what it needs is a usage error: one line on stderr, status 2, nothing downloaded.
    @Test(arguments: [
        (["--json"], "gallery: '--browse' needs the gallery; drop '--json'\n"),
        (["--render", "none"], "gallery: '--browse' needs the gallery; drop '--render none'\n"),
        ([], "gallery: '--browse' needs a terminal: on stdout (or stderr) and /dev/tty\n"),
    ])
    func browseWithoutAGalleryOrATerminalIsAUsageError(_ extra: [String], _ message: String) async throws {
        let child = try run(gallery: ["--browse"] + extra, stdin: Self.unreachableList)
        #expect(child.status == 2)
        #expect(child.errorText == message)
        #expect(child.lines.isEmpty)
    }

    /// Sources the bash script and calls its completion function the way bash does, with `COMP_WORDS` and
    /// `COMP_CWORD` set; one line of candidates per completed command line, sorted.
    @Test func bashCompletesOptionsValuesAndFiles() async throws {
        let bash = try #require(installedProgram("bash"), "bash is not on PATH")
        let folder = try TempFolder()
        defer { folder.remove() }
        let scriptPath = try Self.writeScript(for: "bash", into: folder)
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("shots"), withIntermediateDirectories: false)
        try folder.write("shots.txt", bytes: [])
        let driver = """
            source "$1" || exit 3
            spec=$(complete -p gallery) || exit 4
            function=${spec#*-F }
            function=${function%% *}
            candidates() {
                COMP_WORDS=("$@")
                COMP_CWORD=$(($# - 1))
                "$function"
                echo $(printf '%s\\n' "${COMPREPLY[@]}" | LC_ALL=C sort)
            }
            cd "$2" || exit 5
            candidates gallery --ren
            candidates gallery --render ''
            candidates gallery --colors ''
            candidates gallery --count ''
            candidates gallery --save sh
            candidates gallery sh
            """
        let child = try ChildProcess([bash, "-c", driver, "bash", scriptPath, folder.url.path], stdin: "")
        #expect(child.wait() == 0, "\(child.errorText)")
        #expect(
            child.lines.map(\.text) == [
                "--render",
                "auto blocks iterm kitty none sixel",
                "16 256 truecolor",
                "",
                "shots",
                "shots shots.txt",
            ])
    }

    @Test(.enabled(if: installedProgram("zsh") != nil, "zsh is not on PATH"))
    func zshScriptParses() async throws { try Self.checkSyntax(shell: "zsh", option: "-n") }

    @Test(.enabled(if: installedProgram("fish") != nil, "fish is not on PATH"))
    func fishScriptParses() async throws { try Self.checkSyntax(shell: "fish", option: "--no-execute") }

    /// Has `shell` read its script without running it (`option` is the shell's flag for that).
    static func checkSyntax(shell: String, option: String) throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let program = try #require(installedProgram(shell))
        let child = try ChildProcess([program, option, try writeScript(for: shell, into: folder)], stdin: "")
        #expect(child.wait() == 0, "\(child.errorText)")
    }

    /// `gallery --generate-completion-script shell`, saved in `folder`; returns its path.
    static func writeScript(for shell: String, into folder: TempFolder) throws -> String {
        let child = try run(gallery: ["--generate-completion-script", shell])
        #expect(child.status == 0, "\(child.errorText)")
        let script = child.lines.map(\.text).joined(separator: "\n") + "\n"
        #expect(script.contains("auto blocks kitty sixel iterm none"), "the render modes are offered")
        try folder.write("gallery.\(shell)", bytes: Array(script.utf8))
        return folder.url.appendingPathComponent("gallery.\(shell)").path
    }
}
