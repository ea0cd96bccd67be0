/// Chapter 02 — LSSL, one SSM three views. Task, math and shapes: Exercises/Chapter02/…
public protocol Chapter02Exercises {
    /// 02.1, `Bilinear.swift`: Ā = (I − Δ/2·A)⁻¹(I + Δ/2·A), B̄ = (I − Δ/2·A)⁻¹ΔB. a (N·N), b (N).
    static func bilinear(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double])
    /// 02.2, `KernelByStepping.swift`: K_k = C Āᵏ B̄, k < L. → (L).
    static func kernel(aBar: [Double], bBar: [Double], c: [Double], length: Int) throws -> [Double]
    /// 02.3, `Toeplitz.swift`: T_ij = K_{i−j} (i ≥ j), 0 above. kernel (L) → (L·L).
    static func toeplitz(kernel: [Double]) throws -> [Double]
}
