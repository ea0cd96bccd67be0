import Course

extension Student {
    /// **Exercise 05.3 — the selective SSM as a matrix.**
    ///
    /// Task: one channel's output is y = M x with the lower-triangular (semiseparable) matrix
    ///
    ///     M_ts = Σ_n C_tn · (Ā_{t,n} Ā_{t−1,n} ⋯ Ā_{s+1,n}) · Δ_s B_sn    t ≥ s,   M_ts = 0  t < s
    ///
    /// with Ā_{k,n} = exp(Δ_k A_n): the product runs over the steps *after* s up to t (empty, = 1,
    /// on the diagonal). Unlike an LTI Toeplitz matrix, M_ts depends on t and s, not on t − s.
    /// Build each row right to left, multiplying a running product by one more Ā.
    /// - Parameters: `delta` Δ (L, ≥ 0), `a` A (N, < 0), `b` B (L·N), `c` C (L·N).
    /// - Returns: M (L·L, row-major: entry (t, s) at t·L + s).
    /// - Graded against: `selectiveMatrix(_:channel:)`, relative error ≤ 1e-12.
    public static func selectiveMatrix(delta: [Double], a: [Double], b: [Double], c: [Double]) throws -> [Double] {
        throw NotImplemented("05.3")
    }
}
