import CLAPACK

extension DiscreteStateSpaceModel {
    /// The recurrent view: y_k = C x_k + D u_k with x_k = Ā x_{k−1} + B̄ u_k, x_{−1} = 0.
    /// Constant memory in L: this is how an SSM generates, one step at a time.
    /// - Parameter u: (L).
    /// - Returns: y, (L).
    /// - Throws: `invalidParameter` (L = 0, or u so large that y overflows), `nonFinite` in u,
    ///   `unstable` when ρ(Ā) > 1 makes the state overflow within the L steps.
    /// - Complexity: O(L·N²).
    public func scan(_ u: [Double]) throws -> [Double] {
        var y = [Double](repeating: 0, count: u.count)         // (L)
        try runRecurrence(u) { k, x in
            var acc = d * u[k]
            for i in 0..<x.count { acc += c[i] * x[i] }
            y[k] = acc
        }
        try requireFiniteResult(y, length: u.count, input: u)
        return y
    }

    /// Every state of the recurrence, row k = x_k. `u` (L) → (L, N), with L·N ≤ 2³⁰.
    /// - Throws: as `scan(_:)`; `invalidParameter` for L·N > 2³⁰.
    /// - Complexity: O(L·N²) time, O(L·N) memory.
    public func states(_ u: [Double]) throws -> Matrix {
        let n = stateSize
        try requirePositive(u.count, "sequence length L")
        _ = try requireResultSize(rows: u.count, cols: n, "sequence length L", value: u.count)
        var xs = Matrix(zeros: u.count, n)                     // (L, N)
        try runRecurrence(u) { k, x in
            for i in 0..<n { xs.elements[k * n + i] = x[i] }
        }
        try requireFiniteResult(xs.elements, length: u.count, input: u)
        return xs
    }

    /// The last state x_{L−1} only (constant memory). `u` (L) → (N).
    /// - Throws: as `scan(_:)`.
    /// - Complexity: O(L·N²) time, O(N) memory.
    public func finalState(_ u: [Double]) throws -> [Double] {
        var last = [Double](repeating: 0, count: stateSize)       // (N)
        try runRecurrence(u) { k, x in
            if k == u.count - 1 { last = Array(x) }
        }
        try requireFiniteResult(last, length: u.count, input: u)
        return last
    }

    /// Runs x_k = Ā x_{k−1} + B̄ u_k and hands each x_k (N) to `visit`.
    /// One `cblas_dgemv` per step into a second buffer, then a swap: no allocation in the loop.
    private func runRecurrence(_ u: [Double], _ visit: (Int, UnsafeBufferPointer<Double>) -> Void) throws {
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        let n = stateSize
        var x = [Double](repeating: 0, count: n)               // (N), x_{k−1}
        var next = [Double](repeating: 0, count: n)            // (N), x_k
        aBar.elements.withUnsafeBufferPointer { a in
            for k in 0..<u.count {
                next.withUnsafeMutableBufferPointer { nx in
                    for i in 0..<n { nx[i] = bBar[i] * u[k] }
                    x.withUnsafeBufferPointer { px in
                        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(n), 1.0,
                                    a.baseAddress, Int32(n), px.baseAddress, 1, 1.0, nx.baseAddress, 1)
                    }
                }
                swap(&x, &next)
                x.withUnsafeBufferPointer { visit(k, $0) }
            }
        }
    }
}
