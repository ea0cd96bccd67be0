import Foundation
import Numerics
import Testing
@testable import StateSpace

// Dense stiff matrices (issue 9, item 10; review 1, item 6): no permutation makes them
// triangular, so before the Schur route plain scaling and squaring lost ≈ 2ˢε ≈ ε‖A‖/θ₁₃ of the
// slow component (22% at 10¹⁶, all of it at 10²⁰). Every reference is an independent closed form.

@Suite("Matrix exponential of stiff dense matrices (Schur route)")
struct StiffMatrixExponentialTests {
    static let stiffness: [Double] = [1e4, 1e8, 1e12, 1e16, 1e20]

    /// |x − reference| ≤ 1e-12·|reference|, or ≤ `floor` for entries near 0.
    static func close(_ x: Double, _ reference: Double, floor: Double = 1e-300) -> Bool {
        abs(x - reference) <= max(1e-12 * abs(reference), floor)
    }

    /// Half an ulp of the largest entry: entries below it are compared absolutely. No normwise
    /// backward-stable method promises them: for [[−10¹⁶, 10⁻³], [10⁻³, −1]], zgees deflates the
    /// 10⁻³ coupling (an eigenvalue change of 10⁻²², far below rounding), and with it the
    /// eigenvector component 10⁻¹⁹, so e^A's (1, 0) entry e⁻¹·10⁻¹⁹ comes out 0 — an error of
    /// 10⁻¹⁹·‖e^A‖, a thousand times below rounding.
    static func entryFloor(_ reference: [Double]) -> Double {
        0.5 * .ulpOfOne * reference.map(abs).max()!
    }

    /// e^A for symmetric A = [[a, b], [b, c]] from its eigendecomposition in closed form:
    /// λ_far = m − sign(m)·r (no cancellation), λ_near = det/λ_far, each eigenvector (b, λ − a)
    /// or (λ − c, b), whichever is longer (the other cancels), normalised.
    static func symmetricExponential(_ a: Double, _ b: Double, _ c: Double) -> [Double] {
        let m = (a + c) / 2, r = hypot((a - c) / 2, b)
        let far = m < 0 ? m - r : m + r
        let near = (a * c - b * b) / far
        var e = [0.0, 0, 0, 0]                                     // (2, 2) row-major
        for lambda in [far, near] {
            let v1 = [b, lambda - a], v2 = [lambda - c, b]
            let v = hypot(v1[0], v1[1]) >= hypot(v2[0], v2[1]) ? v1 : v2
            let length = hypot(v[0], v[1])
            let x = v[0] / length, y = v[1] / length, w = exp(lambda)
            e[0] += w * x * x; e[1] += w * x * y; e[2] += w * x * y; e[3] += w * y * y
        }
        return e
    }

    @Test("symmetric 2×2 [[−k, 10⁻³], [10⁻³, −1]]: every entry against the closed-form eigendecomposition", arguments: stiffness)
    func symmetric(k: Double) throws {
        for a in [try Matrix([[-k, 1e-3], [1e-3, -1]]), try Matrix([[-1, 1e-3], [1e-3, -k]])] {
            let e = try matrixExponential(a)
            let reference = Self.symmetricExponential(a[0, 0], a[0, 1], a[1, 1])
            for i in 0..<4 {
                #expect(Self.close(e.elements[i], reference[i], floor: Self.entryFloor(reference)),
                        "k = \(k), entry \(i): \(e.elements) vs \(reference)")
            }
        }
    }

    /// e^{[[−σ, ω], [−ω, −σ]]} = e^{−σ}[[cos ω, sin ω], [−sin ω, cos ω]].
    static func oscillatorExponential(_ sigma: Double, _ omega: Double) -> [Double] {
        let g = exp(-sigma)
        return [g * cos(omega), g * sin(omega), -g * sin(omega), g * cos(omega)]
    }

    @Test("block diagonal: fast mode −k ⊕ damped oscillator, every entry against the blocks' closed forms", arguments: stiffness)
    func fastModeAndOscillator(k: Double) throws {
        let sigma = 0.1, omega = 3.0
        let a = try Matrix([[-k, 0, 0], [0, -sigma, omega], [0, -omega, -sigma]])
        #expect(triangularOrder(a) == nil)                        // the dense route, not the permuted-triangular one
        let e = try matrixExponential(a)
        let block = Self.oscillatorExponential(sigma, omega)
        let reference = [exp(-k), 0, 0, 0, block[0], block[1], 0, block[2], block[3]]
        for i in 0..<9 {
            // The zero entries are exact zeros of e^A; ε·‖e^A‖ is what a rounded U e^T U* can give there.
            let ok = reference[i] == 0 ? abs(e.elements[i]) <= 1e-15 : Self.close(e.elements[i], reference[i])
            #expect(ok, "k = \(k), entry \(i): \(e.elements[i]) vs \(reference[i])")
        }
    }

    @Test("non-normal dense S·[[−k, 1], [0, −1]]·S⁻¹ = [[−k−1, 1], [−k, 0]], S = [[1, 0], [1, 1]]: against S e^T S⁻¹", arguments: stiffness)
    func nonNormal(k: Double) throws {
        let a = try Matrix([[-k - 1, 1], [-k, 0]])                 // exact integers up to 2⁵³
        let e = try matrixExponential(a)
        // e^T = [[E₁, D], [0, E₂]] with D = exp[−k, −1]; S e^T S⁻¹ = [[E₁ − D, D], [E₁ − D − E₂, D + E₂]].
        let e1 = exp(-k), e2 = exp(-1.0), d = (e2 - e1) / (k - 1)
        let reference = [e1 - d, d, e1 - d - e2, d + e2]
        // The large entries to 1e-12; the small ones (≈ e⁻¹/k) come out with error ≈ ε‖e^A‖
        // (measured: 2.6e-13 relative at 10⁴, 8e-9 at 10⁸ — i.e. 3e-17 absolute), so they are
        // compared absolutely below 10⁻¹⁵·‖e^A‖ (see `entryFloor`).
        for i in 0..<4 {
            #expect(Self.close(e.elements[i], reference[i], floor: 1e-15 * e2), "k = \(k), entry \(i): \(e.elements) vs \(reference)")
        }
    }

    @Test("rotated diagonal Q·diag(−k, −9, 9)·Qᵀ with the exact orthogonal Q = ⅓[[1,2,2],[2,1,−2],[2,−2,1]]", arguments: [1e2, 1e3, 1e4, 1e5])
    func rotatedDiagonal(k: Double) throws {
        // D's entries are multiples of 9, so Q D Qᵀ has integer entries: the data are exact.
        let d = [-9 * (k / 9).rounded(), -9.0, 9]
        let q = [[1.0, 2, 2], [2, 1, -2], [2, -2, 1]].map { $0.map { $0 / 3 } }
        var a = Matrix(zeros: 3, 3), reference = Matrix(zeros: 3, 3)
        for i in 0..<3 {
            for j in 0..<3 {
                for l in 0..<3 {
                    a[i, j] += q[i][l] * q[j][l] * d[l]
                    reference[i, j] += q[i][l] * q[j][l] * exp(d[l])
                }
            }
        }
        for x in a.elements { #expect(x == x.rounded(), "A must be exact: \(a.elements)") }
        let e = try matrixExponential(a)
        // Unlike the examples above, this stiffness is not in the entries' grading: A is normal
        // with every entry ≈ k, so e^A's relative condition number is ≈ ‖A‖ ≈ k (Van Loan 1977)
        // and a backward error of ε‖A‖ (Schur's, or Padé's) moves e^A by ≈ ε·k·‖e^A‖. Measured:
        // 5e-15 at 10², 6e-13 at 10⁴, 3e-9 at 10⁸ — both routes. So 1e-12 up to 10⁴, then the
        // conditioning bound 10·ε·k.
        let bound = max(1e-12, 10 * k * .ulpOfOne) * reference.elements.map(abs).max()!
        #expect(maxAbsDifference(e.elements, reference.elements) <= bound, "k = \(k): \(e.elements) vs \(reference.elements)")
    }

    @Test("imaginary residue of U e^T U* is rounding", arguments: stiffness)
    func imaginaryResidue(k: Double) throws {
        let a = try Matrix([[-k, 1e-3, 1], [1e-3, -1, 2], [0.5, -3, 0.2]])
        let (_, residue) = try schurExponential(a)
        #expect(residue <= 1e-14, "k = \(k): max |Im| / max |Re| = \(residue)")
    }

    // MARK: Zero-order hold

    @Test("ZOH of symmetric [[−k, 10⁻³], [10⁻³, −1]], Δ = 1: B̄ = A⁻¹(e^A − I)B from the closed form", arguments: stiffness)
    func zeroOrderHoldSymmetric(k: Double) throws {
        let a = try Matrix([[-k, 1e-3], [1e-3, -1]]), b = [1.0, 1]
        let (aBar, bBar) = try discretize(a: a, b: b, step: 1, method: .zoh)
        let e = Self.symmetricExponential(-k, 1e-3, -1)
        // A⁻¹ = [[−1, −10⁻³], [−10⁻³, −k]]/det, det = k − 10⁻⁶; (e^A − I)B, then A⁻¹ of it.
        let det = k - 1e-6
        let w = [e[0] + e[1] - 1, e[2] + e[3] - 1]               // (e^A − I)·(1, 1)
        let reference = [(-w[0] - 1e-3 * w[1]) / det, (-1e-3 * w[0] - k * w[1]) / det]
        #expect(Self.close(bBar[0], reference[0]) && Self.close(bBar[1], reference[1]), "k = \(k): B̄ = \(bBar) vs \(reference)")
        for i in 0..<4 { #expect(Self.close(aBar.elements[i], e[i], floor: Self.entryFloor(e)), "k = \(k): Ā = \(aBar.elements) vs \(e)") }
    }

    @Test("ZOH of fast mode ⊕ damped oscillator, Δ = 1: B̄ from each block's closed form", arguments: stiffness)
    func zeroOrderHoldOscillator(k: Double) throws {
        let sigma = 0.1, omega = 3.0
        let a = try Matrix([[-k, 0, 0], [0, -sigma, omega], [0, -omega, -sigma]]), b = [1.0, 1, 0]
        let (_, bBar) = try discretize(a: a, b: b, step: 1, method: .zoh)
        // Oscillator block M = [[−σ, ω], [−ω, −σ]]: M⁻¹ = [[−σ, −ω], [ω, −σ]]/(σ² + ω²).
        let g = Self.oscillatorExponential(sigma, omega)
        let w = [g[0] - 1, g[2]]                                   // (e^M − I)·(1, 0)
        let r2 = sigma * sigma + omega * omega
        let reference = [-expm1(-k) / k, (-sigma * w[0] - omega * w[1]) / r2, (omega * w[0] - sigma * w[1]) / r2]
        for i in 0..<3 { #expect(Self.close(bBar[i], reference[i]), "k = \(k): B̄ = \(bBar) vs \(reference)") }
    }

    // MARK: Routing

    @Test("ordinary dense matrices keep the plain route; past 10 squarings the Schur route agrees with it where both are accurate")
    func routing() throws {
        let a = 2 * randomMatrix(6, 6, seed: 7)                    // ‖A‖₁ ≈ 10: s ≈ 1
        #expect(a.oneNorm < padeTheta13 * 1024)
        #expect(try matrixExponential(a) == (try denseExponential(a, squarings: Int(ceil(log2(a.oneNorm / padeTheta13))))))
        // A normal-ish matrix with ‖A‖₁ ≈ 8000 > 2¹⁰θ₁₃: both routes are within 2¹¹ε of e^A.
        let b = try Matrix([[-4000, 3000, 0], [-3000, -4000, 1], [0, -1, -2]])
        let viaSchur = try schurExponential(b).exponential
        let plain = try denseExponential(b, squarings: Int(ceil(log2(b.oneNorm / padeTheta13))))
        #expect(try matrixExponential(b) == viaSchur)
        #expect(maxAbsDifference(viaSchur.elements, plain.elements) <= 1e-12 * plain.elements.map(abs).max()!)
    }
}
