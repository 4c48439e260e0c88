import Imaging
import Render
import Testing

struct ContactSheetTests {
    static let pixel = Pixels(width: 1, height: 1, filledWith: RGB(1, 1, 1))

    @Test func slotsFillInCompletionOrder() {
        var sheet = ContactSheet(count: 3)
        #expect(sheet.nextOpenSlot == 0)
        sheet.fill(slot: 0, pixels: Self.pixel, caption: Caption(title: "( 1)", name: "slow-to-start-fast.jpg"))
        #expect(sheet.nextOpenSlot == 1)
        sheet.fail(name: "missing.jpg", reason: "HTTP 404")
        #expect(sheet.nextOpenSlot == 1)
        #expect(sheet.failures == [ContactSheet.Failure(name: "missing.jpg", reason: "HTTP 404")])
        #expect(sheet.filledCount == 1)
    }

    @Test func slotsOutsideTheSheetAreRefused() {
        var sheet = ContactSheet(count: 2)
        let accepted = sheet.fill(slot: 2, pixels: Self.pixel, caption: Caption(title: "", name: ""))
        #expect(!accepted)
        #expect(sheet.filledCount == 0)
    }

    @Test func closingMarksOnlyWaitingSlotsEmpty() {
        var sheet = ContactSheet(count: 3)
        sheet.fill(slot: 0, pixels: Self.pixel, caption: Caption(title: "( 1)", name: "a.jpg"))
        let closed = sheet.closeOpenSlots()
        #expect(closed == [1, 2])
        #expect(sheet.slots[1] == .empty)
        #expect(sheet.nextOpenSlot == nil)
    }
}
