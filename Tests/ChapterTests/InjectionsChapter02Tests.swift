import Testing

/// Chapter02's checks can fail: each wrong ingredient makes at least one check miss its limit
/// by ≥ 10× (`expectCaught`). Margins measured at seed 42 are in the comments.
@Suite("Chapter02 catches its wrong ingredients")
struct InjectionsChapter02Tests {
    @Test("a wrong ingredient fails a check by ≥ 10×", arguments: [
        // B̄ = ΔB: ZOH vs the RK4 reference (2e10×), K_k vs ∫ h by quadrature (1e10×), ZOH's error vs Δ (2e8×)
        Ingredient("Chapter02", "euler-for-zoh"),
        // LegS diagonal −n: every view and the reference share the wrong A; (A, B) against their
        // derivation by quadrature sees it (8e9×), and so does the contraction ‖e^{tA}‖₂ ≤ e^{−t/2} (1.2×)
        Ingredient("Chapter02", "legs-diagonal-off-by-one"),
        // LegS entries below the diagonal × 0.995: only (A, B) against their derivation by quadrature sees it (5e9×)
        Ingredient("Chapter02", "legs-offdiagonal"),
        // y_k = C x_{k−1}: a timing bug in the recurrence, caught by the independent RK4 loop (2e10×)
        Ingredient("Chapter02", "state-read-before-update"),
    ])
    func caught(_ ingredient: Ingredient) throws {
        try expectCaught(ingredient)
    }
}
