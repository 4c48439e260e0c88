import Selection

/// The URL lists, parsed once: the command line needs their URLs (for the host profiles the fetch engine is set up
/// with) before the pipeline chooses among them.
public struct ParsedLists: Sendable {
    let list: URLList

    public init(_ inputs: [ListInput], baseURL: String) {
        var list = URLList(baseURL: baseURL)
        for input in inputs { list.add(input.bytes, source: input.source) }
        self.list = list
    }

    /// Every usable URL, in list order.
    public var urls: [String] { list.candidates.map(\.url) }
}
