import Course

extension Student {
    /// **Exercise 08.3 — one attention step with a KV cache.**
    ///
    /// Task: the attention baseline of chapter 08 generates (and is evaluated) one token at a
    /// time. For one head with no projections and no positional encoding, token t brings a query
    /// q, a key k and a value v (P each); the cache holds the keys K and values V of the T tokens
    /// before it (T rows of P, row-major). One step:
    ///
    ///     append k to K and v to V                          now T + 1 rows: the token sees itself
    ///     s_j = q·K_j / √P                    j = 0 … T     the scaled scores
    ///     a_j = exp(s_j − m) / Σ_i exp(s_i − m),  m = max_i s_i          softmax, computed stably
    ///     out = Σ_j a_j·V_j                                 (P)
    ///
    /// Subtracting the max changes nothing in exact arithmetic, but exp overflows past s ≈ 709.8:
    /// the grader includes scores near 1000. The cache grows by 2·P numbers per token — what a
    /// state space model's fixed-size state avoids.
    /// - Parameters: `query` q, `key` k, `value` v (P ≥ 1 each); `keys` K, `values` V (T·P each,
    ///   T ≥ 0; on return (T + 1)·P each, the new row last).
    /// - Returns: out (P).
    /// - Graded against: `CausalAttention.step` with no positional encoding and projections that
    ///   only route q, k and v to a head of P, over several steps from a given cache (empty in
    ///   the edge cases); every output compared, relative error ≤ 1e-10 (of the largest entry).
    public static func attentionStep(query: [Double], key: [Double], value: [Double], keys: inout [Double], values: inout [Double]) throws
        -> [Double]
    {
        throw NotImplemented("08.3")
    }
}
