extension DiscreteStateSpaceModel {
    /// The state kernel: row k is Āᵏ B̄ (N), k = 0…L−1 — the state's response to a unit impulse
    /// at step 0, so that the state is x_k = Σ_{j≤k} Ā^{k−j} B̄ u_j, one convolution per state
    /// dimension. Computed by stepping v ← Ā v from v = B̄: L matrix-vector products, not L
    /// matrix powers.
    ///
    /// Once the remaining rows provably stay below the smallest normal Double (2.2e-308) they
    /// are left at exactly 0: stepping on would only produce subnormal numbers (each operation
    /// on them ~40× slower on x86: at L = 2²⁰ that turned 33 ms of work into 12 s). "Provably":
    /// with G = sup_j ‖Āʲ‖∞ (bounded by `powerBound`), every later row Āʲ v has
    /// ‖Āʲ v‖∞ ≤ G‖v‖∞, so stopping when G‖v‖∞ < 2.2e-308 changes no entry by more than that.
    /// An Ā with no power of norm < 1 (unstable, or a non-normal transient we cannot bound) is
    /// stepped to the end.
    /// - Parameter length: L, 1 ≤ L with L·N ≤ 2³⁰ (the result's size; see `maximumResultElements`).
    /// - Returns: (L, N).
    /// - Throws: `invalidParameter` for L ≤ 0 or too large; `unstable` when ρ(Ā) > 1 makes Āᵏ B̄
    ///   overflow within L steps.
    /// - Complexity: O(L·N²).
    public func stateKernel(length: Int) throws -> Matrix {
        try requirePositive(length, "kernel length L")
        let n = stateSize
        _ = try requireResultSize(rows: length, cols: n, "kernel length L", value: length)
        var rows = Matrix(zeros: length, n)                        // (L, N)
        var v = bBar                                               // (N): Āᵏ B̄
        var growth: Double?                                        // G ≥ sup_j ‖Āʲ‖∞, computed when first needed
        for k in 0..<length {
            for i in 0..<n { rows.elements[k * n + i] = v[i] }
            guard k + 1 < length else { break }
            v = aBar * v
            let size = maxMagnitude(v)
            if size < .leastNormalMagnitude {
                if growth == nil { growth = powerBound(aBar) }
                if growth! * size < .leastNormalMagnitude { break }  // rows k+1… stay 0
            }
        }
        try requireFiniteResult(rows.elements, length: length, input: nil)
        return rows
    }

    /// The SSM convolution kernel K_k = C Āᵏ B̄, k = 0…L−1 (the output's impulse response):
    /// the state kernel read out through C.
    /// - Returns: K, (L).
    /// - Throws: as `stateKernel(length:)`.
    /// - Complexity: O(L·N²).
    public func kernel(length: Int) throws -> [Double] {
        let k = try stateKernel(length: length) * c               // (L, N)·(N) → (L)
        try requireFiniteResult(k, length: length, input: nil)
        return k
    }

    /// The convolutional view: y = K ∗ u + D u, the causal convolution done by FFT (FFTW).
    /// - Parameter u: (L).
    /// - Returns: y, (L).
    /// - Throws: `invalidParameter` (L = 0, or u so large that y overflows), `nonFinite`,
    ///   `unstable` (as `scan`).
    /// - Complexity: O(L·N² + L log L) (kernel, then FFT convolution).
    public func convolve(_ u: [Double]) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        let y = try causalConvolution(try kernel(length: u.count), u)  // (L)
        let output = zip(y, u).map { $0 + d * $1 }                // (L)
        try requireFiniteResult(output, length: u.count, input: u)
        return output
    }

    /// Every state by convolution: column n of the result is (state kernel column n) ∗ u,
    /// each by FFT. Equals `states(u)` (the recurrence) in exact arithmetic.
    /// - Parameter u: (L).
    /// - Returns: (L, N).
    /// - Throws: as `convolve(_:)`.
    /// - Complexity: O(L·N² + N·L log L).
    public func statesByConvolution(_ u: [Double]) throws -> Matrix {
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        _ = try requireResultSize(rows: u.count, cols: stateSize, "sequence length L", value: u.count)
        let kernels = try stateKernel(length: u.count)            // (L, N)
        let n = stateSize, l = u.count
        var xs = Matrix(zeros: l, n)                               // (L, N)
        for i in 0..<n {
            let column = try causalConvolution(kernels.column(i), u)  // (L)
            for k in 0..<l { xs.elements[k * n + i] = column[k] }
        }
        try requireFiniteResult(xs.elements, length: l, input: u)
        return xs
    }
}

/// An upper bound on sup_{j ≥ 0} ‖Āʲ‖∞, or +∞ when none is found: with ‖Ā^{2^m}‖∞ < 1 for
/// the first m ≤ 32 (found by squaring), every power Āʲ = Ā^{j mod 2^m}·(Ā^{2^m})^q has norm
/// ≤ ∏_{i<m} max(1, ‖Ā^{2^i}‖∞) (binary digits of j mod 2^m).
/// - Complexity: O(m·N³).
func powerBound(_ aBar: Matrix) -> Double {
    var power = aBar                                               // (N, N): Ā^{2^i}
    var bound = 1.0
    for _ in 0..<32 {
        let norm = (0..<power.rows).map { power.row($0).reduce(0) { $0 + abs($1) } }.max() ?? 0
        guard norm.isFinite else { return .infinity }
        if norm < 1 { return bound }
        bound *= norm
        power = power * power
    }
    return .infinity
}
