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

    // Review 1, item 2: sizes up to Int.max trap with the documented message (they used to reach
    // Array(repeating:count:), whose byte count wraps at -O: SIGSEGV, no message).

    @Test("Matrix(zeros: 1, Int.max) traps with the sizes and the 2^30 cap, not SIGSEGV")
    func hugeZeros() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix(zeros: 1, .max)
        }
        #expect(standardError(result).contains("rows = 1, cols = \(Int.max)"), "\(standardError(result))")
        #expect(standardError(result).contains("at most 2^30"), "\(standardError(result))")
    }

    @Test("ComplexMatrix(zeros: 1, Int.max / 2) traps with the sizes, not SIGSEGV")
    func hugeComplexZeros() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ComplexMatrix(zeros: 1, .max / 2)
        }
        #expect(standardError(result).contains("rows = 1, cols = \(Int.max / 2)"), "\(standardError(result))")
    }

    @Test("Matrix(zeros: 2^16, 2^15): a product that fits in Int but exceeds 2^30 traps")
    func pastCapZeros() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix(zeros: 1 << 16, 1 << 15)
        }
        #expect(standardError(result).contains("at most 2^30 = 1073741824"), "\(standardError(result))")
    }

    @Test("Matrix.identity(Int.max) and ComplexMatrix.identity(40_000) name n")
    func hugeIdentity() async {
        let real = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix.identity(.max)
        }
        #expect(standardError(real).contains("Matrix.identity(n): n = \(Int.max)"), "\(standardError(real))")
        let complex = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ComplexMatrix.identity(40_000)
        }
        #expect(standardError(complex).contains("n = 40000, but the size n must be ≥ 0 and n² at most 2^30 (n ≤ 32768)"),
                "\(standardError(complex))")
    }

    @Test("FFTWRealBuffer(count: Int.max) traps with the count instead of wrapping FFTW's byte count")
    func hugeBuffer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = FFTWRealBuffer(count: .max)
        }
        #expect(standardError(result).contains("count = \(Int.max), but it must be ≥ 1 and at most 2^30"), "\(standardError(result))")
    }

    // Review 1, item 11.

    @Test("Matrix.identity(2)[0, 2] traps naming the index and the shape (it read entry (1, 0))")
    func columnOutOfRangeRead() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix.identity(2)[0, 2]
        }
        #expect(standardError(result).contains("Matrix[0, 2]: the matrix is 2×2, so i must be in 0..<2 and j in 0..<2"),
                "\(standardError(result))")
    }

    @Test("m[0, 3] = 99 on a 2×2 matrix traps (it wrote entry (1, 1))")
    func columnOutOfRangeWrite() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var m = Matrix(zeros: 2, 2)
            m[0, 3] = 99
        }
        #expect(standardError(result).contains("Matrix[0, 3]: the matrix is 2×2"), "\(standardError(result))")
    }

    @Test("ComplexMatrix subscripts check the column and a negative row")
    func complexOutOfRange() async {
        let column = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ComplexMatrix.identity(2)[1, -1]
        }
        #expect(standardError(column).contains("ComplexMatrix[1, -1]: the matrix is 2×2"), "\(standardError(column))")
        let row = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix.identity(2)[-1, 1]
        }
        #expect(standardError(row).contains("Matrix[-1, 1]"), "\(standardError(row))")
    }

    @Test("in-range subscripts read and write the entry they name")
    func inRange() {
        var m = Matrix(zeros: 2, 3)
        m[1, 2] = 5
        #expect(m.elements == [0, 0, 0, 0, 0, 5])
        #expect(m[1, 2] == 5)
        var c = ComplexMatrix(zeros: 3, 2)
        c[2, 0] = .one
        #expect(c.elements[4] == .one && c[2, 0] == .one)
    }

    @Test("FFT.inverseScale(0) traps naming n (it returned ∞)")
    func inverseScaleZero() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = FFT.inverseScale(0)
        }
        #expect(standardError(result).contains("FFT.inverseScale(n): n = 0, but the transform length n must be ≥ 1"),
                "\(standardError(result))")
    }

    @Test("the raw-pointer gemm with lda < k traps naming the sizes (OpenBLAS only warned)")
    func rawGemmLeadingDimension() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let a = [Double](repeating: 1, count: 6), b = [Double](repeating: 1, count: 6)
            var c = [Double](repeating: 0, count: 4)
            gemm(m: 2, n: 2, k: 3, a, lda: 2, b, ldb: 2, &c, ldc: 2)
        }
        #expect(standardError(result).contains("lda = 2, ldb = 2, ldc = 2, but need m, n, k ≥ 0, lda ≥ 3"),
                "\(standardError(result))")
    }

    @Test("the raw-pointer gemm with valid leading dimensions multiplies sub-blocks")
    func rawGemmValid() {
        // A (2, 3) inside a (2, 4) array, B (3, 2): C = A·B.
        let a: [Double] = [1, 2, 3, 99, 4, 5, 6, 99], b: [Double] = [1, 0, 0, 1, 1, 1]
        var c = [Double](repeating: 0, count: 4)
        gemm(m: 2, n: 2, k: 3, a, lda: 4, b, ldb: 2, &c, ldc: 2)
        #expect(c == [4, 5, 10, 11])
    }
}

/// What a child process of an exit test wrote to standard error.
func standardError(_ result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
}
