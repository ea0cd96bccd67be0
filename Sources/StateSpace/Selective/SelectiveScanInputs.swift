/// Everything a selective scan reads, with shapes checked once.
///
/// For each channel d and time t (per state index n):
///
///     Ā_{t,d,n} = exp(Δ_{t,d}·A_{d,n})        (zero-order hold for A)
///     B̄_{t,d,n} = Δ_{t,d}·B_{t,n}              (Euler for B, as in Mamba)
///     h_{t,d,n} = Ā_{t,d,n}·h_{t−1,d,n} + B̄_{t,d,n}·x_{t,d},   h_{−1} = 0
///     y_{t,d}   = Σ_n C_{t,n}·h_{t,d,n} + D_d·x_{t,d}
///
/// Why Euler for B: the exact ZOH B̄ = A⁻¹(e^{ΔA} − 1)B differs from ΔB by O(Δ²A)·B, and the
/// paper found no difference in quality while ΔB is cheaper and needs no division by A. We
/// follow it; for small |ΔA| the two agree to first order, (e^{ΔA} − 1)/A = Δ(1 + ΔA/2 + …).
///
/// Allowed values: A < 0 (a decaying state; Mamba's A = −exp(A_log) guarantees it), Δ ≥ 0 and
/// finite. Δ = 0 is the limit softplus reaches when its argument underflows (below ≈ −745): the
/// token is then ignored exactly (Ā = 1, B̄ = 0), a well-defined and documented case. Because
/// Δ·A ≤ 0, exp never overflows; it may underflow to 0, which resets the state — also exact.
public struct SelectiveScanInputs: Sendable {
    public let x: Matrix                                               // (L, D)
    public let delta: Matrix                                           // (L, D)
    public let a: Matrix                                               // (D, N)
    public let b: Matrix                                               // (L, N)
    public let c: Matrix                                               // (L, N)
    public let skip: [Double]                                          // (D)

    public var length: Int { x.rows }
    public var channels: Int { x.cols }
    public var stateSize: Int { a.cols }

    /// - Throws: `invalidParameter` for L, D or N of 0, A ≥ 0 or Δ < 0; `shapeMismatch` for any
    ///   shape that does not fit x (L, D); `nonFinite` for NaN/∞ anywhere.
    /// - Complexity: O(L·(D + N) + D·N).
    public init(x: Matrix, delta: Matrix, a: Matrix, b: Matrix, c: Matrix, skip: [Double]) throws {
        let (l, d, n) = (x.rows, x.cols, a.cols)
        try requirePositive(l, "sequence length L")
        try requirePositive(d, "channels D")
        try requirePositive(n, "state size N")
        func shape(_ m: Matrix, _ rows: Int, _ cols: Int, _ name: String) throws {
            guard m.rows == rows, m.cols == cols else {
                throw StateSpaceError.shapeMismatch(name: name, expected: "\(rows)×\(cols)", actual: "\(m.rows)×\(m.cols)")
            }
        }
        try shape(delta, l, d, "Δ (L, D)")
        try shape(a, d, n, "A (D, N)")
        try shape(b, l, n, "B (L, N)")
        try shape(c, l, n, "C (L, N)")
        try requireCount(skip.count, d, "D skip (one per channel)")
        try x.requireFinite("x")
        try delta.requireFinite("Δ")
        try a.requireFinite("A")
        try b.requireFinite("B")
        try c.requireFinite("C")
        try requireFinite(skip, "D skip")
        if let i = a.elements.firstIndex(where: { $0 >= 0 }) {
            throw StateSpaceError.invalidParameter(name: "A[\(i / n), \(i % n)]", value: "\(a.elements[i])",
                                                   allowed: "must be < 0 (a decaying state; Mamba uses A = −exp(A_log))")
        }
        if let i = delta.elements.firstIndex(where: { $0 < 0 }) {
            throw StateSpaceError.invalidParameter(name: "Δ[\(i / d), \(i % d)]", value: "\(delta.elements[i])",
                                                   allowed: "must be ≥ 0 (Δ = softplus(·) ≥ 0)")
        }
        self.x = x
        self.delta = delta
        self.a = a
        self.b = b
        self.c = c
        self.skip = skip
    }

    /// Ā for one channel and the time steps t₀ ..< t₀ + T: decay[(t − t₀)·N + n] =
    /// exp(Δ_{t,d}·A_{d,n}), exponentials through libmvec. `delta` is the channel's column Δ_d (L).
    /// - Complexity: O(T·N).
    func fillDecay(channel d: Int, delta: UnsafePointer<Double>, from start: Int, count: Int,
                   into decay: UnsafeMutablePointer<Double>) {
        let n = stateSize
        a.elements.withUnsafeBufferPointer { pa in
            let rowA = pa.baseAddress! + d * n
            for t in 0..<count {
                let step = delta[start + t]
                for i in 0..<n { decay[t * n + i] = step * rowA[i] }
            }
        }
        vectorExp(UnsafeBufferPointer(start: decay, count: count * n), into: UnsafeMutableBufferPointer(start: decay, count: count * n))
    }

    /// B̄x for one channel at time t, state index n: Δ_{t,d}·x_{t,d}·B_{t,n} — formed where it is
    /// used, from the channel's columns Δ_d and x_d (L each).
    @inline(__always)
    func drive(_ t: Int, _ i: Int, delta: UnsafePointer<Double>, x: UnsafePointer<Double>, b: UnsafePointer<Double>) -> Double {
        delta[t] * x[t] * b[t * stateSize + i]
    }
}
