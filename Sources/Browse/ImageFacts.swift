import Figures
public import Imaging
import Render

/// What `i` shows about one image, on one line under the enlarged view.
public struct ImageFacts: Sendable, Hashable {
    public var url: String
    public var bytes: Int64
    /// The image's own size, before any scaling; nil when the decoder did not get that far.
    public var pixelSize: PixelSize?
    /// `JPEG`, `PNG`, …, as the decoder recognised it.
    public var format: String?
    /// From the request to the last byte.
    public var downloadTime: Duration?
    /// Where the image is saved; nil when it is only in the spool (or nowhere).
    public var savedPath: String?

    public init(
        url: String, bytes: Int64, pixelSize: PixelSize? = nil, format: String? = nil, downloadTime: Duration? = nil,
        savedPath: String? = nil
    ) {
        self.url = url
        self.bytes = bytes
        self.pixelSize = pixelSize
        self.format = format
        self.downloadTime = downloadTime
        self.savedPath = savedPath
    }

    /// The facts after the URL, in order: `14_739_448 bytes · 5184×3456 · JPEG · 2.41 s · saved out/a.jpg`.
    public var details: [String] {
        var parts = [grouped(bytes) + " bytes"]
        if let pixelSize { parts.append("\(pixelSize.width)×\(pixelSize.height)") }
        if let format { parts.append(Sanitizer.clean(format)) }
        if let downloadTime { parts.append(formatSeconds(downloadTime, .hundredths)) }
        parts.append(savedPath.map { "saved " + Sanitizer.clean($0) } ?? "not saved")
        return parts
    }

    /// The line, at most `width` columns: the URL gives way first (cut in the middle, so its host and file name
    /// stay), down to a few columns; then the whole line is cut at the end.
    public func line(width: Int) -> String {
        guard width > 0 else { return "" }
        let separator = " · "
        let tail = details.joined(separator: separator)
        let url = Sanitizer.clean(url)
        let urlRoom = width - DisplayWidth.of(tail) - DisplayWidth.of(separator)
        let minimumURL = 12
        guard urlRoom >= minimumURL || DisplayWidth.of(url) <= urlRoom else {
            return DisplayWidth.ellipsize(tail, toWidth: width)
        }
        return DisplayWidth.ellipsize(url, toWidth: urlRoom, truncation: .middle) + separator + tail
    }

    /// The line's bytes on `row`, over whatever the row held.
    public func frame(row: Int, width: Int) -> [UInt8] {
        var frame: [UInt8] = []
        frame.append(.resetAttributes)
        frame.append(.cursorPosition(CellPosition(row: row, column: 0)))
        frame.append(.eraseLine)
        // Never the last column: writing there leaves the cursor waiting to wrap.
        frame.append(contentsOf: line(width: max(0, width - 1)).utf8)
        return frame
    }
}
