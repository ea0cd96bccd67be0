import Course

extension Student {
    /// **Exercise 08.2 — the selection ratio per channel.**
    ///
    /// Task: chapter 08 asks whether a trained layer treats the data tokens of selective copying
    /// differently from the noise *by their content* — e.g. a larger step Δ_t, a stronger write
    /// into the state. For a per-position quantity v (B·L, channels) computed on B sequences of
    /// length L = body + k, and each channel c:
    ///
    ///     ratio_c = (mean of v_{t,c} over the data tokens) ÷ (mean of v_{t,c} over the noise tokens)
    ///
    /// where both means run over the bodies of all B sequences together (B·k data positions,
    /// B·(body − k) noise positions) — one ratio of two pooled means, not a mean of per-sequence
    /// ratios — and the k marker positions of each sequence (body ..< L) belong to neither: they
    /// are queries, not noise. A layer that ignores content gives ≈ 1; a selective one ≫ 1.
    /// - Parameters: `values` v (B·L, channels, row-major: row β·L + t is token t of sequence β),
    ///   `channels`, `bodyLength` (> k, so that there is noise), `dataCount` k, `dataPositions`
    ///   (B·k: sequence β's k sorted positions in 0 ..< body at β·k ..< (β+1)·k).
    /// - Returns: the ratios (channels).
    /// - Graded against: `selectionRatios`, relative error ≤ 1e-12 (of the largest entry).
    public static func selectionRatios(values: [Double], channels: Int, bodyLength: Int, dataCount: Int, dataPositions: [Int]) throws
        -> [Double]
    {
        throw NotImplemented("08.2")
    }
}
