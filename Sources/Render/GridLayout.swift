public import Imaging

/// Where each slot of the contact sheet goes on a screen of a given size. Pure: same inputs, same layout.
///
/// A slot is a thumbnail with two caption lines under it (`( 1)  14_739_448 bytes`, then the name). Slots sit
/// in a grid at the top of the screen with a one-column gutter between them and a blank row between slot
/// rows; everything under the grid is the progress area. The column count is the one that gives the largest
/// thumbnails, judged by the area of an `imageAspect` picture fitted into a thumbnail, with cells counted as
/// one pixel wide and two tall (the half-block geometry). When even the smallest useful thumbnails cannot
/// show every slot row at once, the grid keeps the newest `visibleSlotRows` on screen and older rows scroll
/// off the top (`firstVisibleSlotRow(showingSlot:)`), rather than drawing past the screen.
public struct GridLayout: Sendable, Hashable {
    /// Caption lines under each thumbnail.
    public static let captionLines = 2
    /// Columns between neighbouring slots, and blank rows between slot rows.
    public static let gutter = 1
    /// Below this a thumbnail stops being recognisable, so the grid scrolls instead of shrinking further.
    public static let minimumThumbnail = CellSize(columns: 6, rows: 2)
    /// Thumbnail width used when the grid has to scroll: large enough to read, small enough to show many.
    public static let scrollingThumbnailColumns = 12

    public let terminal: CellSize
    public let slotCount: Int
    /// The aspect hint the layout was made for, kept so `resized(to:)` can make the same choice again.
    public let imageAspect: Double
    /// The caller's progress-area request, if any, kept for `resized(to:)`.
    public let requestedProgressRows: Int?
    /// Slots per grid row.
    public let columns: Int
    /// Grid rows needed for every slot.
    public let slotRows: Int
    /// Grid rows on screen at once; less than `slotRows` when the grid scrolls, 0 when nothing fits.
    public let visibleSlotRows: Int
    /// Thumbnail plus caption.
    public let slotSize: CellSize
    /// The cells available to an image; the image is centred in them.
    public let thumbnailSize: CellSize

    /// A layout for `slotCount` slots on a `terminal`-sized screen.
    ///
    /// - Parameters:
    ///   - imageAspect: expected width ÷ height of the pictures (3:2 landscape unless the caller knows better).
    ///   - progressRows: rows kept free under the grid; by default one per slot plus the aggregate line and a
    ///     separator, but never more than a third of the screen.
    public init(terminal: CellSize, slotCount: Int, imageAspect: Double = 1.5, progressRows: Int? = nil) {
        self.terminal = terminal
        self.slotCount = max(0, slotCount)
        let aspect = imageAspect.isFinite && imageAspect > 0 ? imageAspect : 1.5
        self.imageAspect = aspect
        self.requestedProgressRows = progressRows
        let reserve = progressRows ?? min(max(self.slotCount + 2, 3), max(1, terminal.rows / 3))
        let gridHeight = max(0, terminal.rows - max(0, reserve))

        let chosen = Self.bestCandidate(
            terminal: terminal, slotCount: self.slotCount, aspect: aspect, gridHeight: gridHeight)
        columns = chosen?.columns ?? 0
        slotRows = chosen?.slotRows ?? 0
        visibleSlotRows = chosen?.visibleRows ?? 0
        thumbnailSize = chosen?.thumbnail ?? CellSize(columns: 0, rows: 0)
        slotSize = CellSize(columns: thumbnailSize.columns, rows: thumbnailSize.rows + Self.captionLines)
    }

    /// The same request on a terminal of another size (after SIGWINCH).
    public func resized(to terminal: CellSize) -> GridLayout {
        GridLayout(
            terminal: terminal, slotCount: slotCount, imageAspect: imageAspect, progressRows: requestedProgressRows)
    }

    /// True when not every slot row fits and older rows scroll off the top.
    public var scrolls: Bool { visibleSlotRows < slotRows }

    /// The pixel box a half-block thumbnail holds: one pixel per column, two per row.
    public var pixelBox: PixelSize {
        PixelSize(width: thumbnailSize.columns, height: thumbnailSize.rows * 2)
    }

    /// Rows the grid occupies on screen, from row 0.
    public var gridHeight: Int {
        visibleSlotRows == 0 ? 0 : visibleSlotRows * slotSize.rows + (visibleSlotRows - 1) * Self.gutter
    }

    /// Everything under the grid and its blank separator row.
    public var progressArea: CellRect {
        let top = gridHeight == 0 ? 0 : gridHeight + Self.gutter
        return CellRect(row: top, column: 0, columns: terminal.columns, rows: max(0, terminal.rows - top))
    }

    /// The grid row a slot belongs to.
    public func slotRow(of slot: Int) -> Int {
        columns == 0 ? 0 : slot / columns
    }

    /// The first visible grid row that keeps `slot`'s row on screen while showing as many earlier rows as fit.
    /// Slots fill in order, so following the newest one is what "scroll older rows off the top" means.
    public func firstVisibleSlotRow(showingSlot slot: Int) -> Int {
        max(0, slotRow(of: slot) - visibleSlotRows + 1)
    }

    /// The whole slot (thumbnail and caption), or nil when it is scrolled off or beyond `slotCount`.
    public func slotRect(_ slot: Int, firstVisibleSlotRow: Int = 0) -> CellRect? {
        guard (0..<slotCount).contains(slot), columns > 0 else { return nil }
        let row = slot / columns - firstVisibleSlotRow
        guard (0..<visibleSlotRows).contains(row) else { return nil }
        return CellRect(
            row: row * (slotSize.rows + Self.gutter),
            column: (slot % columns) * (slotSize.columns + Self.gutter),
            columns: slotSize.columns,
            rows: slotSize.rows)
    }

    /// The image part of a slot.
    public func thumbnailRect(_ slot: Int, firstVisibleSlotRow: Int = 0) -> CellRect? {
        slotRect(slot, firstVisibleSlotRow: firstVisibleSlotRow).map {
            CellRect(origin: $0.origin, size: thumbnailSize)
        }
    }

    /// The caption lines of a slot, under the thumbnail.
    public func captionRect(_ slot: Int, firstVisibleSlotRow: Int = 0) -> CellRect? {
        slotRect(slot, firstVisibleSlotRow: firstVisibleSlotRow).map {
            CellRect(
                row: $0.origin.row + thumbnailSize.rows, column: $0.origin.column,
                columns: slotSize.columns, rows: Self.captionLines)
        }
    }
}

extension GridLayout {
    struct Candidate {
        var columns: Int
        var slotRows: Int
        var visibleRows: Int
        var thumbnail: CellSize
        var fittedArea: Int
    }

    /// Tries every column count; a grid that shows all rows beats one that scrolls, then larger thumbnails win,
    /// and among thumbnails within 5% of each other the one with more columns (a shorter grid) wins.
    static func bestCandidate(terminal: CellSize, slotCount: Int, aspect: Double, gridHeight: Int) -> Candidate? {
        guard slotCount > 0, terminal.columns > 0, gridHeight > 0 else { return nil }
        var bestFitting: Candidate?
        var bestScrolling: Candidate?
        for columns in 1...slotCount {
            let slotWidth = (terminal.columns - (columns - 1) * gutter) / columns
            guard slotWidth >= minimumThumbnail.columns else { break }
            let slotRows = (slotCount + columns - 1) / columns
            let rowsForWidth = thumbnailRows(forWidth: slotWidth, aspect: aspect)
            let rowsIfAllVisible = (gridHeight - (slotRows - 1) * gutter) / slotRows - captionLines

            if rowsIfAllVisible >= minimumThumbnail.rows {
                let thumbnail = CellSize(columns: slotWidth, rows: min(rowsForWidth, rowsIfAllVisible))
                let candidate = Candidate(
                    columns: columns, slotRows: slotRows, visibleRows: slotRows, thumbnail: thumbnail,
                    fittedArea: fittedArea(thumbnail, aspect: aspect))
                if let best = bestFitting, Double(candidate.fittedArea) < Double(best.fittedArea) * 0.95 {
                    continue
                }
                bestFitting = candidate
            } else if bestFitting == nil {
                // Scrolling: the most columns whose thumbnails are still comfortably readable, else one column.
                let rows = min(rowsForWidth, max(minimumThumbnail.rows, gridHeight - captionLines))
                let visible = min(slotRows, (gridHeight + gutter) / (rows + captionLines + gutter))
                guard visible > 0 else { continue }
                if bestScrolling == nil || slotWidth >= scrollingThumbnailColumns {
                    let thumbnail = CellSize(columns: slotWidth, rows: rows)
                    bestScrolling = Candidate(
                        columns: columns, slotRows: slotRows, visibleRows: visible, thumbnail: thumbnail,
                        fittedArea: fittedArea(thumbnail, aspect: aspect))
                }
            }
        }
        return bestFitting ?? bestScrolling
    }

    /// Cell rows an image as wide as `width` needs at `aspect`, two pixel rows per cell.
    static func thumbnailRows(forWidth width: Int, aspect: Double) -> Int {
        let heightInPixels = Double(width) / aspect
        return max(1, Int((heightInPixels / 2).rounded(.up)))
    }

    /// Pixels of an `aspect` picture scaled to fit a thumbnail (half-block pixels).
    static func fittedArea(_ thumbnail: CellSize, aspect: Double) -> Int {
        let boxWidth = Double(thumbnail.columns)
        let boxHeight = Double(thumbnail.rows * 2)
        let width = min(boxWidth, (boxHeight * aspect).rounded(.down))
        let height = min(boxHeight, (boxWidth / aspect).rounded(.down))
        return Int(width * height)
    }
}
