import Numerics

extension S4D {
    /// The same continuous system written with real numbers only, as a dense N×N SSM: each
    /// complex mode a_n = α + iβ (standing for a conjugate pair) becomes the 2×2 block
    ///
    ///     [ α  −β ]      B block (Re B_n, Im B_n),   C block f·(Re C_n, −Im C_n),
    ///     [ β   α ]
    ///
    /// which is x = p + iq written as (p, q): p' = αp − βq + Re B·u, q' = βp + αq + Im B·u, and
    /// f·Re(C x) = f(Re C·p − Im C·q). A real mode is a 1×1 block. Discretising this model with
    /// the dense routes (`discretized(step:method: .zoh)`: one matrix exponential of the
    /// augmented matrix) gives an independent check of S4D's per-mode closed forms.
    /// - Returns: a `StateSpaceModel` with N = 2M (complex modes) or M (real modes).
    /// - Throws: as `StateSpaceModel.init` (never for a valid S4D).
    /// - Complexity: O(N²) (the dense matrix).
    public func realBlockForm() throws -> StateSpaceModel {
        let complexModes = initialization != .real
        let n = complexModes ? 2 * a.count : a.count
        var matrix = Matrix(zeros: n, n)                                  // (N, N)
        var bReal = [Double](repeating: 0, count: n), cReal = [Double](repeating: 0, count: n)  // (N) each
        for m in a.indices {
            if complexModes {
                let (p, q) = (2 * m, 2 * m + 1)
                matrix[p, p] = a[m].real; matrix[p, q] = -a[m].imaginary
                matrix[q, p] = a[m].imaginary; matrix[q, q] = a[m].real
                (bReal[p], bReal[q]) = (b[m].real, b[m].imaginary)
                (cReal[p], cReal[q]) = (pairFactor * c[m].real, -pairFactor * c[m].imaginary)
            } else {
                matrix[m, m] = a[m].real
                bReal[m] = b[m].real
                cReal[m] = pairFactor * c[m].real
            }
        }
        return try StateSpaceModel(a: matrix, b: bReal, c: cReal)
    }
}
