import Testing

/// Chapter04's wrong ingredients: each must make a check fail by ≥ 10× its tolerance.
@Suite("Chapter04 catches its wrong ingredients", .serialized)
struct InjectionsChapter04Tests {
    @Test("a wrong ingredient fails a check by ≥ 10×", arguments: [
        "c-tilde-as-c",         // C = C̃ in the recurrence: caught at L = 128 (3.6e8×) and at L = 16384 (≈ 290×, tolerance 1e-12)
        "euler-b-in-s4d",       // S4D's B̄ = ΔB: caught by the dense-ZOH route, not by the recurrence
        "s4d-legs-full-b",      // S4D-LegS with V*B for ½V*B: its smooth-input output misses S4's (both ZOH) by ≈ 100×
    ])
    func caught(_ name: String) throws {
        try expectCaught(Ingredient("Chapter04", name))
    }
}
