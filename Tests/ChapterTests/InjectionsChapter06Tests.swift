import Testing

/// Chapter06's wrong ingredients: each run with `--inject` must fail a check by ≥ 10× its limit.
@Suite("Chapter06: every wrong ingredient is caught")
struct InjectionsChapter06Tests {
    @Test("caught by ≥ 10×", arguments: [
        "softmax-scores",        // the rank ≤ N check and the factorisation through the state
        "segsum-off-by-one",     // chunked = recurrent, chunked at any Q = chunked at Q = T
        "state-pass-skipped",    // the same, and a ≡ 1 = causal linear attention
        "x-not-scaled-by-dt",    // SSD(x·Δ) = Mamba's selective scan with B̄ = ΔB
        "conv-taps-reversed",    // the Mamba-2 block's step = its chunked forward
        "naive-as-stable",       // the stable segsum's error checks
    ])
    func caught(_ name: String) throws {
        try expectCaught(Ingredient("Chapter06", name))
    }
}
