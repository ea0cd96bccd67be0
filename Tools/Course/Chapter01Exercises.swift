/// Chapter 01 — HiPPO. Task, math and shapes: Exercises/Chapter01/…; matrices row-major.
public protocol Chapter01Exercises {
    /// 01.1, `LegT.swift`: HiPPO-LegT's (A, B) with window θ. → a (N·N), b (N).
    static func legT(stateSize n: Int, window theta: Double) throws -> (a: [Double], b: [Double])
    /// 01.2, `LegS.swift`: HiPPO-LegS's (A, B). → a (N·N), b (N).
    static func legS(stateSize n: Int) throws -> (a: [Double], b: [Double])
    /// 01.3, `Reconstruction.swift`: f(now − age) ≈ Σ_n c_n √(2n+1) P_n(1 − 2·age/θ). state (N), ages (J) → (J).
    static func legTReconstruction(state c: [Double], window theta: Double, ages: [Double]) throws -> [Double]
}
