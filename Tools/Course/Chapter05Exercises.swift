/// Chapter 05 — Mamba: selection. Task, math and shapes: Exercises/Chapter05/…; row-major.
public protocol Chapter05Exercises {
    /// 05.1, `SelectiveStep.swift`: h ← e^{ΔA} ⊙ h + ΔB x, y = C·h + D x, all channels. → ((D·N), (D)).
    static func selectiveStep(state h: [Double], x: [Double], delta: [Double], a: [Double], b: [Double], c: [Double],
                              skip: [Double]) throws -> (state: [Double], y: [Double])
    /// 05.2, `Combine.swift`: Blelloch's operator (a₁, b₁) ⊕ (a₂, b₂) for h ↦ a·h + b.
    static func combine(_ first: (a: Double, b: Double), _ second: (a: Double, b: Double)) throws -> (a: Double, b: Double)
    /// 05.3, `SelectiveMatrix.swift`: one channel's M_ts = Σ_n C_tn (∏_{k=s+1..t} e^{Δ_k A_n}) Δ_s B_sn. → (L·L).
    static func selectiveMatrix(delta: [Double], a: [Double], b: [Double], c: [Double]) throws -> [Double]
}
