import CVectorMath
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
/// - Parameters: `lowRankTerm`: as in `s4Kernel`; `fused` true (the default) evaluates the sums
///   by `CauchySums.fused` (a frequency per SIMD lane, one reciprocal per pole pair),
///   false by the readable loop `CauchySums.readable` — the same sums, term by term.
/// - Returns: (⌊L/2⌋ + 1).
/// - Throws: as `s4Kernel`.
/// - Complexity: O(N·L).
public func s4GeneratingFunction(_ dplr: DPLR, cTilde: [Double], step: Double, length: Int,
                                 lowRankTerm: Bool = true, fused: Bool = true) throws -> [Complex<Double>] {
    try StepRange.requireBilinear(step, dplr.lambda, "step Δ")
    try requirePositive(length, "kernel length L")
    try requireAllocatable(length, "kernel length L", value: "\(length)")
    try requireFinite(cTilde, "C̃")
    let ct = try dplr.rowInEigenbasis(cTilde)                       // (N/2): C̃V
    let half = dplr.lambda.count
    // The weights of the four Cauchy sums, (N/2) each.
    let weights: [[Complex<Double>]] = [
        (0..<half).map { ct[$0] * dplr.b[$0] },                     // k(C̃V, B̃)
        (0..<half).map { ct[$0] * dplr.p[$0] },                     // k(C̃V, P̃)
        (0..<half).map { dplr.p[$0].conjugate * dplr.b[$0] },       // k(P̃*, B̃)
        (0..<half).map { dplr.p[$0].conjugate * dplr.p[$0] },       // k(P̃*, P̃)
    ]
    let sums = CauchySums(weights: weights, poles: dplr.lambda, step: step, length: length)
    let limitAtMinusOne = step / 2 * zip(cTilde, dplr.realB).reduce(0) { $0 + $1.0 * $1.1 }
    let frequencies = length / 2 + 1
    var spectrum = [Complex<Double>](repeating: .zero, count: frequencies)  // (L/2+1): K̂(ω_k)
    let useFused = fused && sums.fusedIsSafe
    spectrum.withUnsafeMutableBufferPointer { buffer in
        let out = DisjointWrites(buffer.baseAddress!)               // chunk c writes its frequencies
        parallelChunks(count: frequencies, threshold: 2048) { chunk, chunks in
            let range = (chunk * frequencies / chunks)..<((chunk + 1) * frequencies / chunks)
            if useFused {
                sums.fused(range) { k, four, t in
                    out[k] = 2 * k == length ? Complex(limitAtMinusOne, 0) : combine(four, tangent: t, lowRankTerm: lowRankTerm)
                }
                return
            }
            for k in range {
                let t = sums.tangent(k)
                out[k] = 2 * k == length ? Complex(limitAtMinusOne, 0) : combine(sums.readable(t), tangent: t, lowRankTerm: lowRankTerm)
            }
        }
    }
    try requireNoOverflow(complexFinite(spectrum), result: "generating function",
                          suspects: [OverflowSuspect("C̃", cTilde), OverflowSuspect("step Δ", [step])])
    return spectrum
}

/// True when every real and imaginary part is finite: one branch-free pass over the doubles
/// (`copyChecked`'s test without the copy), where `allFinite` walks a key path per entry.
/// - Complexity: O(n).
func complexFinite(_ values: [Complex<Double>]) -> Bool {
    values.withUnsafeBufferPointer { p in
        p.withMemoryRebound(to: Double.self) { d -> Bool in    // Complex<Double> is (real, imaginary) in memory
            var carries: UInt64 = 0
            for x in d { carries |= (x.bitPattern & 0x7FF0_0000_0000_0000) &+ 0x0010_0000_0000_0000 }
            return carries & 0x8000_0000_0000_0000 == 0
        }
    }
}

/// K̂ = c·[k00 − k01·k10/(1 + k11)] with c = 1 + i·tan(πk/L) (Woodbury), or c·k00 alone.
@inline(__always)
private func combine(_ k: CauchySums.Four, tangent t: Double, lowRankTerm: Bool) -> Complex<Double> {
    Complex(1, t) * (lowRankTerm ? k.k00 - k.k01 * k.k10 / (Complex(1, 0) + k.k11) : k.k00)
}

/// S4's four Cauchy sums at one frequency, k_w(g) = Σ_n [w_n/(g − Λ_n) + w̄_n/(g − Λ̄_n)] for the
/// four weights w, at g = i·gi with gi = (2/Δ)·tan(πk/L) (the bilinear map of ω_k; see `s4Kernel`).
///
/// **Readable** (`readable(k)`): term by term, two reciprocals per pole — 1/(g − Λ) and 1/(g − Λ̄)
/// — each formed with one real reciprocal of |g − Λ|², and each weight multiplied in.
///
/// **Fused** (`fused(range)`, a SIMD lane per frequency): the pair's two terms over one common
/// denominator, with λ = a + ib, d₁ = gi − b, d₂ = gi + b:
///
///     w/(g − λ) + w̄/(g − λ̄) = (α + iβ·gi) / ((a² − d₁d₂) − 2ia·gi),   α = −2(Re w·a + Im w·b), β = 2 Re w
///
/// — one reciprocal per pole pair instead of two, α and β computed once per pole, and the
/// arithmetic in SIMD lanes, one frequency per lane (C, Sources/CVectorMath/cauchy_s4.c). Its roundings: a² − d₁d₂ is within 4u of
/// |(g − λ)(g − λ̄)| (which is ≥ |d₁d₂|), and α's rounding u·|w|·|λ| is ≤ 2u·|w|/min|g − λ|
/// because |λ| ≤ 2·max(|g − λ|, |g − λ̄|) for gi ≥ 0 — both a few u of the terms, as the
/// readable form's. It squares |g − λ||g − λ̄|, so it is used only while every |g| + |Λ| < 2²⁴⁰
/// and every |Re Λ| > 2⁻²⁴⁰ (`fusedIsSafe`), which keeps that square and its reciprocal in Double;
/// otherwise the readable form runs.
struct CauchySums: Sendable {
    /// The four sums k(C̃V, B̃), k(C̃V, P̃), k(P̃*, B̃), k(P̃*, P̃).
    struct Four { var k00, k01, k10, k11: Complex<Double> }

    let half: Int, step: Double, length: Int
    let weightsRe: [Double], weightsIm: [Double]                   // (4, N/2): w's parts, readable form
    let poleRe: [Double], poleIm: [Double]                         // (N/2): a, b
    let packed: [Double]                                           // (N/2, 11): α₀…α₃, β₀…β₃, a², b, −2a
    let fusedIsSafe: Bool

    init(weights: [[Complex<Double>]], poles: [Complex<Double>], step: Double, length: Int) {
        half = poles.count
        self.step = step
        self.length = length
        weightsRe = weights.flatMap { $0.map(\.real) }
        weightsIm = weights.flatMap { $0.map(\.imaginary) }
        poleRe = poles.map(\.real)
        poleIm = poles.map(\.imaginary)
        packed = (0..<poles.count).flatMap { n -> [Double] in
            let (a, b) = (poles[n].real, poles[n].imaginary)
            let alphas = weights.map { -2 * ($0[n].real * a + $0[n].imaginary * b) }
            return alphas + weights.map { 2 * $0[n].real } + [a * a, b, -2 * a]
        }
        let largestG = 4 / step * Double(length) / Double.pi + 2 / step   // ≥ (2/Δ)·cot(π/(2L)) ≥ (2/Δ)·tan(πk/L), k < L/2
        let largestPole = poles.reduce(0) { max($0, $1.length) }
        let smallestRe = poles.reduce(Double.infinity) { min($0, abs($1.real)) }
        fusedIsSafe = largestG + largestPole < 0x1p240 && smallestRe > 0x1p-240
    }

    /// tan(πk/L): c = 1 + i·tan and g = i·(2/Δ)·tan.
    @inline(__always) func tangent(_ k: Int) -> Double { tan(Double.pi * Double(k) / Double(length)) }

    /// The four sums at a frequency k (2k ≠ L) given by its tangent tan(πk/L), term by term.
    /// - Complexity: O(N).
    func readable(_ tangent: Double) -> Four {
        let gi = 2 * tangent / step                                 // g = i·gi
        var sr = SIMD4<Double>(), si = SIMD4<Double>()                // the four sums' parts, one weight per lane
        for n in 0..<half {
            // 1/(g − Λ_n) and 1/(g − Λ̄_n): g − Λ = −Re Λ + i(gi − Im Λ).
            let dr = -poleRe[n], d1 = gi - poleIm[n], d2 = gi + poleIm[n]
            let s1 = 1 / (dr * dr + d1 * d1), s2 = 1 / (dr * dr + d2 * d2)
            let r1r = dr * s1, r1i = -d1 * s1, r2r = dr * s2, r2i = -d2 * s2
            for w in 0..<4 {                                        // w·r1 + w̄·r2
                let (wr, wi) = (weightsRe[w * half + n], weightsIm[w * half + n])
                sr[w] += wr * (r1r + r2r) - wi * (r1i - r2i)
                si[w] += wr * (r1i + r2i) + wi * (r1r - r2r)
            }
        }
        return Four(k00: Complex(sr[0], si[0]), k01: Complex(sr[1], si[1]), k10: Complex(sr[2], si[2]), k11: Complex(sr[3], si[3]))
    }

    /// The four sums at the frequencies `range` by the fused form (see the type's notes), handed
    /// to `body(k, sums, tan(πk/L))` in order. The tangents come from libmvec's vector tan and the
    /// sums from `ass_cauchy_s4_sums` (C, AVX-512 over 16 frequencies at a time where the CPU has
    /// it): the formula above, one frequency per SIMD lane, one division per (pole pair, frequency).
    /// At ω = −1 (2k = L) the sums are formed at g = i·(2/Δ)·tan(π/2) ≈ 1e16·(2/Δ), finite, and the
    /// caller replaces that frequency by its limit.
    /// `portable` runs the C kernel's portable form (what a CPU without AVX-512 runs) for tests.
    /// - Complexity: O(|range|·N), scratch 10·|range| doubles.
    func fused(_ range: Range<Int>, portable: Bool = false, _ body: (Int, Four, Double) -> Void) {
        let count = range.count
        guard count > 0 else { return }
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 10 * count)   // tan (count), gi (count), sums (8, count)
        defer { scratch.deallocate() }
        let (tangents, gi, out) = (scratch, scratch + count, scratch + 2 * count)
        ass_cauchy_tangents(range.lowerBound, count, length, tangents)
        for j in 0..<count { gi[j] = 2 * tangents[j] / step }          // g = i·gi
        packed.withUnsafeBufferPointer { p in
            (portable ? ass_cauchy_s4_sums_portable : ass_cauchy_s4_sums)(p.baseAddress!, half, gi, count, out)
        }
        for j in 0..<count {
            let part = { (row: Int) in out[row * count + j] }
            body(range.lowerBound + j, Four(k00: Complex(part(0), part(1)), k01: Complex(part(2), part(3)),
                                            k10: Complex(part(4), part(5)), k11: Complex(part(6), part(7))), tangents[j])
        }
    }
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
