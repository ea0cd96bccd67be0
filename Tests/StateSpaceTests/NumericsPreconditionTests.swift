import Foundation
import Testing
@testable import StateSpace

/// Non-throwing numerics API states its preconditions with `requirePrecondition`, whose message
/// survives `-O` (the library is optimised even in debug builds, and `precondition` then prints
/// only "precondition failure"). Each test runs the violating call in a child process (an exit
/// test) and checks that the message names what was wrong: the shapes, sizes or values.
@Suite("Numerics preconditions print their message")
struct NumericsPreconditionTests {
    @Test("Matrix * with mismatched inner dimensions prints both shapes")
    func product() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix(zeros: 2, 3) * Matrix(zeros: 2, 3)
        }
        #expect(standardError(result).contains("Matrix *: A is 2×3 and B is 2×3"), "\(standardError(result))")
    }

    @Test("Matrix + with different shapes prints both shapes")
    func sum() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix(zeros: 2, 2) + Matrix(zeros: 3, 1)
        }
        #expect(standardError(result).contains("A is 2×2 and B is 3×1"), "\(standardError(result))")
    }

    @Test("Matrix(zeros: -1, 2) names rows, cols and the allowed range")
    func negativeZeros() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix(zeros: -1, 2)
        }
        #expect(standardError(result).contains("rows = -1, cols = 2, but each must be ≥ 0"), "\(standardError(result))")
    }

    @Test("Matrix.identity(-2) names n")
    func negativeIdentity() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix.identity(-2)
        }
        #expect(standardError(result).contains("Matrix.identity(n): n = -2, but the size n must be ≥ 0"), "\(standardError(result))")
    }

    @Test("ComplexMatrix(zeros: Int.max, 2) reports the overflow instead of an arithmetic trap")
    func overflowingZeros() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ComplexMatrix(zeros: Int.max, 2)
        }
        #expect(standardError(result).contains("rows·cols must fit in Int"), "\(standardError(result))")
    }

    @Test("gemv with a short x prints A's shape and x's length")
    func matrixVector() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix(zeros: 2, 3) * [1.0, 2.0]
        }
        #expect(standardError(result).contains("A is 2×3 but x has length 2"), "\(standardError(result))")
    }

    @Test("an FFT plan executed on the wrong kind of buffers names the plan and the lengths")
    func planMisuse() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let plan = FFTPlanCache().plan(.realInverse, size: 8)
            plan.execute(FFTWRealBuffer(count: 8), FFTWComplexBuffer(count: 5))
        }
        #expect(standardError(result).contains("realInverse plan of size 8 given real input (8)"), "\(standardError(result))")
    }

    @Test("FFTWRealBuffer(count: 0) names the count")
    func emptyBuffer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = FFTWRealBuffer(count: 0)
        }
        #expect(standardError(result).contains("count = 0, but it must be ≥ 1"), "\(standardError(result))")
    }

    @Test("maxAbsDifference of different lengths prints both lengths")
    func differenceLengths() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = maxAbsDifference([1.0], [1.0, 2.0])
        }
        #expect(standardError(result).contains("a has length 1 and b has length 2"), "\(standardError(result))")
    }
}

/// What a child process of an exit test wrote to standard error.
func standardError(_ result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
}
