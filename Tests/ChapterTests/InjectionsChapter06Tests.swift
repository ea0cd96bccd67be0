import Testing

/// Chapter06's wrong ingredients: each run with `--inject` must fail a check by ≥ 10× its limit.
@Suite("Chapter06: every wrong ingredient is caught")
struct InjectionsChapter06Tests {
    @Test("caught by ≥ 10×", arguments: [
        "softmax-scores",        // the rank ≤ N check, U_i·γ·V_jᵀ = the block, M_block·X_j = the chunked code's state path
        "readout-decay-dropped", // U_i·γ·V_jᵀ (GEMM) = the off-diagonal block of M
        "segsum-off-by-one",     // chunked = recurrent, chunked at any Q = chunked at Q = T
        "state-pass-skipped",    // M_block·X_j = the chunked code's state path, chunked = recurrent, a ≡ 1 = linear attention
        "x-not-scaled-by-dt",    // SSD(x·Δ) = Mamba's selective scan with B̄ = ΔB
        "conv-taps-reversed",    // the Mamba-2 block's forward = the reference forward (both of the block's paths reversed)
        "naive-as-stable",       // the stable segsum's error checks
    ])
    func caught(_ name: String) throws {
        try expectCaught(Ingredient("Chapter06", name))
    }
}
