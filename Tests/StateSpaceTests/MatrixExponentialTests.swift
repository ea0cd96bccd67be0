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

    // MARK: Stiff matrices (issue 9, item 10)
    //
    // Eigenvalues −k and −1 with k up to 10²⁰: plain scaling and squaring picks s ≈ log₂ k and
    // loses ≈ 2ˢε of the e⁻¹ component (22% at k = 10¹⁶, all of it at 10²⁰). Every reference
    // below is a closed form evaluated with a few roundings, so 1e-12 relative per entry is a
    // margin of ~1000 ulps; entries that underflow (e^{−k}) are compared absolutely.

    static let stiffness: [Double] = [1e4, 1e8, 1e12, 1e16, 1e20]

    /// |x − reference| ≤ 1e-12·|reference|, or ≤ 1e-300 where the reference underflows to ~0.
    static func close(_ x: Double, _ reference: Double) -> Bool {
        abs(x - reference) <= max(1e-12 * abs(reference), 1e-300)
    }

    @Test("stiff diagonal: e^{diag(−k, −1)} = diag(e^{−k}, e^{−1}) entry by entry", arguments: stiffness)
    func stiffDiagonal(k: Double) throws {
        let e = try matrixExponential(Matrix.diagonal([-k, -1]))
        #expect(Self.close(e[0, 0], exp(-k)) && Self.close(e[1, 1], exp(-1)), "\(e.elements)")
        #expect(e[0, 1] == 0 && e[1, 0] == 0)
    }

    @Test("stiff non-normal: e^{[[−k, 1], [0, −1]]} has the divided difference (e^{−1} − e^{−k})/(k − 1)", arguments: stiffness)
    func stiffUpperTriangular(k: Double) throws {
        let e = try matrixExponential(try Matrix([[-k, 1], [0, -1]]))
        let upper = (exp(-1) - exp(-k)) / (k - 1)
        #expect(Self.close(e[0, 0], exp(-k)) && Self.close(e[0, 1], upper) && Self.close(e[1, 1], exp(-1)), "\(e.elements)")
        #expect(e[1, 0] == 0)
        // Lower triangular: the same matrix transposed, found by the permutation search.
        let lower = try matrixExponential(try Matrix([[-k, 0], [1, -1]]))
        #expect(maxAbsDifference(lower.elements, e.transposed.elements) <= 1e-12 * upper, "\(lower.elements)")
    }

    @Test("stiff bidiagonal 3×3: the corner entry is the second divided difference exp[−k, −1, 0]", arguments: stiffness)
    func stiffCorner(k: Double) throws {
        // Not on the superdiagonal, so it comes from the squarings, not from a closed form.
        let e = try matrixExponential(try Matrix([[-k, 1, 0], [0, -1, 1], [0, 0, 0]]))
        let d01 = (exp(-1) - exp(-k)) / (k - 1), d12 = -expm1(-1.0)  // exp[−k, −1], exp[−1, 0]
        let corner = (d12 - d01) / k                                   // exp[−k, −1, 0]
        #expect(Self.close(e[0, 2], corner) && Self.close(e[0, 1], d01) && Self.close(e[1, 2], d12), "\(e.elements)")
    }

    @Test("stiff ZOH: diag(−k, −1), Δ = 1 gives B̄ = ((1 − e^{−k})/k, 1 − e^{−1})", arguments: stiffness)
    func stiffZeroOrderHold(k: Double) throws {
        let (aBar, bBar) = try discretize(a: Matrix.diagonal([-k, -1]), b: [1, 1], step: 1, method: .zoh)
        #expect(Self.close(bBar[0], -expm1(-k) / k) && Self.close(bBar[1], -expm1(-1.0)), "B̄ = \(bBar)")
        #expect(Self.close(aBar[0, 0], exp(-k)) && Self.close(aBar[1, 1], exp(-1)) && aBar[0, 1] == 0 && aBar[1, 0] == 0)
    }

    @Test("stiff ZOH of a lower-triangular A: Δ[A B; 0 0] is triangular only after a permutation", arguments: stiffness)
    func stiffZeroOrderHoldLower(k: Double) throws {
        // A = [[−k, 0], [1, −1]], B = (1, 0): x₀' = −k x₀ + u, x₁' = x₀ − x₁. With u = 1 on [0, 1]:
        // x₀(1) = (1 − e^{−k})/k and x₁(1) = ∫₀¹ (e^{−s} − e^{−ks})/(k − 1) ds.
        let (aBar, bBar) = try discretize(a: try Matrix([[-k, 0], [1, -1]]), b: [1, 0], step: 1, method: .zoh)
        let b0 = -expm1(-k) / k
        let b1 = (-expm1(-1.0) - b0) / (k - 1)
        #expect(Self.close(bBar[0], b0) && Self.close(bBar[1], b1), "B̄ = \(bBar), expected \([b0, b1])")
        #expect(Self.close(aBar[1, 0], (exp(-1) - exp(-k)) / (k - 1)))
    }

    @Test("close eigenvalues: exp[a, b] keeps its digits as b → a (no cancellation)", arguments: [1e-3, 1e-9, 1e-15, 0])
    func closeEigenvalues(gap: Double) throws {
        let a = -1.0, b = -1.0 - gap
        let e = try matrixExponential(try Matrix([[a, 1], [0, b]]))
        // e^{(a+b)/2}·sinh(h)/h, h = (a − b)/2: an independent form of the divided difference.
        let h = (a - b) / 2
        let reference = exp((a + b) / 2) * (h == 0 ? 1 : sinh(h) / h)
        #expect(Self.close(e[0, 1], reference), "\(e[0, 1]) vs \(reference)")
    }

    @Test("triangular path = plain scaling and squaring on a well-conditioned triangular matrix")
    func triangularMatchesDense() throws {
        var t = randomMatrix(7, 7, seed: 31)                       // (7, 7), then zero the lower part
        for i in 0..<7 { for j in 0..<i { t[i, j] = 0 } }
        t = 3 * t
        let s = Int(ceil(log2(max(1, t.oneNorm / padeTheta13))))
        #expect(triangularOrder(t) == Array(0..<7))
        // Both are O(ε)-accurate for this non-stiff T (eigenvalues in [−3, 3]).
        #expect(relativeDifference(try matrixExponential(t).elements, try denseExponential(t, squarings: s).elements) <= 1e-13)
        // A dense random matrix has no triangular order.
        #expect(triangularOrder(randomMatrix(4, 4, seed: 32)) == nil)
    }

    @Test("overflow is an error, not ∞: e^{[[1000]]}, and column sums beyond Double")
    func overflow() throws {
        let tooBig = #expect(throws: StateSpaceError.self) { try matrixExponential(try Matrix([[1000]])) }
        #expect(tooBig?.description.contains("e^A") == true)
        let huge = #expect(throws: StateSpaceError.self) { try matrixExponential(try Matrix([[1e308, 0], [1e308, 0]])) }
        #expect(huge?.description.contains("‖A‖₁") == true)
        // A huge *negative* eigenvalue is fine: e^{−10³⁰⁸} = 0.
        let e = try matrixExponential(Matrix.diagonal([-1e308, 2]))
        #expect(e[0, 0] == 0 && Self.close(e[1, 1], exp(2)))
    }

    @Test("bad input: empty, non-square, non-finite")
    func errors() {
        #expect(throws: StateSpaceError.self) { try matrixExponential(Matrix(zeros: 0, 0)) }
        #expect(throws: StateSpaceError.notSquare(name: "A", rows: 2, cols: 1)) { try matrixExponential(Matrix(zeros: 2, 1)) }
        #expect(throws: StateSpaceError.self) { try matrixExponential(try Matrix([[.infinity]])) }
    }
}
