import Numerics

/// Chapter 04 — S4D and the RNN view. Task, math and shapes: Exercises/Chapter04/…
public protocol Chapter04Exercises {
    /// 04.1, `VandermondeKernel.swift`: K_l = 2·Re Σ_n C_n B̄_n e^{lΔA_n}, ZOH B̄. (M) each → (L).
    static func vandermondeKernel(a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>], step: Double,
                                  length: Int) throws -> [Double]
    /// 04.2, `InversePoles.swift`: S4D-Inv's A_n = −½ + i(N/π)(N/(2n+1) − 1), n < N/2. → (N/2).
    static func inversePoles(stateSize n: Int) throws -> [Complex<Double>]
    /// 04.3, `RecurrentStep.swift`: one ZOH step x ← e^{ΔA}x + B̄u, y = 2·Re Σ C_n x_n. → ((M), y).
    static func recurrentStep(state: [Complex<Double>], a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>],
                              step: Double, input u: Double) throws -> (state: [Complex<Double>], output: Double)
}
