/// The shells `--generate-completion-script` writes for.
enum CompletionShell: String, CommandLineEnum {
    case bash
    case zsh
    case fish
}

/// Shell completion scripts, written from the spec: the options, their allowed values, folders for a `.directory`
/// value and files for a `.file` value and for the positionals.
extension CommandLineSpec {
    func completionScript(for shell: CompletionShell) -> String {
        let options = allOptions.filter { !$0.isHidden }
        let header =
            "# \(shell.rawValue) completion for \(name), written by `\(name) --generate-completion-script "
            + "\(shell.rawValue)`.\n"
        switch shell {
        case .bash: return header + bashScript(options)
        case .zsh: return "#compdef \(name)\n" + header + zshScript(options)
        case .fish: return header + fishScript(options)
        }
    }

    /// A `complete -F` function: values after an option that takes one, names after `-`, else files.
    private func bashScript(_ options: [ParsedOption]) -> String {
        let function = "_" + name.map { $0.isLetter || $0.isNumber ? $0 : "_" }
        var cases: [String] = []
        var freeValues: [String] = []
        for option in options {
            guard case .value = option.action else { continue }
            if !option.allowedValues.isEmpty {
                let words = option.allowedValues.joined(separator: " ")
                cases.append(
                    "        --\(option.long)) mapfile -t COMPREPLY < <(compgen -W '\(words)' -- \"$cur\"); return ;;")
            } else if option.completion == .nothing {
                freeValues.append("--\(option.long)")
            } else {
                cases.append("        --\(option.long)) \(Self.bashFiles(option.completion)); return ;;")
            }
        }
        if !freeValues.isEmpty { cases.append("        \(freeValues.joined(separator: "|"))) return ;;") }
        let names = options.flatMap { option in (option.short.map { ["-\($0)"] } ?? []) + ["--\(option.long)"] }
        return """
            \(function)() {
                local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
                COMPREPLY=()
                case $prev in
            \(cases.joined(separator: "\n"))
                esac
                if [[ $cur == -* ]]; then
                    mapfile -t COMPREPLY < <(compgen -W '\(names.joined(separator: " "))' -- "$cur")
                else
                    \(Self.bashFiles(positionals.completion))
                fi
            }
            complete -F \(function) \(name)

            """
    }

    /// Files or folders, quoted as file names. `compopt` fails outside a completion (a test calling the function),
    /// where quoting does not matter.
    private static func bashFiles(_ completion: CommandLineCompletion) -> String {
        let kind = completion == .directory ? "-d" : "-f"
        return "compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen \(kind) -- \"$cur\")"
    }

    /// One `_arguments` call: `-s` for grouped short flags, `-S` for `--`.
    private func zshScript(_ options: [ParsedOption]) -> String {
        func quoted(_ text: String) -> String {
            "'" + text.replacing("'", with: "'\\''") + "'"
        }
        func described(_ help: String) -> String {
            "[" + help.replacing("\\", with: "\\\\").replacing("[", with: "\\[").replacing("]", with: "\\]") + "]"
        }
        func action(_ completion: CommandLineCompletion) -> String {
            switch completion {
            case .nothing: " "
            case .file: "_files"
            case .directory: "_files -/"
            }
        }
        var specs: [String] = []
        for option in options {
            var tail = described(option.help)
            if case .value(let valueName, _) = option.action {
                let values = option.allowedValues.joined(separator: " ")
                tail = "=" + tail + ":\(valueName):" + (values.isEmpty ? action(option.completion) : "(\(values))")
            }
            let long = "--\(option.long)"
            specs.append(
                option.short.map { quoted("(-\($0) \(long))") + "{-\($0),\(long)}" + quoted(tail) }
                    ?? quoted(long + tail))
        }
        specs.append(quoted("*:\(positionals.valueName):\(action(positionals.completion))"))
        return "_arguments -s -S \\\n    " + specs.joined(separator: " \\\n    ") + "\n"
    }

    /// One `complete -c` line per option; fish completes files for the positionals by itself.
    private func fishScript(_ options: [ParsedOption]) -> String {
        func quoted(_ text: String) -> String {
            "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
        }
        var lines: [String] = []
        for option in options {
            var line = "complete -c \(name)"
            if let short = option.short { line += " -s \(short)" }
            line += " -l \(option.long)"
            if case .value = option.action {
                if !option.allowedValues.isEmpty {
                    line += " -x -a " + quoted(option.allowedValues.joined(separator: " "))
                } else {
                    switch option.completion {
                    case .nothing: line += " -x"
                    case .file: line += " -r -F"
                    case .directory: line += " -x -a '(__fish_complete_directories (commandline -ct))'"
                    }
                }
            }
            lines.append(line + " -d " + quoted(option.help))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
