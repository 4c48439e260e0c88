import Imaging
import Render
import Testing

struct ContactSheetTests {
    static let pixel = Pixels(width: 1, height: 1, filledWith: RGB(1, 1, 1))

    @Test func aFailureTakesNoSlot() {
        var sheet = ContactSheet(count: 3)
        let caption = Caption(title: "( 1)", name: "slow-to-start-fast.jpg")
        sheet.fill(slot: 0, pixels: Self.pixel, caption: caption)
        sheet.fail(name: "missing.jpg", reason: "HTTP 404")
        #expect(sheet.slots == [.image(Self.pixel, caption), .placeholder, .placeholder])
        #expect(sheet.failures == [ContactSheet.Failure(name: "missing.jpg", reason: "HTTP 404")])
    }

    @Test func slotsOutsideTheSheetAreRefused() {
        var sheet = ContactSheet(count: 2)
        let accepted = sheet.fill(slot: 2, pixels: Self.pixel, caption: Caption(title: "", name: ""))
        #expect(!accepted)
        #expect(sheet.slots == [.placeholder, .placeholder])
    }

    @Test func closingMarksOnlyWaitingSlotsEmpty() {
        var sheet = ContactSheet(count: 3)
        sheet.fill(slot: 0, pixels: Self.pixel, caption: Caption(title: "( 1)", name: "a.jpg"))
        let closed = sheet.closeOpenSlots()
        #expect(closed == [1, 2])
        #expect(sheet.slots[1] == .empty && sheet.slots[2] == .empty)
        #expect(!sheet.slots.contains(.placeholder))
    }
}
