import Numerics

/// Chapter 03 — S4: diagonal plus low rank and the Cauchy kernel. Task, math and shapes:
/// Exercises/Chapter03/…
public protocol Chapter03Exercises {
    /// 03.1, `CauchyKernel.swift`: k(z_j) = Σ_n [w_n/(z_j − λ_n) + w̄_n/(z_j − λ̄_n)]. (M), (M), (J) → (J).
    static func cauchy(weights: [Complex<Double>], poles: [Complex<Double>], points: [Complex<Double>]) throws -> [Complex<Double>]
    /// 03.2, `Woodbury.swift`: K̂ = c·[k_CB − k_CP (1 + k_PP)⁻¹ k_PB], entry by entry. Five (J) → (J).
    static func woodbury(kCB: [Complex<Double>], kCP: [Complex<Double>], kPB: [Complex<Double>], kPP: [Complex<Double>],
                         scale c: [Complex<Double>]) throws -> [Complex<Double>]
    /// 03.3, `S4Kernel.swift`: the S4 kernel from (Λ, P̃, B̃, C̃V), Δ, L by the generating function. → (L).
    static func s4Kernel(lambda: [Complex<Double>], p: [Complex<Double>], b: [Complex<Double>], cTilde: [Complex<Double>],
                         step: Double, length: Int) throws -> [Double]
}
