import Course

extension Student {
    /// **Exercise 06.1 — the stable segsum.**
    ///
    /// Task: the T×T matrix of range sums that the SSD mask is made of (Mamba-2, Dao & Gu 2024,
    /// the `segsum` of its Listing 1):
    ///
    ///     segsum[t, s] = log a_{s+1} + … + log a_t    t ≥ s  (0 on the diagonal)
    ///     segsum[t, s] = −∞                            t < s
    ///
    /// so that exp(segsum) is the mask L_ts = a_t ⋯ a_{s+1}. Compute it *stably*: each entry as
    /// the sum of its own range (e.g. walking left from the diagonal), not as a difference
    /// S_t − S_s of cumulative sums, which cancels once |S_t| is large.
    /// - Parameters: `logA` (T ≥ 1), each ≤ 0.
    /// - Returns: (T·T, row-major: entry (t, s) at t·T + s).
    /// - Graded against: `segsum(_:)`, relative error ≤ 1e-12 on each finite entry (per entry, so
    ///   that cancellation is seen), −∞ exactly above the diagonal.
    public static func segsum(logA: [Double]) throws -> [Double] {
        throw NotImplemented("06.1")
    }
}
