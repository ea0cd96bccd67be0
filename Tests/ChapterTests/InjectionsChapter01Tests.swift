import Testing

/// Chapter01's wrong ingredients: each must make at least one check fail by ≥ 10×.
/// The first three are issue 11's minimum; the others prove that each check which used to be
/// unable to fail now can (see the chapter's cells for which check catches which).
let chapter01Ingredients: [Ingredient] = [
    "legs-offdiagonal",       // LegS off-diagonal × 0.995: derivation by quadrature, warped basis, state = projection
    "fout-no-rank-one",       // FouT without −2eeᵀ/θ: FouT's A, B derived by quadrature (4e10×), FouT state = projection
    "legt-flipped",           // LegT with the window flipped: derivation by quadrature, LegT state = projection
    "legs-diagonal",          // (was: eigenvalues read off a triangular diagonal) warped basis e^{−t}g_n(2e^{−t} − 1)
    "fout-e-without-root2",   // (was: e taken from FouT's own B) FouT's A, B derived by quadrature (2e10×)
    "fout-frequency-off-by-one", // (was: A + Aᵀ = −(4/θ)eeᵀ, blind to the rotation) FouT's A, B by quadrature (6e10×)
    "expm-first-order",       // (was: the k = 1 probe ran one expm twice) e^{ΔA}B against a Taylor series
    "legs-b-ones",            // (was: the LTI delay check, 0.0 by construction) LTI LegS state = warped projection
].map { Ingredient("Chapter01", $0) }

@Suite("Chapter01: every check can fail", .serialized)
struct InjectionsChapter01Tests {
    @Test("a wrong ingredient makes a check fail by ≥ 10×", arguments: chapter01Ingredients)
    func caught(_ ingredient: Ingredient) throws {
        try expectCaught(ingredient)
    }
}
