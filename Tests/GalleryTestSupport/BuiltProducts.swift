import Foundation

/// What a finished child process left behind: its exit status and everything it wrote.
public struct ProcessOutcome: Sendable {
    /// The exit status, or 128 + the signal that ended it.
    public let status: Int32
    /// Its stdout, line by line, each stamped with when it arrived.
    public let lines: [ChildProcess.Line]
    /// Its stderr, whole.
    public let errorText: String
    /// Seconds from spawn to exit.
    public let seconds: Double

    /// Its stdout lines without their times.
    public var texts: [String] { lines.map(\.text) }
}

/// The path of one of this package's executables, built next to the test bundle (`.build/<config>/`), so the
/// tests run the binaries `swift build --build-tests` has just made.
public func builtProduct(_ name: String) -> String {
    let me =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(name).path
}

/// Runs the built `gallery` with `arguments` and `stdin`, waits for it, and returns its status and output.
/// `timeout` only guards against a hang: the child is killed then, and the status says so.
public func run(
    gallery arguments: [String], stdin: String = "", environment: [String: String] = [:],
    timeout: Duration = .seconds(60)
) throws -> ProcessOutcome {
    try run(built: "gallery", arguments, stdin: stdin, environment: environment, timeout: timeout)
}

/// Runs another of the package's executables (`decode-probe`, `make-demo-jpegs`, …) like `run(gallery:)`.
public func run(
    built product: String, _ arguments: [String], stdin: String = "", environment: [String: String] = [:],
    timeout: Duration = .seconds(60)
) throws -> ProcessOutcome {
    let child = try ChildProcess([builtProduct(product)] + arguments, stdin: stdin, environment: environment)
    let status = child.wait(timeout: timeout)
    return ProcessOutcome(status: status, lines: child.lines, errorText: child.errorText, seconds: child.seconds)
}
