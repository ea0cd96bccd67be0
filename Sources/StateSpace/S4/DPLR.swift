import Numerics

/// A state matrix in diagonal-plus-low-rank form, in the basis that diagonalises its normal part:
///
///     A = V (Λ − P̃ P̃*) V*,   V unitary,   P̃ = V* P,   B̃ = V* B.
///
/// S4's route to it for HiPPO-LegS: A is *normal plus low rank* (NPLR). With P_n = √(n + ½),
/// S = A + P Pᵀ is −½I plus a real skew-symmetric K (the √(2n+1)√(2k+1) terms split evenly
/// between the triangles). −iK is Hermitian, so LAPACK's Hermitian eigensolver (zheev) gives
/// −iK = V diag(μ) V* with V unitary — a perfectly conditioned change of basis, unlike the
/// eigenvectors of A itself — and S = V (−½ + iμ) V*, i.e. Λ = −½ + iμ.
///
/// K is real, so its eigenvalues come in conjugate pairs ±iμ with eigenvectors v and v̄. We keep
/// only the N/2 with μ > 0 (`lambda`, `p`, `b`, `vectors`); each stands for its partner, whose
/// numbers are the conjugates. Every sum over the state is then a sum over pairs.
public struct DPLR: Sendable {
    /// N, the real state size (even).
    public let stateSize: Int
    /// Λ_n = −½ + iμ_n, μ_n > 0: (N/2).
    public let lambda: [Complex<Double>]
    /// P̃ = V*P: (N/2).
    public let p: [Complex<Double>]
    /// B̃ = V*B: (N/2).
    public let b: [Complex<Double>]
    /// The kept eigenvectors, column n for Λ_n: (N, N/2).
    public let vectors: ComplexMatrix
    /// The real P and B that were transformed: (N) each.
    public let realP: [Double]
    public let realB: [Double]

    /// The DPLR form of HiPPO-LegS (`legSTransition`).
    /// - Parameter stateSize: N, even and ≥ 2 (conjugate pairs are assumed).
    /// - Throws: `invalidParameter` for odd or non-positive N, or N·N beyond the 2³⁰-element cap
    ///   (`maximumResultElements`, checked before anything is allocated); `lapackFailure`.
    /// - Complexity: O(N³) (one Hermitian eigendecomposition).
    public static func legS(stateSize n: Int) throws -> DPLR {
        try requirePositive(n, "state size N")
        guard n % 2 == 0 else {
            throw StateSpaceError.invalidParameter(name: "state size N (S4 DPLR)", value: "\(n)",
                                                   allowed: "must be even: eigenvalues are kept in conjugate pairs")
        }
        _ = try requireAllocatable([n, n], "state size N", value: "\(n) (N×N matrices)")
        let (a, b) = try legSTransition(stateSize: n)                 // (N, N), (N)
        let p = try legSLowRankFactor(stateSize: n)                   // (N)
        var skew = ComplexMatrix(zeros: n, n)                         // (N, N): −iK, K = A + PPᵀ + ½I
        for i in 0..<n {
            for j in 0..<n {
                let k = a[i, j] + p[i] * p[j] + (i == j ? 0.5 : 0)
                skew[i, j] = Complex(0, -k)
            }
        }
        let (mu, v) = try hermitianEigen(skew, name: "−i(A + PPᵀ + ½I)")  // ascending: −μ…, +μ…
        let kept = Array(n / 2..<n)                                   // μ > 0
        var vectors = ComplexMatrix(zeros: n, n / 2)                  // (N, N/2)
        for (col, j) in kept.enumerated() { for i in 0..<n { vectors[i, col] = v[i, j] } }
        return DPLR(stateSize: n, lambda: kept.map { Complex(-0.5, mu[$0]) },
                    p: project(vectors, p), b: project(vectors, b), vectors: vectors, realP: p, realB: b)
    }

    /// The steps Δ the bilinear discretisation (`DPLRBilinear`, `s4Kernel`) accepts for this
    /// system: [ε/min|Λ_n|, 4/(ε·max|Λ_n|)], ε = 2⁻⁵² (derived in `StepRange`). Outside it Ā
    /// rounds to 1 or to −1 in at least one mode. For LegS, min|Λ_n| ≥ ½ and max|Λ_n| ≈ N²/π
    /// (4.6 at N = 4, 1.3e3 at N = 64): the range is [3.9e-16, 1.4e13] at N = 64.
    /// - Complexity: O(N).
    public var bilinearStepRange: ClosedRange<Double> { StepRange.bilinear(lambda) }

    /// A real row vector C (N) in the kept eigenbasis: (C V)_n = Σ_i C_i v_{in}, (N/2).
    /// - Throws: `shapeMismatch` unless C has N entries; `nonFinite`.
    /// - Complexity: O(N²).
    public func rowInEigenbasis(_ c: [Double]) throws -> [Complex<Double>] {
        try requireCount(c.count, stateSize, "C (must have length N = \(stateSize))")
        try requireFinite(c, "C")
        return (0..<lambda.count).map { col in
            var acc = Complex<Double>.zero
            for i in 0..<stateSize { acc += vectors[i, col].multiplied(by: c[i]) }
            return acc
        }
    }

    /// A = V (Λ − P̃P̃*) V* rebuilt from the kept half (partners by conjugation), as a complex
    /// matrix whose imaginary part is rounding. The check that the decomposition is right.
    /// - Complexity: O(N³).
    public func reconstructedA() -> ComplexMatrix {
        let n = stateSize, half = lambda.count                       // N/2 (fewer after `droppingPair`)
        var full = ComplexMatrix(zeros: n, 2 * half)                  // (N, 2·half): [V, V̄]
        for i in 0..<n {
            for j in 0..<half {
                full[i, j] = vectors[i, j]
                full[i, j + half] = vectors[i, j].conjugate
            }
        }
        let pFull = p + p.map(\.conjugate)                            // (2·half)
        let lambdaFull = lambda + lambda.map(\.conjugate)             // (2·half)
        var inner = ComplexMatrix(zeros: 2 * half, 2 * half)          // Λ − P̃P̃*
        for i in 0..<2 * half {
            for j in 0..<2 * half { inner[i, j] = (i == j ? lambdaFull[i] : .zero) - pFull[i] * pFull[j].conjugate }
        }
        var left = ComplexMatrix(zeros: n, 2 * half)
        zgemm(.one, full, inner, .zero, &left)
        var a = ComplexMatrix(zeros: n, n)
        zgemm(.one, left, full, adjointB: true, .zero, &a)
        return a
    }
}

extension DPLR {
    /// max |(F*F − I)ᵢⱼ| for F = [V, V̄] (N, 2·N/2): how far the eigenbasis of the normal part
    /// is from unitary. LAPACK's Hermitian eigensolver returns orthonormal eigenvectors, and the
    /// partners v̄ (eigenvalue −μ) are orthogonal to the kept v (μ > 0), so this is rounding
    /// (≈ ε·N) — and what makes the change of basis lose no digits, unlike LegS's own V_A.
    /// - Complexity: O(N³).
    public var unitarityError: Double {
        let half = lambda.count
        var full = ComplexMatrix(zeros: stateSize, 2 * half)          // (N, 2·half): [V, V̄]
        for i in 0..<stateSize {
            for j in 0..<half { full[i, j] = vectors[i, j]; full[i, j + half] = vectors[i, j].conjugate }
        }
        var gram = ComplexMatrix(zeros: 2 * half, 2 * half)           // F*F
        zgemm(.one, full, adjointA: true, full, .zero, &gram)
        var worst = 0.0
        for i in 0..<2 * half { for j in 0..<2 * half { worst = max(worst, (gram[i, j] - (i == j ? .one : .zero)).length) } }
        return worst
    }

    /// The same system without its conjugate pair `index` (Λ_index and its partner): N − 2 of the
    /// N modes, in the same N-dimensional space. Not LegS any more — an experiment (what one
    /// missing pair does to the rebuilt A and to the kernel), and a wrong ingredient the
    /// chapters' checks must catch. `stateSize` stays N; `lambda`, `p`, `b` and `vectors` lose
    /// one entry (column).
    /// - Precondition: `index` in `lambda.indices`.
    /// - Complexity: O(N²).
    public func droppingPair(at index: Int) -> DPLR {
        precondition(lambda.indices.contains(index), "droppingPair: index \(index) outside 0..<\(lambda.count)")
        let kept = lambda.indices.filter { $0 != index }
        var v = ComplexMatrix(zeros: stateSize, kept.count)
        for (col, j) in kept.enumerated() { for i in 0..<stateSize { v[i, col] = vectors[i, j] } }
        return DPLR(stateSize: stateSize, lambda: kept.map { lambda[$0] }, p: kept.map { p[$0] }, b: kept.map { b[$0] },
                    vectors: v, realP: realP, realB: realB)
    }
}

/// P_n = √(n + ½): the rank-one factor that makes LegS normal, A + PPᵀ = −½I + skew. (N).
/// - Throws: `invalidParameter` for N < 1 or N > 2³⁰ (the cap `maximumResultElements`).
/// - Complexity: O(N).
public func legSLowRankFactor(stateSize n: Int) throws -> [Double] {
    try requirePositive(n, "state size N")
    try requireAllocatable(n, "state size N", value: "\(n)")
    return (0..<n).map { (Double($0) + 0.5).squareRoot() }
}

/// V* x for the kept columns of V: (N, N/2), (N) → (N/2).
private func project(_ v: ComplexMatrix, _ x: [Double]) -> [Complex<Double>] {
    (0..<v.cols).map { col in
        var acc = Complex<Double>.zero
        for i in 0..<v.rows { acc += v[i, col].conjugate.multiplied(by: x[i]) }
        return acc
    }
}
