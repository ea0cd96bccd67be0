import Foundation
import Testing
@testable import StateSpace

@Suite("log-log slope")
struct LogLogSlopeTests {
    @Test("recovers the exponent of C·xᵖ", arguments: [-1.0, 0.5, 2.0, 3.0])
    func exponent(p: Double) throws {
        let x = [0.1, 0.05, 0.025, 0.0125]
        #expect(abs(try logLogSlope(x, x.map { 7 * pow($0, p) }) - p) <= 1e-12)
    }

    @Test("bad input: mismatched lengths, one point, a non-positive value, all x equal")
    func errors() {
        #expect(throws: StateSpaceError.self) { try logLogSlope([1, 2], [1]) }
        #expect(throws: StateSpaceError.self) { try logLogSlope([1], [1]) }
        let error = #expect(throws: StateSpaceError.self) { try logLogSlope([1, 2], [1, 0]) }
        #expect(error?.description.contains("y[1]") == true)
        #expect(throws: StateSpaceError.self) { try logLogSlope([2, 2], [1, 3]) }
    }
}
