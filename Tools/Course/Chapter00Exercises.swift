/// Chapter 00 — from a spring to a state space model. Each requirement's task, math and shapes
/// are stated in the student's file named beside it (Exercises/Chapter00/…); matrices are
/// row-major `[Double]`.
public protocol Chapter00Exercises {
    /// 00.1, `ZeroOrderHold.swift`: Ā = e^{ΔA}, B̄ = A⁻¹(e^{ΔA} − I)B for a 2×2 A. a (4), b (2) → (4), (2).
    static func zeroOrderHold(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double])
    /// 00.2, `Recurrence.swift`: y_k = C x_k, x_k = Ā x_{k−1} + B̄ u_k. aBar (N·N), bBar, c (N), u (L) → (L).
    static func recurrence(aBar: [Double], bBar: [Double], c: [Double], input u: [Double]) throws -> [Double]
    /// 00.3, `CausalConvolution.swift`: y_k = Σ_{j≤k} K_j u_{k−j}. kernel (L), u (L) → (L).
    static func causalConvolution(kernel: [Double], input u: [Double]) throws -> [Double]
}
