extension DiscreteStateSpaceModel {
    /// The state kernel: row k is Āᵏ B̄ (N), k = 0…L−1 — the state's response to a unit impulse
    /// at step 0, so that the state is x_k = Σ_{j≤k} Ā^{k−j} B̄ u_j, one convolution per state
    /// dimension. Computed by stepping v ← Ā v from v = B̄: L matrix-vector products, not L
    /// matrix powers.
    /// - Returns: (L, N).
    /// - Throws: `invalidParameter` for L ≤ 0.
    /// - Complexity: O(L·N²).
    public func stateKernel(length: Int) throws -> Matrix {
        try requirePositive(length, "kernel length L")
        let n = stateSize
        var rows = Matrix(zeros: length, n)                        // (L, N)
        var v = bBar                                               // (N): Āᵏ B̄
        for k in 0..<length {
            for i in 0..<n { rows.elements[k * n + i] = v[i] }
            if k + 1 < length { v = aBar * v }
        }
        return rows
    }

    /// The SSM convolution kernel K_k = C Āᵏ B̄, k = 0…L−1 (the output's impulse response):
    /// the state kernel read out through C.
    /// - Returns: K, (L).
    /// - Throws: `invalidParameter` for L ≤ 0.
    /// - Complexity: O(L·N²).
    public func kernel(length: Int) throws -> [Double] {
        try stateKernel(length: length) * c                       // (L, N)·(N) → (L)
    }

    /// The convolutional view: y = K ∗ u + D u, the causal convolution done by FFT (FFTW).
    /// - Parameter u: (L).
    /// - Returns: y, (L).
    /// - Throws: `invalidParameter` (L = 0), `nonFinite`.
    /// - Complexity: O(L·N² + L log L) (kernel, then FFT convolution).
    public func convolve(_ u: [Double]) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        let y = try causalConvolution(try kernel(length: u.count), u)  // (L)
        return zip(y, u).map { $0 + d * $1 }
    }

    /// Every state by convolution: column n of the result is (state kernel column n) ∗ u,
    /// each by FFT. Equals `states(u)` (the recurrence) in exact arithmetic.
    /// - Parameter u: (L).
    /// - Returns: (L, N).
    /// - Throws: `invalidParameter` (L = 0), `nonFinite`.
    /// - Complexity: O(L·N² + N·L log L).
    public func statesByConvolution(_ u: [Double]) throws -> Matrix {
        let kernels = try stateKernel(length: u.count)            // (L, N)
        let n = stateSize, l = u.count
        var xs = Matrix(zeros: l, n)                               // (L, N)
        for i in 0..<n {
            let column = try causalConvolution(kernels.column(i), u)  // (L)
            for k in 0..<l { xs.elements[k * n + i] = column[k] }
        }
        return xs
    }
}
