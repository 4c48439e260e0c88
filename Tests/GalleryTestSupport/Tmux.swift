import Foundation

/// A detached tmux session of a fixed size on a private server socket: a real terminal for end-to-end tests.
public final class Tmux: Sendable {
    public let socket: String
    public let session = "gallery"

    /// Starts `command` (run by `sh -c`) in a `columns × rows` pane.
    public init(columns: Int, rows: Int, command: String) throws {
        socket = uniqueName("gallery-test")
        // The pane outlives its command, as a terminal with a shell waiting at its prompt would, so the test can
        // read the screen and the cursor state the command left (a dead pane reports its cursor hidden).
        // `kill()` ends the wait.
        let status = try Nginx.run([
            Self.executable, "-L", socket, "new-session", "-d", "-s", session, "-x", "\(columns)", "-y", "\(rows)",
            "sh", "-c", command + "\nexec sleep 86400",
        ])
        guard status == 0 else { throw SupportError("tmux new-session failed with status \(status)") }
    }

    deinit { kill() }

    /// The visible pane, with escape sequences (`-e`) when asked.
    public func capture(escapes: Bool = false) throws -> String {
        try output(["capture-pane", "-t", session, "-p"] + (escapes ? ["-e"] : []))
    }

    public func sendKeys(_ keys: String) throws {
        _ = try output(["send-keys", "-t", session, keys])
    }

    /// The pane's terminal device (`/dev/pts/N`), to look at its settings.
    public func paneTerminal() throws -> String {
        try output(["display-message", "-p", "-t", session, "#{pane_tty}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    /// True while the pane's cursor is visible (tmux's `cursor_flag`).
    public func cursorVisible() throws -> Bool {
        try output(["display-message", "-p", "-t", session, "#{cursor_flag}"]).hasPrefix("1")
    }

    /// Polls the pane until `predicate` holds, or gives up after `timeout` (a hang guard) and returns the last text.
    public func waitFor(timeout: Duration, _ predicate: (String) -> Bool) throws -> String {
        let deadline = ContinuousClock.now + timeout
        var text = try capture()
        while !predicate(text) && ContinuousClock.now < deadline {
            usleep(50_000)
            text = try capture()
        }
        return text
    }

    public func kill() {
        Self.killServer(socket: socket)
    }

    /// Ends the tmux server on `socket` (`-L`) and every session in it.
    public static func killServer(socket: String) {
        _ = try? Nginx.run([executable, "-L", socket, "kill-server"])
    }

    private func output(_ arguments: [String]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(socket)-out-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: file) }
        let quoted = ([Self.executable, "-L", socket] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        let status = try Nginx.run(["/bin/sh", "-c", quoted.joined(separator: " ") + " > '\(file.path)'"])
        guard status == 0 else { throw SupportError("tmux \(arguments.first ?? "") failed with status \(status)") }
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }

    public static var executable: String {
        installedProgram("tmux") ?? "tmux"
    }
}
