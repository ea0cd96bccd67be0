import Foundation
import Testing
@testable import StateSpace

@Suite("Matrix exponential (scaling and squaring, Padé 13)")
struct MatrixExponentialTests {
    @Test("diagonal: e^{diag(d)} = diag(e^d), including norms that need squaring")
    func diagonal() throws {
        let d = [-50.0, -1, 0, 0.5, 3]
        let e = try matrixExponential(Matrix.diagonal(d))
        for i in 0..<5 {
            #expect(abs(e[i, i] - exp(d[i])) <= 1e-14 * exp(d[i]))
            for j in 0..<5 where j != i { #expect(e[i, j] == 0) }
        }
    }

    @Test("nilpotent: e^N = I + N + N²/2 exactly for strictly upper-triangular 3×3")
    func nilpotent() throws {
        let n = try Matrix([[0, 2, -3], [0, 0, 4], [0, 0, 0]])
        let expected = Matrix.identity(3) + n + 0.5 * (n * n)
        #expect(maxAbsDifference(try matrixExponential(n).elements, expected.elements) <= 1e-14)
    }

    @Test("rotation generator: e^{θ[0 −1; 1 0]} = [cos θ −sin θ; sin θ cos θ]", arguments: [0.5, 2.0, 10.0, 100.0])
    func rotation(theta: Double) throws {
        let g = try Matrix([[0, -theta], [theta, 0]])
        let expected = [cos(theta), -sin(theta), sin(theta), cos(theta)]
        // Squaring s ≈ log₂(θ/5.37) times multiplies rounding by ≈ 2ˢ ~ θ: tolerance scales with θ.
        #expect(maxAbsDifference(try matrixExponential(g).elements, expected) <= 1e-15 * max(1, theta) * 10)
    }

    @Test("Padé = V e^Λ V⁻¹ for a random diagonalisable matrix")
    func matchesEigen() throws {
        let a = 2 * randomMatrix(8, 8, seed: 5)
        #expect(relativeDifference(try matrixExponential(a).elements, try diagonalizedExponential(a).elements) <= 1e-12)
    }

    @Test("bad input: empty, non-square, non-finite")
    func errors() {
        #expect(throws: StateSpaceError.self) { try matrixExponential(Matrix(zeros: 0, 0)) }
        #expect(throws: StateSpaceError.notSquare(name: "A", rows: 2, cols: 1)) { try matrixExponential(Matrix(zeros: 2, 1)) }
        #expect(throws: StateSpaceError.self) { try matrixExponential(try Matrix([[.infinity]])) }
    }
}
