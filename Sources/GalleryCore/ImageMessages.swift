import Fetch
import Figures
import Render
import Selection

/// What stderr says about each image, whatever stdout shows: a failure names its URL and reason; a shown image
/// found saved says so, and `--verbose` adds its transfer's details.
struct ImageMessages: RunOutput {
    let reporter: Reporter
    /// `--save`'s folder, to name where a cached image was found.
    let saveFolder: SaveFolder?

    func record(_ event: RunEvent) async {
        switch event {
        case .completed(let image, _, _, _):
            if image.cached {
                let savedAs = saveFolder.map { $0.display(image.savedAs ?? "") } ?? ""
                reporter.warning("\(Sanitizer.clean(image.candidate.url)): cached as \(Sanitizer.clean(savedAs))")
            }
            if reporter.verbose { reporter.detail(Self.detail(on: image)) }
        case .failed(let candidate, let reason):
            reporter.error("\(Sanitizer.clean(candidate.url)): \(Sanitizer.clean(reason))")
        case .selected, .started, .summary:
            break
        }
    }

    /// `URL: HTTP/1.1, new connection, 1_234 bytes in 0.41 s, decoded after 0.43 s`, or how it was read from disk.
    static func detail(on image: ShownImage) -> String {
        let url = Sanitizer.clean(image.candidate.url)
        guard let response = image.response else {
            return "\(url): read from disk, decoded after \(formatSeconds(image.seconds, .hundredths))"
        }
        let connection = response.newConnections > 0 ? "new connection" : "reused connection"
        let resumed = image.resumedFrom.map { ", resumed from \(grouped($0)) bytes" } ?? ""
        let retries =
            response.retries > 0 ? ", after \(response.retries) \(response.retries == 1 ? "retry" : "retries")" : ""
        return "\(url): HTTP/\(response.httpVersion), \(connection), \(grouped(response.bytes)) bytes "
            + "in \(formatSeconds(response.seconds, .hundredths)), decoded after \(formatSeconds(image.seconds, .hundredths))"
            + resumed + retries
    }
}
