import GalleryCore
import Testing

struct ReportTests {
    @Test func lineMatchesPythonsFormat() {
        #expect(
            Report.line(index: 1, bytes: 14_739_448, name: "USS_Akron_%28ZRS-4%29_in_flight.jpg")
                == "( 1)  14_739_448 bytes | USS_Akron_%28ZRS-4%29_in_flight.jpg")
        #expect(
            Report.line(index: 10, bytes: 15_479_621, name: "Meripilus_giganteus_%28Karst_1882%29.jpg")
                == "(10)  15_479_621 bytes | Meripilus_giganteus_%28Karst_1882%29.jpg")
        #expect(Report.line(index: 3, bytes: 0, name: "a.jpg") == "( 3)           0 bytes | a.jpg")
        #expect(Report.line(index: 100, bytes: 1_234_567_890_123, name: "b") == "(100)1_234_567_890_123 bytes | b")
    }

    @Test func totalIsGrouped() {
        #expect(Report.total(149_841_550) == "TOTAL BYTES: 149_841_550")
    }
}
