import Foundation
import Numerics
import Testing
@testable import StateSpace

@Suite("Dense linear algebra through OpenBLAS and LAPACKE")
struct LinearAlgebraTests {
    @Test("dgemm = triple loop, with and without transposes")
    func gemmMatchesLoop() throws {
        let a = randomMatrix(5, 7, seed: 1), b = randomMatrix(7, 3, seed: 2)
        #expect(maxAbsDifference((a * b).elements, naiveProduct(a, b).elements) <= 1e-14)
        var c = Matrix(zeros: 5, 3)
        gemm(1, a.transposed, transposeA: true, b.transposed, transposeB: true, 0, &c)
        #expect(maxAbsDifference(c.elements, naiveProduct(a, b).elements) <= 1e-14)
        #expect(maxAbsDifference(a * randomVector(7, seed: 3), naiveProduct(a, try Matrix(rows: 7, cols: 1, elements: randomVector(7, seed: 3))).elements) <= 1e-14)
        #expect(throws: StateSpaceError.self) { try a.multiplied(by: a) }
    }

    @Test("zgemm = triple loop, and the adjoint flag conjugates")
    func zgemmMatchesLoop() throws {
        let a = try ComplexMatrix(rows: 3, cols: 4, elements: randomComplex(12, seed: 4))
        let b = try ComplexMatrix(rows: 4, cols: 2, elements: randomComplex(8, seed: 5))
        var expected = ComplexMatrix(zeros: 3, 2)
        for i in 0..<3 { for j in 0..<2 { for k in 0..<4 { expected[i, j] += a[i, k] * b[k, j] } } }
        #expect(maxAbsDifference((a * b).elements, expected.elements) <= 1e-14)
        var c = ComplexMatrix(zeros: 3, 2)
        zgemm(.one, a.adjoint, adjointA: true, b, .zero, &c)
        #expect(maxAbsDifference(c.elements, expected.elements) <= 1e-14)
    }

    @Test("solve recovers a known solution", arguments: [1, 4, 50])
    func solveKnown(n: Int) throws {
        let a = randomMatrix(n, n, seed: UInt64(n)) + Double(n) * Matrix.identity(n)  // diagonally dominant: well conditioned
        let x = randomMatrix(n, 3, seed: 77)
        let b = a * x
        #expect(maxAbsDifference(try solve(a, b).elements, x.elements) <= 1e-12)
        let ca = ComplexMatrix(a), cx = try ComplexMatrix(rows: n, cols: 2, elements: randomComplex(2 * n, seed: 8))
        #expect(maxAbsDifference(try solve(ca, ca * cx).elements, cx.elements) <= 1e-12)
    }

    @Test("solve rejects singular, non-square, mismatched and non-finite input")
    func solveErrors() throws {
        let singular = try Matrix([[1, 2], [2, 4]])
        #expect(throws: StateSpaceError.singularMatrix(name: "A", pivot: 1)) { try solve(singular, [1, 1]) }
        #expect(throws: StateSpaceError.notSquare(name: "A", rows: 2, cols: 3)) { try solve(Matrix(zeros: 2, 3), Matrix(zeros: 2, 1)) }
        #expect(throws: StateSpaceError.shapeMismatch(name: "right-hand side of solve(A, B)", expected: "2×m", actual: "3×1")) {
            try solve(Matrix.identity(2), Matrix(zeros: 3, 1))
        }
        #expect(throws: StateSpaceError.self) { try solve(try Matrix([[1, .nan], [0, 1]]), [1, 1]) }
        #expect(throws: StateSpaceError.singularMatrix(name: "A", pivot: 0)) { try solve(ComplexMatrix(zeros: 2, 2), ComplexMatrix(zeros: 2, 1)) }
    }

    @Test("Matrix rejects a wrong element count or ragged rows")
    func matrixShape() {
        #expect(throws: StateSpaceError.self) { try Matrix(rows: 2, cols: 2, elements: [1, 2, 3]) }
        #expect(throws: StateSpaceError.self) { try Matrix([[1, 2], [3]]) }
        #expect(throws: StateSpaceError.self) { try Matrix(rows: -1, cols: 2, elements: []) }
    }

    @Test("rows·cols that overflows Int throws (it trapped in the multiplication)")
    func sizeOverflow() {
        let expected = StateSpaceError.invalidParameter(
            name: "Matrix rows × cols", value: "\(Int.max) × 2", allowed: "the product must fit in Int (≤ \(Int.max))")
        #expect(throws: expected) { try Matrix(rows: Int.max, cols: 2, elements: []) }
        #expect(throws: StateSpaceError.self) { try ComplexMatrix(rows: 2, cols: Int.max / 2 + 1, elements: []) }
    }

    @Test("least squares throws singularMatrix for a rank-deficient A (dgels returned ±3.9e16)")
    func leastSquaresRankDeficient() throws {
        // Column 1 = 2·column 0 exactly: numerical rank 1.
        let exact = try Matrix([[1, 2], [2, 4], [3, 6]])
        #expect(throws: StateSpaceError.singularMatrix(name: "A", pivot: 1)) { try leastSquares(exact, [1, 2, 3]) }
        // Column 4 = column 0 + column 1, up to rounding: still rank 4 of 5 at tolerance 30ε.
        var dependent = randomMatrix(30, 5, seed: 40)
        for i in 0..<30 { dependent[i, 4] = dependent[i, 0] + dependent[i, 1] }
        let error = #expect(throws: StateSpaceError.self) { try leastSquares(dependent, randomVector(30, seed: 41), name: "design") }
        #expect(error == .singularMatrix(name: "design", pivot: 4))
        #expect(throws: StateSpaceError.singularMatrix(name: "A", pivot: 0)) { try leastSquares(Matrix(zeros: 4, 2), [1, 2, 3, 4]) }
        // Badly scaled but full rank (a column of size 1e-8) is solved, not rejected.
        var scaled = randomMatrix(30, 5, seed: 42)
        for i in 0..<30 { scaled[i, 2] *= 1e-8 }
        let x = randomVector(5, seed: 43)
        #expect(relativeDifference(try leastSquares(scaled, scaled * x), x) <= 1e-7)
    }

    @Test("diagonalizedExponential throws for a defective A instead of returning I for e^{[[0,1],[0,0]]}")
    func defectiveExponential() throws {
        for defective in [[[0.0, 1], [0, 0]], [[2, 1], [0, 2]], [[0, 1], [1e-20, 0]]] {
            let error = #expect(throws: StateSpaceError.self) { try diagonalizedExponential(try Matrix(defective)) }
            #expect(error?.description.contains("eigenvector matrix V of A is ill-conditioned") == true, "\(defective): \(String(describing: error))")
        }
        // Distinct, well-separated eigenvalues: cond(V) is small and the closed form is met.
        // [[a, 1], [0, b]] → [[eᵃ, (eᵃ − eᵇ)/(a − b)], [0, eᵇ]].
        let e = try diagonalizedExponential(try Matrix([[-1, 1], [0, -3]]))
        let (e1, e3) = (Foundation.exp(-1.0), Foundation.exp(-3.0))
        let expected = [e1, (e1 - e3) / 2, 0, e3]
        #expect(maxAbsDifference(e.elements, expected) <= 1e-15)
        #expect(throws: StateSpaceError.self) { try diagonalizedExponential(try Matrix([[800]])) }   // e⁸⁰⁰ overflows
    }

    @Test("Hermitian eigendecomposition: a known 2×2, and H V = V Λ with V unitary")
    func hermitian() throws {
        // [[2, i], [−i, 2]] has eigenvalues 1 and 3.
        let h = try ComplexMatrix(rows: 2, cols: 2, elements: [Complex(2, 0), Complex(0, 1), Complex(0, -1), Complex(2, 0)])
        let (values, _) = try hermitianEigen(h)
        #expect(maxAbsDifference(values, [1, 3]) <= 1e-14)

        let n = 30
        let r = try ComplexMatrix(rows: n, cols: n, elements: randomComplex(n * n, seed: 9))
        var big = r
        for i in 0..<n { for j in 0..<n { big[i, j] = r[i, j] + r[j, i].conjugate } }  // R + R*: Hermitian
        let (lambda, v) = try hermitianEigen(big)
        var vLambda = v
        for i in 0..<n { for j in 0..<n { vLambda[i, j] = v[i, j].multiplied(by: lambda[j]) } }
        #expect(maxAbsDifference((big * v).elements, vLambda.elements) <= 1e-12)
        #expect(maxAbsDifference((v.adjoint * v).elements, ComplexMatrix.identity(n).elements) <= 1e-13)
        #expect(lambda == lambda.sorted())
    }

    @Test("general eigendecomposition: rotation generator ±i, and A V = V Λ")
    func general() throws {
        let (values, _) = try generalEigen(try Matrix([[0, 1], [-1, 0]]))
        #expect(Set(values.map { $0.imaginary }) == [1, -1] && values.allSatisfy { abs($0.real) < 1e-15 })
        let n = 20
        let a = randomMatrix(n, n, seed: 10)
        let (lambda, v) = try generalEigen(a)
        var vLambda = v
        for i in 0..<n { for j in 0..<n { vLambda[i, j] = v[i, j] * lambda[j] } }
        #expect(maxAbsDifference((ComplexMatrix(a) * v).elements, vLambda.elements) <= 1e-12)
        #expect(throws: StateSpaceError.self) { try generalEigen(Matrix(zeros: 0, 0)) }
        #expect(throws: StateSpaceError.self) { try hermitianEigen(ComplexMatrix(zeros: 2, 3)) }
    }

    @Test("matrix power by squaring = repeated multiplication; A⁰ = I", arguments: [0, 1, 2, 5, 16, 37])
    func power(k: Int) throws {
        let a = 0.3 * randomMatrix(4, 4, seed: 12)
        var expected = Matrix.identity(4)
        for _ in 0..<k { expected = naiveProduct(expected, a) }
        #expect(maxAbsDifference(try matrixPower(a, k).elements, expected.elements) <= 1e-14)
    }

    @Test("matrix power rejects negative exponents and non-square matrices")
    func powerErrors() {
        #expect(throws: StateSpaceError.self) { try matrixPower(Matrix.identity(2), -1) }
        #expect(throws: StateSpaceError.notSquare(name: "A", rows: 1, cols: 2)) { try matrixPower(Matrix(zeros: 1, 2), 3) }
    }

    @Test("spectral radius of a known matrix")
    func radius() throws {
        #expect(abs(try spectralRadius(try Matrix([[0.5, 0], [0, -0.9]])) - 0.9) <= 1e-15)
    }
}
