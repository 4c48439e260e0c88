import Selection

/// The talk's output on stdout: one line per shown image, numbered in completion order, then the total.
struct ReportLines: RunOutput {
    let reporter: Reporter

    func record(_ event: RunEvent) async {
        switch event {
        case .completed(let image, let index, _, _):
            reporter.line(Report.line(index: index, bytes: image.bytes, name: image.candidate.name))
        case .summary(_, _, let bytes, _):
            reporter.line(Report.total(bytes))
        case .selected, .started, .failed:
            break
        }
    }
}

/// `--json`: every event as one JSON object per line on stdout, for scripts.
struct JSONEvents: RunOutput {
    let reporter: Reporter

    func record(_ event: RunEvent) async {
        reporter.line(event.json)
    }
}
