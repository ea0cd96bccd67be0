import Testing

/// Chapter05's wrong ingredients: each must fail a check by ≥ 10× its limit (`expectCaught`).
@Suite("Chapter05 catches its wrong ingredients")
struct InjectionsChapter05Tests {
    @Test("--inject makes a check fail by ≥ 10×", arguments: [
        "zoh-for-delta-b",      // cell 2: the plain recurrence with ZOH's B̄ against the library's ΔB scans
        "delta-b-for-zoh",      // cell 3: Theorem 1 with the code's ΔB (the gate becomes softplus, not σ)
        "blelloch-a1b1",        // cell 4: Blelloch's combine with a₁b₁ for a₂b₁
        "selection-frozen",     // cell 6: the "selective" system frozen at one token (a kernel fits it)
        "noise-not-redrawn",    // cell 7: the LTI control with the same noise twice
        "conv-taps-reversed",   // cell 9: the block's conv1d taps reversed (forward = step still agrees)
    ].map { Ingredient("Chapter05", $0) })
    func caught(ingredient: Ingredient) throws {
        try expectCaught(ingredient)
    }
}
