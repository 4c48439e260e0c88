import Imaging

/// Byte building for the grid: placeholders, thumbnails with captions, and the end-of-run dash.
extension GalleryScreen {
    func appendGrid(to frame: inout [UInt8]) {
        // Images that outlive their cells (kitty) would stay where the scrolled-away rows were.
        frame.append(contentsOf: encoder.eraseAll(slotCount: sheet.slots.count))
        frame.append(.resetAttributes)
        for row in 0..<layout.gridHeight {
            frame.append(.cursorPosition(CellPosition(row: row, column: 0)))
            frame.append(.eraseLine)
        }
        appendVisibleSlots(to: &frame)
    }

    func appendVisibleSlots(to frame: inout [UInt8]) {
        for slot in sheet.slots.indices {
            appendSlot(slot, to: &frame)
        }
    }

    /// Draws one slot from the model; nothing when it is scrolled off. Every byte lands inside its rectangle.
    func appendSlot(_ slot: Int, to frame: inout [UInt8]) {
        guard let thumbnail = layout.thumbnailRect(slot, firstVisibleSlotRow: firstVisibleSlotRow),
            let captionRect = layout.captionRect(slot, firstVisibleSlotRow: firstVisibleSlotRow),
            sheet.slots.indices.contains(slot)
        else { return }
        let width = captionRect.size.columns
        switch sheet.slots[slot] {
        case .placeholder:
            frame.append(contentsOf: encoder.erase(slot: slot))
            appendPlaceholder(number: slot + 1, in: thumbnail, to: &frame)
            appendText(
                DisplayWidth.padded(Self.slotLabel(slot + 1), toWidth: width), at: captionRect.origin, style: .dim,
                to: &frame)
            appendText(String(repeating: " ", count: width), at: captionRow(captionRect, 1), style: .normal, to: &frame)
        case .image(let pixels, let caption):
            appendImage(pixels, in: thumbnail, slot: slot, to: &frame)
            let lines = caption.lines(width: width)
            appendText(lines.title, at: captionRect.origin, style: .bold, to: &frame)
            appendText(lines.name, at: captionRow(captionRect, 1), style: .normal, to: &frame)
        case .empty:
            frame.append(contentsOf: encoder.erase(slot: slot))
            appendBlank(thumbnail, except: nil, to: &frame)
            let middle = CellPosition(
                row: thumbnail.origin.row + thumbnail.size.rows / 2,
                column: thumbnail.origin.column + max(0, (thumbnail.size.columns - 1) / 2))
            appendText("–", at: middle, style: .dim, to: &frame)
            appendText(
                DisplayWidth.padded(Self.slotLabel(slot + 1), toWidth: width), at: captionRect.origin, style: .dim,
                to: &frame)
            appendText(String(repeating: " ", count: width), at: captionRow(captionRect, 1), style: .normal, to: &frame)
        }
    }

    /// `( 1)`, the same shape as the report's index so the placeholder lines up with the caption that replaces it.
    static func slotLabel(_ number: Int) -> String {
        number < 10 ? "( \(number))" : "(\(number))"
    }

    private func captionRow(_ rect: CellRect, _ line: Int) -> CellPosition {
        CellPosition(row: rect.origin.row + line, column: rect.origin.column)
    }

    /// The image fitted to the slot, sitting on the caption, with the cells around it cleared so no trace
    /// of the placeholder remains.
    private func appendImage(_ pixels: Pixels, in rect: CellRect, slot: Int, to frame: inout [UInt8]) {
        let box = encoder.pixelBox(for: rect.size)
        var fitted = pixels
        if pixels.width > box.width || pixels.height > box.height {
            fitted = resize(pixels, box)
        }
        let footprint = encoder.footprint(of: PixelSize(width: fitted.width, height: fitted.height))
        guard footprint.columns <= rect.size.columns, footprint.rows <= rect.size.rows else {
            // A resize that did not honour the box: drawing it would spill into the neighbours.
            frame.append(contentsOf: encoder.erase(slot: slot))
            appendBlank(rect, except: nil, to: &frame)
            return
        }
        let origin = ThumbnailFit.origin(centering: footprint, in: rect)
        appendBlank(rect, except: CellRect(origin: origin, size: footprint), to: &frame)
        frame.append(contentsOf: encoder.encode(fitted, at: origin, slot: slot))
    }

    /// Spaces over `rect`, skipping `hole` (where the image goes, so it is not drawn twice).
    private func appendBlank(_ rect: CellRect, except hole: CellRect?, to frame: inout [UInt8]) {
        frame.append(.resetAttributes)
        for row in rect.origin.row..<rect.endRow {
            var spans: [(Int, Int)] = [(rect.origin.column, rect.endColumn)]
            if let hole, (hole.origin.row..<hole.endRow).contains(row) {
                spans = [(rect.origin.column, hole.origin.column), (hole.endColumn, rect.endColumn)]
            }
            for (start, end) in spans where end > start {
                frame.append(.cursorPosition(CellPosition(row: row, column: start)))
                frame.append(contentsOf: repeatElement(UInt8(ascii: " "), count: end - start))
            }
        }
    }

    /// A dim box with the slot number in it, so the user sees the grid's shape before anything arrives.
    private func appendPlaceholder(number: Int, in rect: CellRect, to frame: inout [UInt8]) {
        let width = rect.size.columns
        let height = rect.size.rows
        guard width >= 2, height >= 2 else {
            appendBlank(rect, except: nil, to: &frame)
            return
        }
        let label = "\(number)"
        let labelRow = height >= 3 ? height / 2 : 0
        for row in 0..<height {
            var line: String
            switch row {
            case 0: line = "┌" + String(repeating: "─", count: width - 2) + "┐"
            case height - 1: line = "└" + String(repeating: "─", count: width - 2) + "┘"
            default: line = "│" + String(repeating: " ", count: width - 2) + "│"
            }
            if row == labelRow, label.count <= width - 2 {
                let start = 1 + (width - 2 - label.count) / 2
                var characters = Array(line)
                characters.replaceSubrange(start..<(start + label.count), with: Array(label))
                line = String(characters)
            }
            appendText(
                line, at: CellPosition(row: rect.origin.row + row, column: rect.origin.column), style: .dim, to: &frame)
        }
    }
}
