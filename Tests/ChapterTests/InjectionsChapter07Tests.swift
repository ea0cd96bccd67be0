import Testing

/// Chapter07's wrong ingredients: each run with `--inject` must fail a check by ≥ 10× its limit.
@Suite("Chapter07: every wrong ingredient is caught")
struct InjectionsChapter07Tests {
    @Test("caught by ≥ 10×", arguments: [
        "adjoint-unshifted",         // the reverse scan vs central differences, and vs the forward scan reversed
        "dt-bias-gradient-dropped",  // the S6 core's backward vs central differences
        "states-stored-twice",       // the memory the recomputing mode saves
        "ssm-frozen",                // the fit's loss and its learned kernel
    ])
    func caught(_ name: String) throws {
        try expectCaught(Ingredient("Chapter07", name))
    }
}
