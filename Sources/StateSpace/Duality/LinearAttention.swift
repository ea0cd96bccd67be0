/// Causal linear attention written directly from its definition:
///
///     y_t = Σ_{s ≤ t} (q_t · k_s) v_s
///
/// with no normalisation and no feature map — the a ≡ 1 case of SSD (queries C, keys B,
/// values X). An independent O(T²) reference.
/// - Parameters: `q`, `k` (T, N); `v` (T, P).
/// - Returns: (T, P).
/// - Throws: `shapeMismatch`; `invalidParameter` for T = 0, or inputs so large that y overflows
///   Double; `nonFinite`.
/// - Complexity: O(T²·(N + P)).
public func causalLinearAttention(q: Matrix, k: Matrix, v: Matrix) throws -> Matrix {
    guard q.rows == k.rows, k.rows == v.rows, q.cols == k.cols else {
        throw StateSpaceError.shapeMismatch(name: "q, k, v", expected: "q, k (T, N) and v (T, P)",
                                            actual: "q \(q.rows)×\(q.cols), k \(k.rows)×\(k.cols), v \(v.rows)×\(v.cols)")
    }
    try requirePositive(q.rows, "sequence length T")
    try q.requireFinite("q")
    try k.requireFinite("k")
    try v.requireFinite("v")
    var y = Matrix(zeros: v.rows, v.cols)                              // (T, P)
    for t in 0..<q.rows {
        for s in 0...t {
            var score = 0.0
            for i in 0..<q.cols { score += q[t, i] * k[s, i] }
            for j in 0..<v.cols { y[t, j] += score * v[s, j] }
        }
    }
    try requireNoOverflow(y.elements, of: [("q", q.elements), ("k", k.elements), ("v", v.elements)])
    return y
}
