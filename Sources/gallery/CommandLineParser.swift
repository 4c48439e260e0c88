/// What the arguments asked for: run the command with its fields set, or one of the built-in requests.
enum CommandLineRequest<Command> {
    case run(Command)
    case help
    case version
    case completionScript(CompletionShell)
}

/// The command being filled in, next to the built-in options every command has.
struct ParsedArguments<Command> {
    var command: Command
    var wantsHelp = false
    var wantsVersion = false
    var completionShell: CompletionShell?

    /// Listed after the table's options, in this order.
    static var builtins: [CommandLineOption<Self>] {
        [
            .flag("version", \.wantsVersion, help: "Show the version."),
            .flag("help", short: "h", \.wantsHelp, help: "Show help information."),
            .option(
                "generate-completion-script", \.completionShell, value: "shell",
                help: "Print a completion script for bash, zsh or fish."
            ).hidden(),
        ]
    }
}

extension CommandLineSpec {
    /// Applies `arguments` (without the program name) to `defaults`, left to right; for a repeated option the last
    /// value wins.
    ///
    /// An argument that does not start with `-`, a lone `-` (standard input), and everything after `--` are
    /// positionals, wherever they stand. `--help`, `--version` and `--generate-completion-script` win over any
    /// error elsewhere on the line, so the help is always one flag away; otherwise the first error is thrown.
    func parse(_ arguments: [String]) throws(UsageError) -> CommandLineRequest<Command> {
        let options = allOptions
        var parsed = ParsedArguments(command: defaults)
        var firstError: UsageError?
        var rest = arguments[...]
        var optionsEnded = false
        while let argument = rest.popFirst() {
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(&parsed.command, argument)
            } else if argument == "--" {
                optionsEnded = true
            } else {
                do throws(UsageError) {
                    try Self.apply(argument, options: options, rest: &rest, to: &parsed)
                } catch {
                    firstError = firstError ?? error
                }
            }
        }
        if parsed.wantsHelp { return .help }
        if parsed.wantsVersion { return .version }
        if let shell = parsed.completionShell { return .completionScript(shell) }
        if let firstError { throw firstError }
        return .run(parsed.command)
    }

    /// One argument that starts with `-`: `--name`, `--name=value`, or short names grouped as `-qv`.
    ///
    /// A value is the text after `=`, else the next argument whatever it starts with: `--min-bytes -5` gives
    /// `--min-bytes` the value `-5` (for validation to refuse) rather than guessing whether `-5` is an option.
    /// In a group, only the last name may take a value. `--name=` with nothing after the `=` has no value.
    private static func apply(
        _ argument: String, options: [ParsedOption], rest: inout ArraySlice<String>,
        to parsed: inout ParsedArguments<Command>
    ) throws(UsageError) {
        let equals = argument.firstIndex(of: "=")
        let head = argument[..<(equals ?? argument.endIndex)]
        let attached = equals.map { String(argument[argument.index(after: $0)...]) }
        var named: [(spelling: String, option: ParsedOption)] = []
        if head.hasPrefix("--") {
            guard let option = options.first(where: { $0.long == head.dropFirst(2) }) else {
                throw unknownOption(String(head), among: options)
            }
            named = [(String(head), option)]
        } else {
            for letter in head.dropFirst() {
                guard let option = options.first(where: { $0.short == letter }) else {
                    throw UsageError("Unknown option '-\(letter)'")
                }
                named.append(("-\(letter)", option))
            }
        }
        guard !named.isEmpty else { throw UsageError("Unknown option '\(argument)'") }
        for (position, (spelling, option)) in named.enumerated() {
            let isLast = position == named.count - 1
            switch option.action {
            case .flag(let set):
                if isLast, let attached, !attached.isEmpty {
                    throw UsageError(
                        "The option '\(spelling)' does not take any value, but '\(attached)' was specified.")
                }
                set(&parsed)
            case .value(let valueName, let set):
                let label = "'\(spelling) <\(valueName)>'"
                guard isLast, attached?.isEmpty != true, let text = attached ?? rest.popFirst() else {
                    throw UsageError("Missing value for \(label)")
                }
                guard set(&parsed, text) else {
                    let allowed = option.allowedValues
                    let choices = allowed.isEmpty ? "" : "; use one of: " + allowed.joined(separator: ", ")
                    throw UsageError("The value '\(text)' is invalid for \(label)\(choices)")
                }
            }
        }
    }

    /// `Unknown option '--coun'. Did you mean '--count'?` when a listed name is at most two edits away.
    private static func unknownOption(_ spelling: String, among options: [ParsedOption]) -> UsageError {
        let typed = Array(spelling.dropFirst(2))
        let closest = options.filter { !$0.isHidden }.map {
            (name: $0.long, edits: editDistance(typed, Array($0.long)))
        }
        .min { $0.edits < $1.edits }
        guard let closest, closest.edits <= 2 else { return UsageError("Unknown option '\(spelling)'") }
        return UsageError("Unknown option '\(spelling)'. Did you mean '--\(closest.name)'?")
    }

    /// Levenshtein distance: insertions, deletions and substitutions, one row at a time.
    private static func editDistance(_ from: [Character], _ to: [Character]) -> Int {
        var previous = Array(0...to.count)
        for (row, letter) in from.enumerated() {
            var current = [row + 1]
            for (column, other) in to.enumerated() {
                current.append(
                    min(previous[column] + (letter == other ? 0 : 1), previous[column + 1] + 1, current[column] + 1))
            }
            previous = current
        }
        return previous[to.count]
    }
}
