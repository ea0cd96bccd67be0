/// Chapter 06 — Mamba-2: state space duality. Task, math and shapes: Exercises/Chapter06/…; row-major.
public protocol Chapter06Exercises {
    /// 06.1, `Segsum.swift`: segsum[t, s] = log a_{s+1} + … + log a_t (t ≥ s), −∞ above; stable. (T) → (T·T).
    static func segsum(logA: [Double]) throws -> [Double]
    /// 06.2, `Quadratic.swift`: Y = (L ∘ C Bᵀ) X for one head. a (T), b, c (T·N), x (T·P) → (T·P).
    static func quadratic(a: [Double], b: [Double], c: [Double], x: [Double], stateSize n: Int, headDim p: Int) throws -> [Double]
    /// 06.3, `StatePass.swift`: the state entering each chunk from the chunks' own final states and decays.
    /// chunkStates (K·S), chunkDecays (K) → (K·S), S = P·N.
    static func statePass(chunkStates: [Double], chunkDecays: [Double]) throws -> [Double]
}
