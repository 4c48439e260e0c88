import Selection

/// What reading the lists turned up since the last look: lines for stderr, and hosts whose politeness limits now
/// apply. The pipeline prints them through its one output path (deferred while the grid owns the screen).
public struct ListNews: Sendable {
    /// Malformed lines, at most `MalformedLog.warnedLines` per input: warnings, or errors under `--strict`.
    public var malformed: [MalformedLine] = []
    /// One line per input skipped or unreadable (`photo.jpg: not a URL list (…); skipped`), and per input whose
    /// malformed lines outnumbered the warnings (`list.txt: 12_345 more malformed lines skipped`).
    public var lines: [String] = []
    /// Profiled hosts (`HostProfile.all`) whose first URL was just read.
    public var hosts: [String] = []
    /// Under `--strict`, the malformed line that ends the run.
    public var refused: MalformedLine?
    /// Every input has been read to its end (or skipped).
    public var finished = false

    public init() {}
}

/// How the inputs fared, for the exit status: at least 1 when one was skipped, 2 when none was usable or one
/// could not be read at all.
public struct InputTally: Sendable, Equatable {
    /// Inputs opened; one the run never reached (first-N stopped before it) still counts as usable.
    public var opened = 0
    /// Opened, then refused as not a list.
    public var skipped = 0
    /// Not opened, or opened and failing at a read.
    public var unreadable = 0
    var failedReads = 0

    public init() {}

    public var usable: Int { opened - skipped - failedReads }

    /// The least exit status the inputs allow; nil when every input was a readable list.
    public var statusFloor: ExitStatus? {
        if unreadable > 0 || usable == 0 { return .failure }
        return skipped > 0 ? .partial : nil
    }
}
