import Dispatch
import Foundation
import Numerics

/// S4's convolution kernel K_k = C Āᵏ B̄ (k < L) for the bilinear discretisation of a DPLR
/// system, computed without ever forming Ā — by its generating function at the L-th roots of
/// unity, four Cauchy sums, and one inverse FFT.
///
/// **Generating function.** K̂(ω) = Σ_{k<L} C Āᵏ B̄ ωᵏ = C(I − Āᴸ)(I − Āω)⁻¹B̄, because ωᴸ = 1 at
/// the roots of unity ω_k = e^{−2πik/L}. S4 learns C̃ = C(I − Āᴸ) directly: pass it as `cTilde`.
///
/// **Bilinear Ā.** Substituting Ā = (I − Δ/2·A)⁻¹(I + Δ/2·A), B̄ = (I − Δ/2·A)⁻¹ΔB:
///
///     K̂(ω) = c(ω) · C̃ (g(ω) I − A)⁻¹ B,   g = (2/Δ)(1 − ω)/(1 + ω),   c = 2/(1 + ω).
///
/// On the unit circle these are g = i(2/Δ)·tan(πk/L) and c = 1 + i·tan(πk/L): we use those
/// forms (exact, no cancellation). At ω = −1 (k = L/2) both blow up but the product has the
/// limit K̂(−1) = (Δ/2)·C̃B, used there.
///
/// **Woodbury.** With A = V(Λ − P̃P̃*)V*, (gI − A)⁻¹ = V[R − R P̃ (1 + P̃*R P̃)⁻¹ P̃* R]V*,
/// R = (gI − Λ)⁻¹ diagonal, so with k_{ab}(g) = Σ_n a_n b_n / (g − Λ_n):
///
///     K̂ = c · [ k(C̃V, B̃) − k(C̃V, P̃) · (1 + k(P̃*, P̃))⁻¹ · k(P̃*, B̃) ].
///
/// **Symmetries.** (1) Conjugate pairs: only the N/2 eigenvalues with Im Λ > 0 are stored; each
/// Cauchy sum adds the partner's term w̄/(g − Λ̄) from the same numbers (`cauchyKernel` with
/// `conjugatePairs`). (2) K is real, so K̂(ω̄) = conj K̂(ω): only k = 0…⌊L/2⌋ are evaluated and a
/// complex-to-real inverse FFT (FFTW c2r) returns K. Any L ≥ 1 works (the DFT needs no power of
/// two); powers of two are fastest.
///
/// **Steps.** Δ must lie in `dplr.bilinearStepRange` = [ε/min|Λ_n|, 4/(ε·max|Λ_n|)], ε = 2⁻⁵²
/// (≈ [4e-16, 1.4e13] at N = 64; derived in `StepRange`: outside it the bilinear Ā is 1 or −1
/// to working precision). That range also keeps the Cauchy sums in Double: they form
/// |g − Λ_n|² with |g| ≤ (2/Δ)·cot(π/L) < 2L/(πΔ) ≤ 2L·min|Λ_n|/(πε) ≤ 2.7e34·min|Λ_n| for any
/// L ≤ Int.max, far below the 2⁵¹¹ ≈ 6.7e153 at which 1/|g − Λ_n|² would leave the normal range.
///
/// - Parameters: `dplr` (N even); `cTilde` C̃ (N); `step` Δ in `dplr.bilinearStepRange`; `length` L ≥ 1;
///   `lowRankTerm` false drops the Woodbury correction, leaving c·k(C̃V, B̃): the kernel of the
///   *normal part* S = A + PPᵀ alone (an experiment, not S4's kernel).
/// - Returns: K, (L).
/// - Throws: `invalidParameter` (Δ not finite, ≤ 0 or outside the range; L < 1 or L > 2³⁰, the
///   cap `maximumResultElements`, checked before anything is allocated; C̃ so large that the
///   kernel overflows Double), `shapeMismatch` (C̃ not of length N), `nonFinite`.
/// - Complexity: O(N·L) for the Cauchy sums (split over the cores for large L) + O(L log L).
public func s4Kernel(_ dplr: DPLR, cTilde: [Double], step: Double, length: Int, lowRankTerm: Bool = true) throws -> [Double] {
    let kernel = try FFT.inverse(try s4GeneratingFunction(dplr, cTilde: cTilde, step: step, length: length, lowRankTerm: lowRankTerm),
                                 count: length)
    try requireNoOverflow(kernel, of: [("C̃", cTilde), ("step Δ", [step])], result: "kernel")
    return kernel
}

/// The generating function K̂(ω_k) = Σ_{j<L} K_j ω_kʲ at ω_k = e^{−2πik/L}, k = 0…⌊L/2⌋, straight
/// from the Cauchy sums and the Woodbury combination (see `s4Kernel`, which inverts it with one
/// FFT). It is the kernel's DFT, i.e. its frequency response.
/// - Parameter lowRankTerm: as in `s4Kernel`.
/// - Returns: (⌊L/2⌋ + 1).
/// - Throws: as `s4Kernel`.
/// - Complexity: O(N·L).
public func s4GeneratingFunction(_ dplr: DPLR, cTilde: [Double], step: Double, length: Int,
                                 lowRankTerm: Bool = true) throws -> [Complex<Double>] {
    try StepRange.requireBilinear(step, dplr.lambda, "step Δ")
    try requirePositive(length, "kernel length L")
    try requireAllocatable(length, "kernel length L", value: "\(length)")
    try requireFinite(cTilde, "C̃")
    let ct = try dplr.rowInEigenbasis(cTilde)                       // (N/2): C̃V
    let half = dplr.lambda.count
    // Weights of the four Cauchy sums, split into real and imaginary parts: (N/2) each.
    let products: [[Complex<Double>]] = [
        (0..<half).map { ct[$0] * dplr.b[$0] },                     // k(C̃V, B̃)
        (0..<half).map { ct[$0] * dplr.p[$0] },                     // k(C̃V, P̃)
        (0..<half).map { dplr.p[$0].conjugate * dplr.b[$0] },       // k(P̃*, B̃)
        (0..<half).map { dplr.p[$0].conjugate * dplr.p[$0] },       // k(P̃*, P̃)
    ]
    let wr = products.map { $0.map(\.real) }, wi = products.map { $0.map(\.imaginary) }
    let lr = dplr.lambda.map(\.real), li = dplr.lambda.map(\.imaginary)   // (N/2) each
    let limitAtMinusOne = step / 2 * zip(cTilde, dplr.realB).reduce(0) { $0 + $1.0 * $1.1 }

    let frequencies = length / 2 + 1
    var spectrum = [Complex<Double>](repeating: .zero, count: frequencies)  // (L/2+1): K̂(ω_k)
    spectrum.withUnsafeMutableBufferPointer { buffer in
        let out = DisjointWrites(buffer.baseAddress!)               // chunk c writes k ≡ c (mod chunks)
        parallelChunks(count: frequencies, threshold: 2048) { chunk, chunks in
            for k in stride(from: chunk, to: frequencies, by: chunks) {
                if 2 * k == length { out[k] = Complex(limitAtMinusOne, 0); continue }
                let t = tan(Double.pi * Double(k) / Double(length))
                let gi = 2 * t / step                               // g = i·gi
                var sr = (0.0, 0.0, 0.0, 0.0), si = (0.0, 0.0, 0.0, 0.0)
                for n in 0..<half {
                    // 1/(g − Λ_n) and 1/(g − Λ̄_n): g − Λ = −Re Λ + i(gi − Im Λ).
                    let dr = -lr[n], d1 = gi - li[n], d2 = gi + li[n]
                    let s1 = 1 / (dr * dr + d1 * d1), s2 = 1 / (dr * dr + d2 * d2)
                    let r1r = dr * s1, r1i = -d1 * s1, r2r = dr * s2, r2i = -d2 * s2
                    // w·r1 + w̄·r2 for each of the four weights.
                    sr.0 += wr[0][n] * (r1r + r2r) - wi[0][n] * (r1i - r2i); si.0 += wr[0][n] * (r1i + r2i) + wi[0][n] * (r1r - r2r)
                    sr.1 += wr[1][n] * (r1r + r2r) - wi[1][n] * (r1i - r2i); si.1 += wr[1][n] * (r1i + r2i) + wi[1][n] * (r1r - r2r)
                    sr.2 += wr[2][n] * (r1r + r2r) - wi[2][n] * (r1i - r2i); si.2 += wr[2][n] * (r1i + r2i) + wi[2][n] * (r1r - r2r)
                    sr.3 += wr[3][n] * (r1r + r2r) - wi[3][n] * (r1i - r2i); si.3 += wr[3][n] * (r1i + r2i) + wi[3][n] * (r1r - r2r)
                }
                let k00 = Complex(sr.0, si.0), k01 = Complex(sr.1, si.1), k10 = Complex(sr.2, si.2), k11 = Complex(sr.3, si.3)
                out[k] = Complex(1, t) * (lowRankTerm ? k00 - k01 * k10 / (Complex(1, 0) + k11) : k00)
            }
        }
    }
    try requireNoOverflow(spectrum.flatMap { [$0.real, $0.imaginary] }, of: [("C̃", cTilde), ("step Δ", [step])],
                          result: "generating function")
    return spectrum
}

/// C̃ = C (I − Āᴸ) for the dense bilinear Ā of `model`: what S4 learns in place of C, computed
/// here from a given C to compare S4's kernel with the materialised one. Āᴸ by repeated squaring.
/// - Parameters: `c` (N); `aBar` (N, N); `length` L.
/// - Returns: (N).
/// - Throws: `notSquare`; `shapeMismatch`; `nonFinite`; `invalidParameter` for L < 1, or an
///   Āᴸ that overflows Double (Ā unstable: spectral radius > 1).
/// - Complexity: O(N³ log L).
public func truncatedOutputMatrix(c: [Double], aBar: Matrix, length: Int) throws -> [Double] {
    let power = try truncationPower(aBar, length, rowLength: c.count, "C")   // (N, N): Āᴸ
    try requireFinite(c, "C")
    let cPower = power.transposed * c                               // (N): (C Āᴸ)ᵀ
    let cTilde = zip(c, cPower).map { $0 - $1 }
    try requireNoOverflow(cTilde, of: [("C", c)], result: "C̃ = C(I − Āᴸ)")
    return cTilde
}

/// Āᴸ after the checks the two conversions share: Ā square and finite, a row vector of length N,
/// L ≥ 1, and Āᴸ finite. (N, N).
private func truncationPower(_ aBar: Matrix, _ length: Int, rowLength: Int, _ rowName: String) throws -> Matrix {
    try aBar.requireSquare("Ā")
    try requireCount(rowLength, aBar.rows, "\(rowName) (must have length N = \(aBar.rows))")
    try requirePositive(length, "kernel length L")
    try aBar.requireFinite("Ā")
    let power = try matrixPower(aBar, length, name: "Ā")           // (N, N)
    guard power.elements.allSatisfy(\.isFinite) else {
        throw StateSpaceError.invalidParameter(name: "Ā", value: "Ā^\(length) not finite",
                                               allowed: "must be stable (spectral radius ≤ 1) so that Āᴸ stays in Double")
    }
    return power
}

/// C = C̃ (I − Āᴸ)⁻¹: the output matrix of the recurrence whose length-L kernel S4 computes from
/// a learned C̃ — what S4 does to switch from convolution (training) to RNN mode (generation).
/// One dense solve (I − Āᴸ)ᵀ Cᵀ = C̃ᵀ; Āᴸ by repeated squaring.
/// - Parameters: `cTilde` (N); `aBar` (N, N); `length` L.
/// - Returns: C, (N).
/// - Throws: `singularMatrix` if Āᴸ has an eigenvalue 1 (a non-decaying mode); as `truncatedOutputMatrix`.
/// - Complexity: O(N³ log L).
public func outputMatrix(fromTruncated cTilde: [Double], aBar: Matrix, length: Int) throws -> [Double] {
    let power = try truncationPower(aBar, length, rowLength: cTilde.count, "C̃")   // (N, N)
    try requireFinite(cTilde, "C̃")
    let system = (Matrix.identity(aBar.rows) - power).transposed    // (N, N): (I − Āᴸ)ᵀ
    let c = try solve(system, cTilde, name: "(I − Āᴸ)ᵀ")
    try requireNoOverflow(c, of: [("C̃", cTilde)], result: "C = C̃(I − Āᴸ)⁻¹")
    return c
}
