import Foundation
import Numerics
import PropertyBased
import Testing
@testable import StateSpace

// MARK: - Cauchy kernel

/// One Cauchy sum: M poles in the open left half-plane (as S4's Λ, Re Λ = −½), J points in the
/// closed right half-plane (S4 evaluates on the imaginary axis, g = i(2/Δ)tan(πk/L)), so no
/// point meets a pole; weights of any size.
struct CauchyCase: CustomStringConvertible {
    let poles: Int
    let points: Int
    let conjugatePairs: Bool
    let spread: Double
    let data: UInt64

    var description: String { "M = \(poles), J = \(points), pairs \(conjugatePairs), spread \(spread), data seed \(data)" }

    /// w (M), λ (M), z (J).
    func arrays() -> (weights: [Complex<Double>], poles: [Complex<Double>], points: [Complex<Double>]) {
        var rng = SplitMix64(seed: data)
        let weights = (0..<poles).map { _ in Complex(rng.nextGaussian(), rng.nextGaussian()) }
        let lambda = (0..<poles).map { _ in
            Complex(-pow(10, Double.random(in: -2...1, using: &rng)), spread * Double.random(in: -1...1, using: &rng))
        }
        let z = (0..<points).map { _ in
            Complex(Double.random(in: 0...1, using: &rng) < 0.5 ? 0 : Double.random(in: 0...2, using: &rng),
                    spread * Double.random(in: -2...2, using: &rng))
        }
        return (weights, lambda, z)
    }

    static let generator = zip(Gen.int(in: 1...32), lengthGenerator(upTo: 128), Gen.bool, logUniform(0...3), dataSeed)
        .map { CauchyCase(poles: $0.0, points: $0.1, conjugatePairs: $0.2, spread: $0.3, data: $0.4) }
}

/// Cauchy kernel = Σ_n w_n/(z − λ_n) [+ w̄_n/(z − λ̄_n)] summed term by term with complex division.
///
/// Tolerance (u = 2⁻⁵³), per point z_j: each term is formed with a few roundings (≤ 6u of
/// |w|/|z − λ| in either route), then m = M or 2M terms are summed (γ_m): the error is within
/// (m + 6)·u·Σ_n |w_n|/|z_j − λ_n|, the magnitude of the terms. We allow 4× that.
func cauchyProperty(_ c: CauchyCase, kernel: ([Complex<Double>], [Complex<Double>], [Complex<Double>], Bool) throws -> [Complex<Double>] = {
    try cauchyKernel(weights: $0, poles: $1, points: $2, conjugatePairs: $3)
}) throws -> [Comparison] {
    let (w, lambda, z) = c.arrays()
    let fast = try kernel(w, lambda, z, c.conjugatePairs)
    let terms = c.conjugatePairs ? 2 * c.poles : c.poles
    var worst = 0.0
    for (j, zj) in z.enumerated() {
        var direct = Complex<Double>.zero, magnitude = 0.0
        for n in 0..<c.poles {
            direct += w[n] / (zj - lambda[n])
            magnitude += w[n].length / (zj - lambda[n]).length
            if c.conjugatePairs {
                direct += w[n].conjugate / (zj - lambda[n].conjugate)
                magnitude += w[n].length / (zj - lambda[n].conjugate).length
            }
        }
        let tolerance = 4 * Double(terms + 6) * unitRoundoff * magnitude
        worst = max(worst, (fast[j] - direct).length / tolerance)
    }
    return [Comparison(name: "max_j |Cauchy − direct sum| / tolerance_j", error: worst, tolerance: 1)]
}

// MARK: - S4 kernel

/// The S4 (LegS, DPLR) kernel for N, L, Δ: C random, C̃ = C(I − Āᴸ), Δ log-uniform over S4's
/// initialisation range [1e-3, 1e-1] (`S4Layer`'s default Δ range).
struct S4KernelCase: CustomStringConvertible {
    let stateSize: Int
    let length: Int
    let step: Double
    let data: UInt64

    var description: String { "N = \(stateSize), L = \(length), Δ = \(step), data seed \(data)" }

    static let generator = zip(Gen.int(in: 1...16), lengthGenerator(upTo: 1024), logUniform(-3 ... -1), dataSeed)
        .map { S4KernelCase(stateSize: 2 * $0.0, length: $0.1, step: $0.2, data: $0.3) }
}

/// S4's generating-function kernel (Cauchy sums, Woodbury, inverse FFT) = C Āᵏ B̄ with the dense
/// bilinear Ā, stepped.
///
/// Tolerance (u = 2⁻⁵³), in units of s = ‖C‖₂·max_k ‖ĀᵏB̄‖₂ (the size of the kernel's terms):
/// - the materialised kernel steps v ← Āv: each of the k steps rounds a length-N dot product per
///   entry and, with Ā ≈ I for small Δ, the roundings persist: ≤ (N + 1)·L·u·s;
/// - the two routes meet through C̃ = C(I − Āᴸ). Any rounding of C̃ (or of the Cauchy sums and
///   the FFT, which see only C̃) reaches the kernel through K_k = C̃(I − Āᴸ)⁻¹ĀᵏB̄, so it is
///   amplified by κ = ‖(I − Āᴸ)⁻¹‖_F, ≈ 1/(LΔ) when Āᴸ ≈ I (short kernels, small Δ) and ≈ 1 for
///   long ones: ≈ (N + log₂L + 1)·κ·u·s, N for the sums over the state, log₂L for the FFT.
/// We allow 4·[(N + 1)·L + 8·(N + log₂L + 1)·κ]·u·s.
func s4KernelProperty(_ c: S4KernelCase, kernel: (DPLR, [Double], Double, Int) throws -> [Double] = {
    try s4Kernel($0, cTilde: $1, step: $2, length: $3)
}) throws -> [Comparison] {
    let n = c.stateSize
    var rng = SplitMix64(seed: c.data)
    let (a, b) = try legSTransition(stateSize: n)
    let cRow = uniformArray(n, rng: &rng)
    let dense = try StateSpaceModel(a: a, b: b, c: cRow).discretized(step: c.step, method: .bilinear)
    let cTilde = try truncatedOutputMatrix(c: cRow, aBar: dense.aBar, length: c.length)
    let fast = try kernel(try DPLR.legS(stateSize: n), cTilde, c.step, c.length)
    let materialised = try dense.kernel(length: c.length)
    let states = try dense.stateKernel(length: c.length)              // (L, N): ĀᵏB̄
    let scale = twoNorm(cRow) * (0..<c.length).reduce(0) { max($0, twoNorm(states.row($1))) }
    let kappa = try resolventNorm(dense.aBar, length: c.length)
    let stepping = Double((n + 1) * c.length), generating = 8 * (Double(n) + log2(Double(c.length)) + 1) * kappa
    return [compare("S4 kernel − C Āᵏ B̄", fast, materialised, tolerance: 4 * (stepping + generating) * unitRoundoff * scale)]
}

/// κ = ‖(I − Āᴸ)⁻¹‖_F (≥ the 2-norm), by N solves.
func resolventNorm(_ aBar: Matrix, length: Int) throws -> Double {
    let n = aBar.rows
    let system = Matrix.identity(n) - (try matrixPower(aBar, length))
    let inverse = try solve(system, Matrix.identity(n))
    return twoNorm(inverse.elements)
}

@Suite("Property: S4 Cauchy kernel and generating-function kernel")
struct S4Properties {
    @Test("Cauchy kernel = direct complex sum (300 cases, M ≤ 32 poles, J ≤ 128 points, ± pairs)")
    func cauchyEqualsDirect() async {
        let run = await checkProperty("Cauchy kernel", count: 300, seed: 0x5C_A0C4, input: CauchyCase.generator) {
            try cauchyProperty($0)
        }
        expectCoverage(run.cases.map(\.points))
        #expect(run.cases.contains { $0.poles == 1 } && Set(run.cases.map(\.conjugatePairs)).count == 2)
    }

    @Test("S4 kernel = materialised C Āᵏ B̄ (300 cases, N ≤ 32 even, L ≤ 1024, Δ ∈ [1e-3, 1e-1])")
    func s4KernelEqualsMaterialised() async {
        let run = await checkProperty("S4 kernel", count: 300, seed: 0x5_4C4E, input: S4KernelCase.generator) {
            try s4KernelProperty($0)
        }
        expectCoverage(run.cases.map(\.length))
        #expect(run.cases.contains { $0.stateSize == 2 })
    }

    /// Dropping the partner term w̄/(z − λ̄) of each conjugate pair: the error S4 makes if it
    /// stores half the spectrum but forgets it did.
    @Test("caught: a Cauchy kernel that drops the conjugate partners")
    func droppedPartnersAreCaught() async {
        await expectCaught {
            await checkProperty("Cauchy without partners", count: 300, seed: 0x5C_A0C4, input: CauchyCase.generator) {
                try cauchyProperty($0) { w, poles, z, _ in try cauchyKernel(weights: w, poles: poles, points: z, conjugatePairs: false) }
            }
        }
    }

    /// The kernel for Δ(1 + 10⁻⁶): a slightly wrong step, the kind of error that survives a
    /// plot but not a property.
    @Test("caught: an S4 kernel computed with Δ off by one part in a million")
    func wrongStepIsCaught() async {
        await expectCaught {
            await checkProperty("S4 kernel, wrong Δ", count: 300, seed: 0x5_4C4E, input: S4KernelCase.generator) {
                try s4KernelProperty($0) { dplr, cTilde, step, length in try s4Kernel(dplr, cTilde: cTilde, step: step * (1 + 1e-6), length: length) }
            }
        }
    }
}
