/// segsum: the T×T matrix of range sums of log a that the SSD mask is made of,
///
///     segsum[t, s] = log a_{s+1} + … + log a_t   (t ≥ s; 0 on the diagonal),   −∞ for t < s,
///
/// so that L = exp(segsum) has L_ts = a_t ⋯ a_{s+1} below the diagonal, 1 on it, 0 above.
///
/// **Stable** (this function): each entry is the sum of its own range, accumulated from s
/// upward. All terms have the same sign (log a ≤ 0), so the relative error is ≤ (t − s)·ε —
/// no cancellation.
/// **Naive** (`segsumNaive`): cumulative sums S_t = Σ_{k≤t} log a_k, then S_t − S_s. Exact in
/// exact arithmetic, but the subtraction cancels: its absolute error is ≈ ε·|S_t|, which grows
/// with t however short the range. Chapter 06 measures both, in Double and Float.
/// - Parameter logA: (T), each ≤ 0.
/// - Returns: (T, T) row-major.
/// - Complexity: O(T²).
public func segsum<F: BinaryFloatingPoint>(_ logA: [F]) -> [F] {
    let t = logA.count
    var out = [F](repeating: -F.infinity, count: t * t)               // (T, T)
    for s in 0..<t {
        var sum: F = 0
        out[s * t + s] = 0
        for row in (s + 1)..<max(s + 1, t) {
            sum += logA[row]
            out[row * t + s] = sum
        }
    }
    return out
}

/// segsum by differences of cumulative sums: S_t − S_s. Cancels for long sequences (see
/// `segsum`); here to measure that. (T) → (T, T).
/// - Complexity: O(T²).
public func segsumNaive<F: BinaryFloatingPoint>(_ logA: [F]) -> [F] {
    let t = logA.count
    var cumulative = [F](repeating: 0, count: t)                      // (T): S_t
    var running: F = 0
    for i in 0..<t { running += logA[i]; cumulative[i] = running }
    var out = [F](repeating: -F.infinity, count: t * t)               // (T, T)
    for row in 0..<t { for s in 0...row { out[row * t + s] = cumulative[row] - cumulative[s] } }
    return out
}
