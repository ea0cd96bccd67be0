import Course

extension Student {
    /// **Exercise 06.3 — the inter-chunk state pass of chunked SSD.**
    ///
    /// Task: the chunked SSD algorithm (Mamba-2, Dao & Gu 2024, Section 6) cuts the sequence into
    /// K chunks. For each chunk k you are given its own final state S_k, computed as if the chunk
    /// started from zero (flattened (P, N) → S = P·N numbers), and its total decay
    /// α_k = ∏ a_t over the chunk's steps. Return the state *entering* each chunk:
    ///
    ///     H_0 = 0,    H_k = α_{k−1} · H_{k−1} + S_{k−1}      k = 1 … K−1
    ///
    /// (a short scan over chunks: the state leaving chunk k−1 is the state entering k decayed
    /// through chunk k−1, plus what chunk k−1 wrote itself).
    /// - Parameters: `chunkStates` (K·S, row k = S_k), `chunkDecays` α (K, each in (0, 1]); K ≥ 1.
    /// - Returns: H (K·S, row k = H_k).
    /// - Graded against: the library's `ssdQuadratic` inside each chunk plus C_t·(decay)·H_k must
    ///   equal `ssdRecurrent` over the whole sequence; relative error ≤ 1e-11.
    public static func statePass(chunkStates: [Double], chunkDecays: [Double]) throws -> [Double] {
        throw NotImplemented("06.3")
    }
}
