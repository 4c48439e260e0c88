/// A program's command line as one declarative value. The parser, `--help` and the shell completion scripts are all
/// read from it, so the help always describes what the parser accepts.
///
/// Plain generics over the command's type: no reflection, no `Mirror`, no existential casts, no Foundation. The
/// parser runs at every start, and time to the first image is gallery's headline figure.
struct CommandLineSpec<Command> {
    /// The program's name, as in `USAGE:` and in the completion scripts.
    var name: String
    var version: String
    /// The help's first line, after `OVERVIEW:`.
    var abstract: String
    /// Paragraphs after the overview, separated by blank lines.
    var discussion: String
    /// The command before any argument is applied: the parser starts from it, and the help shows its defaults.
    var defaults: Command
    var positionals: CommandLinePositionals<Command>
    /// In the order the help lists them; `--version` and `-h, --help` follow.
    var options: [CommandLineOption<Command>]

    /// An option as the parser applies it: to the command inside `ParsedArguments`, or to a built-in request.
    typealias ParsedOption = CommandLineOption<ParsedArguments<Command>>

    /// The table's options, then the built-in ones.
    var allOptions: [ParsedOption] {
        options.map { $0.acting(on: \.command) } + ParsedArguments.builtins
    }
}

/// The arguments that are not options: any number of them, each appended to one array field.
struct CommandLinePositionals<Command> {
    /// The placeholder in the help: `<list>`.
    var valueName: String
    var help: String
    var completion: CommandLineCompletion
    var append: (inout Command, String) -> Void

    init(
        _ valueName: String, _ field: WritableKeyPath<Command, [String]>, help: String,
        completion: CommandLineCompletion = .file
    ) {
        self.valueName = valueName
        self.help = help
        self.completion = completion
        self.append = { $0[keyPath: field].append($1) }
    }
}

/// One option: its names, its help, and how it sets its field.
struct CommandLineOption<Command> {
    enum Action {
        /// Sets the field; takes no value.
        case flag((inout Command) -> Void)
        /// Parses the text into the field; false when it is not a valid value. `valueName` is the help's `<n>`.
        case value(valueName: String, (inout Command, String) -> Bool)
    }

    /// Without the leading `--`.
    var long: String
    var short: Character?
    var help: String
    /// The only values accepted, listed by the help, the error message and the completion scripts; empty when any
    /// text of the right form goes.
    var allowedValues: [String]
    var completion: CommandLineCompletion
    /// The default as the help shows it, read from the command's initial value so it cannot drift; nil shows none.
    var defaultText: (Command) -> String?
    var action: Action
    /// Accepted, but left out of the help and the completion scripts.
    var isHidden = false

    /// `--name` or `-n, --name`, then ` <value>` when it takes one: how the help and the error messages name it.
    var label: String {
        let names = short.map { "-\($0), --\(long)" } ?? "--\(long)"
        guard case .value(let valueName, _) = action else { return names }
        return "\(names) <\(valueName)>"
    }

    /// A flag: present sets the field to true.
    static func flag(
        _ long: String, short: Character? = nil, _ field: WritableKeyPath<Command, Bool>, help: String
    ) -> Self {
        Self(
            long: long, short: short, help: help, allowedValues: [], completion: .nothing, defaultText: { _ in nil },
            action: .flag { $0[keyPath: field] = true })
    }

    /// An option with a value; the help shows the field's initial value as the default.
    static func option<Value: CommandLineValue>(
        _ long: String, _ field: WritableKeyPath<Command, Value>, value valueName: String, help: String,
        completion: CommandLineCompletion = .nothing
    ) -> Self {
        valued(long, valueName, help, completion, shown: { $0[keyPath: field].commandLineText }) {
            (command: inout Command, value: Value) in command[keyPath: field] = value
        }
    }

    /// An option whose field stays nil unless given; the help shows a default only when the field has one.
    static func option<Value: CommandLineValue>(
        _ long: String, _ field: WritableKeyPath<Command, Value?>, value valueName: String, help: String,
        completion: CommandLineCompletion = .nothing
    ) -> Self {
        valued(long, valueName, help, completion, shown: { $0[keyPath: field]?.commandLineText }) {
            (command: inout Command, value: Value) in command[keyPath: field] = value
        }
    }

    private static func valued<Value: CommandLineValue>(
        _ long: String, _ valueName: String, _ help: String, _ completion: CommandLineCompletion,
        shown: @escaping (Command) -> String?, store: @escaping (inout Command, Value) -> Void
    ) -> Self {
        let action = Action.value(valueName: valueName) { command, text in
            guard let value = Value(commandLine: text) else { return false }
            store(&command, value)
            return true
        }
        return Self(
            long: long, short: nil, help: help, allowedValues: Value.allowedValues, completion: completion,
            defaultText: shown, action: action)
    }

    /// The same option, left out of the help and the completion scripts.
    func hidden() -> Self {
        var option = self
        option.isHidden = true
        return option
    }

    /// The same option acting on the `Command` inside an `Outer` value (the table's options inside
    /// `ParsedArguments`, next to the built-in ones).
    func acting<Outer>(on path: WritableKeyPath<Outer, Command>) -> CommandLineOption<Outer> {
        let outerAction: CommandLineOption<Outer>.Action
        switch action {
        case .flag(let set): outerAction = .flag { set(&$0[keyPath: path]) }
        case .value(let valueName, let set): outerAction = .value(valueName: valueName) { set(&$0[keyPath: path], $1) }
        }
        let shown = defaultText
        return CommandLineOption<Outer>(
            long: long, short: short, help: help, allowedValues: allowedValues, completion: completion,
            defaultText: { shown($0[keyPath: path]) }, action: outerAction, isHidden: isHidden)
    }
}

/// What a shell offers for a value, besides an option's `allowedValues`.
enum CommandLineCompletion {
    /// Nothing: the shell cannot guess a number or a URL.
    case nothing
    case file
    case directory
}

/// A type an option's text parses into.
protocol CommandLineValue {
    /// nil when `text` is not a value of this type.
    init?(commandLine text: String)
    /// The value as the help shows it after `default:`.
    var commandLineText: String { get }
    /// The only texts accepted; empty when any text of the right form goes.
    static var allowedValues: [String] { get }
}

extension CommandLineValue {
    static var allowedValues: [String] { [] }
}

/// Numbers and text: the standard library's own parsing (`+3` is 3; ` 3`, `1.5` and `0x10` are not Ints).
extension CommandLineValue where Self: LosslessStringConvertible {
    init?(commandLine text: String) { self.init(text) }
    var commandLineText: String { description }
}

extension String: CommandLineValue {}
extension Int: CommandLineValue {}
extension Int64: CommandLineValue {}
extension UInt64: CommandLineValue {}

extension Double: CommandLineValue {
    /// Finite numbers only: `inf` and `nan` are not durations (they crashed the seconds-to-milliseconds conversion).
    init?(commandLine text: String) {
        guard let value = Double(text), value.isFinite else { return nil }
        self = value
    }
}

/// An enum whose raw values are the accepted texts, listed in case order.
protocol CommandLineEnum: CommandLineValue, CaseIterable, RawRepresentable<String> {}

extension CommandLineEnum {
    init?(commandLine text: String) { self.init(rawValue: text) }
    var commandLineText: String { rawValue }
    static var allowedValues: [String] { allCases.map(\.rawValue) }
}

/// A command line that cannot run: printed as the one line `gallery: <message>`, with exit status 2.
struct UsageError: Error {
    var message: String

    init(_ message: String) { self.message = message }
}
