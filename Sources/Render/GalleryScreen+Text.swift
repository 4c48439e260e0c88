/// Byte building for text: captions, placeholders and the progress area under the grid.
extension GalleryScreen {
    enum TextWeight {
        case normal, bold, dim, failure
    }

    /// Positions the cursor, writes `text` (already sanitized and fitted) and resets the attributes.
    func appendText(_ text: String, at position: CellPosition, style: TextWeight, to frame: inout [UInt8]) {
        frame.append(.cursorPosition(position))
        let styled = textStyle == .styled && style != .normal
        if styled {
            switch style {
            case .bold: frame.append(.bold)
            case .dim: frame.append(.dim)
            case .failure: frame.append(.foreground(.ansi(1)))
            case .normal: break
            }
        }
        frame.append(contentsOf: text.utf8)
        if styled {
            frame.append(.resetAttributes)
        }
    }

    /// The progress area's content, top to bottom: failures, active downloads, then the aggregate line.
    /// When there are more lines than rows, the oldest failures and the last downloads are folded into one
    /// `…` line each, and the aggregate line is always kept.
    func progressAreaLines() -> [(text: String, weight: TextWeight)] {
        let rows = layout.progressArea.size.rows
        let width = max(0, layout.terminal.columns - 1)  // never the last column: no pending-wrap surprises
        guard rows > 0 else { return [] }
        var available = rows - (summary == nil ? 0 : 1) - (statusText == nil ? 0 : 1)

        let failures = sheet.failures
        let failureRows = min(failures.count, activeProgress.isEmpty ? available : max(1, available / 2))
        var lines: [(text: String, weight: TextWeight)] = []
        if failureRows > 0 {
            var shown = failures.suffix(failureRows)[...]
            if failureRows < failures.count {
                let hidden = failures.count - failureRows + 1
                lines.append(("✗ … \(hidden) more failed", .failure))
                shown = shown.dropFirst()
            }
            for failure in shown {
                let text = "✗ " + Sanitizer.displayName(failure.name) + ": " + Sanitizer.clean(failure.reason)
                lines.append((DisplayWidth.ellipsize(text, toWidth: width), .failure))
            }
        }
        available -= lines.count

        let progressRows = min(activeProgress.count, max(0, available))
        if progressRows > 0 {
            var shown = activeProgress.prefix(progressRows)[...]
            let hidden = activeProgress.count - progressRows
            if hidden > 0 {
                shown = shown.dropLast()
            }
            for line in shown {
                lines.append((ProgressText.line(line, width: width), .normal))
            }
            if hidden > 0 {
                lines.append((DisplayWidth.ellipsize("… \(hidden + 1) more downloading", toWidth: width), .dim))
            }
        }
        if let statusText, lines.count < rows {
            lines.append((DisplayWidth.ellipsize(Sanitizer.clean(statusText), toWidth: width), .normal))
        }
        if let summary {
            lines.append((ProgressText.summary(summary, width: width), .bold))
        }
        return lines
    }

    /// Redraws the progress-area rows whose bytes differ from what is on screen; rows past the content are
    /// erased once.
    mutating func appendProgressArea(to frame: inout [UInt8]) {
        let area = layout.progressArea
        let lines = progressAreaLines()
        if drawnProgressRows.count != area.size.rows {
            drawnProgressRows = Array(repeating: nil, count: area.size.rows)
        }
        for offset in 0..<area.size.rows {
            let position = CellPosition(row: area.origin.row + offset, column: 0)
            var row: [UInt8] = []
            if offset < lines.count {
                appendText(lines[offset].text, at: position, style: lines[offset].weight, to: &row)
            } else {
                row.append(.cursorPosition(position))
            }
            row.append(.eraseToEndOfLine)
            if drawnProgressRows[offset] != row {
                frame.append(contentsOf: row)
                drawnProgressRows[offset] = row
            }
        }
    }
}
