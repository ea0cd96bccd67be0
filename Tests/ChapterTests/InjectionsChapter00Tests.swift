import Testing

/// Chapter00's checks can fail: each wrong ingredient makes at least one check miss its limit
/// by ≥ 10× (`expectCaught`). Margins measured at seed 42 are in the comments.
@Suite("Chapter00 catches its wrong ingredients")
struct InjectionsChapter00Tests {
    @Test("a wrong ingredient fails a check by ≥ 10×", arguments: [
        Ingredient("Chapter00", "euler-for-zoh"),         // B̄ = ΔB: B̄ vs closed form, kernel vs step response, all four-ways
        Ingredient("Chapter00", "euler-for-expm"),        // Ā = I + ΔA: Ā vs closed form / eigen, tr & det
        Ingredient("Chapter00", "kernel-one-step-late"),  // K_{k−1}: kernel vs step response and vs squaring, FFT/Toeplitz
        Ingredient("Chapter00", "force-one-step-late"),   // u_{k−1}: every discrete view vs the exact position
    ])
    func caught(_ ingredient: Ingredient) throws {
        try expectCaught(ingredient)
    }
}
