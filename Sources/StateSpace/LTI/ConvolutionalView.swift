extension DiscreteStateSpaceModel {
    /// The SSM convolution kernel K_k = C Ā^k B̄, k = 0…L−1 (the impulse response), computed by
    /// stepping v ← Ā v from v = B̄: L matrix-vector products, not L matrix powers.
    /// - Returns: K, (L).
    /// - Throws: `invalidParameter` for L ≤ 0.
    /// - Complexity: O(L·N²).
    public func kernel(length: Int) throws -> [Double] {
        try requirePositive(length, "kernel length L")
        var k = [Double](repeating: 0, count: length)          // (L)
        var v = bBar                                           // (N), Ā^k B̄
        for step in 0..<length {
            var acc = 0.0
            for i in 0..<v.count { acc += c[i] * v[i] }
            k[step] = acc
            if step + 1 < length { v = aBar * v }
        }
        return k
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
}
