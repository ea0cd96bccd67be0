import Foundation

/// The selection mechanism: how Mamba makes Δ, B and C functions of the input.
///
/// From x (L, D) (D = d_inner channels), one projection x_proj gives, per token,
///
///     (dt, B, C) = x_t · W_x,   dt ∈ ℝ^R, B, C ∈ ℝ^N          W_x (D, R + 2N), no bias
///     Δ_t = softplus(dt · W_Δ + b_Δ) ∈ ℝ^D                     W_Δ (R, D), b_Δ (D)
///
/// with the low-rank bottleneck R = dt_rank = ⌈d_model/16⌉ (Mamba §3.6). A = −exp(A_log) with
/// A_log[d, n] = log(n + 1) (S4D-Real, the same for every channel) and a skip D = 1.
///
/// Initialisation (Mamba's defaults): W_x entries ~ U(±1/√D) (a linear layer's default);
/// W_Δ ~ U(±R^{−½}); b_Δ = softplus⁻¹(Δ₀) with Δ₀ drawn log-uniformly in [1e-3, 1e-1] per
/// channel, so that Δ starts in that range whatever the input.
public struct SelectiveParameters: Sendable {
    public let xProjection: Matrix                                    // (D, R + 2N)
    public let dtProjection: Matrix                                   // (R, D)
    public let dtBias: [Double]                                       // (D)
    public let aLog: Matrix                                           // (D, N)
    public let skip: [Double]                                         // (D)

    public var channels: Int { dtBias.count }
    public var stateSize: Int { aLog.cols }
    public var dtRank: Int { dtProjection.rows }

    /// Seeded Mamba initialisation for D channels, state size N and rank R.
    /// - Throws: `invalidParameter` for D, N or R < 1, or sizes whose matrices (W_x: D·(R + 2N),
    ///   W_Δ: R·D numbers) would exceed the 2³⁰-element cap (`maximumResultElements`), checked
    ///   before anything is allocated.
    /// - Complexity: O(D·(R + N)).
    public init(channels d: Int, stateSize n: Int, dtRank r: Int, rng: inout SplitMix64) throws {
        try requirePositive(d, "channels D")
        try requirePositive(n, "state size N")
        try requirePositive(r, "dt_rank R")
        let projected = try checkedSum(r, try checkedProduct(2, n, "2·state size N"), "dt_rank R + 2N")
        _ = try requireAllocatable([d, projected], "channels D × (dt_rank R + 2·state size N) (W_x)", value: "\(d) × (\(r) + 2·\(n))")
        _ = try requireAllocatable([r, d], "dt_rank R × channels D (W_Δ)", value: "\(r) × \(d)")
        xProjection = try uniformMatrix(d, projected, bound: 1 / Double(d).squareRoot(), rng: &rng)
        dtProjection = try uniformMatrix(r, d, bound: 1 / Double(r).squareRoot(), rng: &rng)
        dtBias = try (0..<d).map { _ in
            try inverseSoftplus(max(1e-4, exp(Double.random(in: log(1e-3)...log(1e-1), using: &rng))))
        }
        aLog = try Matrix(rows: d, cols: n, elements: (0..<d * n).map { log(Double($0 % n + 1)) })
        skip = [Double](repeating: 1, count: d)
    }

    /// A = −exp(A_log), (D, N). - Complexity: O(D·N).
    public var a: Matrix {
        var m = aLog
        for i in m.elements.indices { m.elements[i] = -exp(m.elements[i]) }
        return m
    }

    /// Δ (L, D), B (L, N), C (L, N) from x (L, D), by two GEMMs and a softplus.
    /// - Throws: `shapeMismatch` unless x has D columns; `nonFinite`; `invalidParameter` for
    ///   L = 0, or an x so large that the projections overflow Double.
    /// - Complexity: O(L·D·(R + N)).
    public func select(_ x: Matrix) throws -> (delta: Matrix, b: Matrix, c: Matrix) {
        guard x.cols == channels else {
            throw StateSpaceError.shapeMismatch(name: "x for the selection (L, D)", expected: "L×\(channels)", actual: "\(x.rows)×\(x.cols)")
        }
        try requirePositive(x.rows, "sequence length L")
        try x.requireFinite("x")
        let (l, n, r) = (x.rows, stateSize, dtRank)
        let projected = x * xProjection                               // (L, R + 2N)
        var dt = Matrix(zeros: l, r), b = Matrix(zeros: l, n), c = Matrix(zeros: l, n)
        for t in 0..<l {
            for j in 0..<r { dt[t, j] = projected[t, j] }
            for j in 0..<n { b[t, j] = projected[t, r + j]; c[t, j] = projected[t, r + n + j] }
        }
        var delta = dt * dtProjection                                 // (L, D)
        for t in 0..<l { for d in 0..<channels { delta[t, d] = softplus(delta[t, d] + dtBias[d]) } }
        try requireNoOverflow(delta.elements + projected.elements, of: x.elements, "x", result: "projection (Δ, B, C)")
        return (delta, b, c)
    }

    /// The scan's inputs for x (L, D). - Throws: as `select` and `SelectiveScanInputs.init`.
    /// - Complexity: as `select`.
    public func scanInputs(_ x: Matrix) throws -> SelectiveScanInputs {
        let (delta, b, c) = try select(x)
        return try SelectiveScanInputs(x: x, delta: delta, a: a, b: b, c: c, skip: skip)
    }
}

/// A rows×cols matrix with entries uniform in [−bound, bound].
/// - Throws: `invalidParameter` for negative sizes or rows·cols overflowing Int.
/// - Complexity: O(rows·cols).
func uniformMatrix(_ rows: Int, _ cols: Int, bound: Double, rng: inout SplitMix64) throws -> Matrix {
    try requireNonNegative(rows, "rows")
    try requireNonNegative(cols, "cols")
    let count = try checkedProduct(rows, cols, "rows × cols")
    return try Matrix(rows: rows, cols: cols, elements: (0..<count).map { _ in Double.random(in: -bound...bound, using: &rng) })
}

/// a + b for sizes, throwing instead of overflowing (the sum's twin of `checkedProduct`).
/// - Complexity: O(1).
func checkedSum(_ a: Int, _ b: Int, _ name: String) throws -> Int {
    let (s, overflow) = a.addingReportingOverflow(b)
    guard !overflow else {
        throw StateSpaceError.invalidParameter(name: name, value: "\(a) + \(b)", allowed: "the sum must fit in Int (≤ \(Int.max))")
    }
    return s
}
