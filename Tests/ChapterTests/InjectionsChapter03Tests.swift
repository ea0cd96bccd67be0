import Testing

/// Chapter03's wrong ingredients: each must make a check fail by ≥ 10× its tolerance.
@Suite("Chapter03 catches its wrong ingredients", .serialized)
struct InjectionsChapter03Tests {
    @Test("a wrong ingredient fails a check by ≥ 10×", arguments: [
        "c-for-c-tilde",        // C in place of C̃ = C(I − Āᴸ): the kernel check at N = 8, L = 16
        "no-woodbury",          // the low-rank correction dropped: kernel and resolvent checks
        "drop-conjugate-pair",  // one pair of Λ missing: the rebuilt A, kernels, resolvent
    ])
    func caught(_ name: String) throws {
        try expectCaught(Ingredient("Chapter03", name))
    }
}
