import Course

extension Student {
    /// **Exercise 05.2 — Blelloch's combine for a linear recurrence.**
    ///
    /// Task: a step of h_t = a_t·h_{t−1} + b_t is the affine map h ↦ a·h + b, written (a, b).
    /// Doing (a₁, b₁) first and then (a₂, b₂) is again one affine map: return it,
    ///
    ///     (a₁, b₁) ⊕ (a₂, b₂) = ?      such that  a₂·(a₁·h + b₁) + b₂ = a·h + b  for every h.
    ///
    /// ⊕ is associative (that is what lets a parallel scan regroup the steps, Blelloch 1990,
    /// "Prefix sums and their applications") but not commutative: the order of the arguments is
    /// the order in time.
    /// - Parameters: `first` (a₁, b₁), the earlier step; `second` (a₂, b₂), the later one.
    /// - Returns: (a, b).
    /// - Graded against: `AffineComposition.combine`, and a tree-ordered scan against
    ///   `selectiveScan`; relative error ≤ 1e-13.
    public static func combine(_ first: (a: Double, b: Double), _ second: (a: Double, b: Double)) throws -> (a: Double, b: Double) {
        throw NotImplemented("05.2")
    }
}
