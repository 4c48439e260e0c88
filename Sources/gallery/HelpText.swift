import Render

#if canImport(Glibc)
    import Glibc
#endif

/// `--help`, rendered from the spec in the layout swift-argument-parser gave it (Fixtures/golden/help.txt pins it):
/// OVERVIEW, the discussion, USAGE, ARGUMENTS, OPTIONS; each option's label in a column of 26 and its help beside it.
enum HelpText {
    /// Where an option's help starts, and where its continuation lines are indented to.
    static let helpColumn = 26

    /// `COLUMNS` when it is a positive number, else the width of the terminal on stdout, else 80.
    static func width() -> Int {
        if let text = getenv("COLUMNS"), let columns = Int(String(cString: text)), columns > 0 {
            return columns
        }
        return Terminal.windowSize(of: STDOUT_FILENO)?.columns ?? 80
    }

    /// Greedy word wrap to `width` characters; paragraphs are split at newlines and blank lines kept.
    ///
    /// The last column is left to the text's final line: every other line breaks before it. That is how the help
    /// read under swift-argument-parser, and keeping it keeps the help unchanged at every width. A word longer than
    /// the width stands on a line of its own.
    static func wrap(_ text: String, width: Int) -> [Substring] {
        let paragraphs = text.split(separator: "\n", omittingEmptySubsequences: false)
        var lines: [Substring] = []
        for (index, paragraph) in paragraphs.enumerated() {
            let limit = index == paragraphs.count - 1 ? width : width - 1
            var rest = paragraph
            while rest.count > limit, let space = rest.prefix(width).lastIndex(of: " ") ?? rest.firstIndex(of: " ") {
                lines.append(rest[..<space])
                rest = rest[rest.index(after: space)...]
            }
            lines.append(rest)
        }
        return lines
    }

    /// A label in the column and its help beside it, continuation lines indented to the column; a label too long
    /// for the column (it needs two spaces after it) puts its help on the next line.
    static func row(label: String, help: String, width: Int) -> [String] {
        let indent = String(repeating: " ", count: helpColumn)
        let lines = wrap(help, width: max(1, width - helpColumn)).map { indent + $0 }
        let labelled = "  " + label
        guard labelled.count + 2 <= helpColumn else { return [labelled] + lines }
        return [labelled + lines[0].dropFirst(labelled.count)] + lines.dropFirst()
    }
}

extension CommandLineSpec {
    /// The help text, ending with a blank line.
    func helpText(width: Int) -> String {
        var lines = HelpText.wrap("OVERVIEW: \(abstract)\n\n\(discussion)", width: width).map(String.init)
        lines += ["", "USAGE: \(name) [<options>] [<\(positionals.valueName)> ...]", "", "ARGUMENTS:"]
        lines += HelpText.row(label: "<\(positionals.valueName)>", help: positionals.help, width: width)
        lines += ["", "OPTIONS:"]
        let shownDefaults = ParsedArguments(command: defaults)
        for option in allOptions where !option.isHidden {
            var notes: [String] = []
            if !option.allowedValues.isEmpty { notes.append("values: " + option.allowedValues.joined(separator: ", ")) }
            if let shown = option.defaultText(shownDefaults) { notes.append("default: " + shown) }
            let help = notes.isEmpty ? option.help : "\(option.help) (\(notes.joined(separator: "; ")))"
            lines += HelpText.row(label: option.label, help: help, width: width)
        }
        return lines.joined(separator: "\n") + "\n\n"
    }
}
