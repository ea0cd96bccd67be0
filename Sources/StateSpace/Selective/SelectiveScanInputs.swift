import Foundation

/// Everything a selective scan reads, with shapes checked once.
///
/// For each channel d and time t (per state index n):
///
///     Ā_{t,d,n} = exp(Δ_{t,d}·A_{d,n})        (zero-order hold for A)
///     B̄_{t,d,n} = Δ_{t,d}·B_{t,n}              (Euler for B, as Mamba's reference code)
///     h_{t,d,n} = Ā_{t,d,n}·h_{t−1,d,n} + B̄_{t,d,n}·x_{t,d},   h_{−1} = 0
///     y_{t,d}   = Σ_n C_{t,n}·h_{t,d,n} + D_d·x_{t,d}
///
/// Why Euler for B: the paper (eq. 4) states zero-order hold, B̄ = A⁻¹(e^{ΔA} − 1)B; the reference
/// code uses ΔB, which its authors describe as simpler without affecting results (state-spaces/mamba
/// issue #114). We follow the code. The two agree only to first order,
/// (e^{ΔA} − 1)/A = Δ(1 + ΔA/2 + …): close at Mamba's initial steps, a factor ~3 apart at
/// ΔA ≈ −2.8 (`InputDiscretization`; `selectiveRecurrence` computes either).
///
/// Allowed values: A < 0 (a decaying state; Mamba's A = −exp(A_log) guarantees it), Δ ≥ 0 and
/// finite. Δ = 0 is the limit softplus reaches when its argument underflows (below ≈ −745): the
/// token is then ignored exactly (Ā = 1, B̄ = 0), a well-defined and documented case. Because
/// Δ·A ≤ 0, exp never overflows; it may underflow to 0, which resets the state — also exact.
/// A tiny Δ needs no lower bound either: Ā = e^{ΔA} rounds to 1 only where that is the correctly
/// rounded value, and B̄ = ΔB stays exact to one rounding.
///
/// **The largest Δ.** The drive B̄x = Δ·x·B grows without bound in Δ (Euler, unlike ZOH's
/// (1 − e^{ΔA})/|A|·B ≤ B/|A|). With 0 ≤ Ā ≤ 1 every state and output is bounded by
///
///     |h_{t,d,n}| ≤ Σ_s Δ_{s,d}·|x_{s,d}|·|B_{s,n}| ≤ L·Δmax·Xmax·Bmax
///     |y_{t,d}|   ≤ N·Cmax·L·Δmax·Xmax·Bmax + Dmax·Xmax
///
/// and so are the Blelloch scan's partial sums and the materialised matrix times x. The inputs
/// are accepted only if L·N·Δmax·Xmax·Bmax·Cmax ≤ 2¹⁰²¹ and Dmax·Xmax ≤ 2¹⁰²¹, so nothing
/// overflows to ∞ (and from there, through 0·∞ or ∞ − ∞, to NaN) in any scan:
///
///     Δ ≤ 2¹⁰²¹ / (L·N·Xmax·Bmax·Cmax)
///
/// — a number the error states. At Mamba's scales (|x|, |B|, |C| ~ 1, L ≤ 10⁶, N ≤ 256) that is
/// Δ ≲ 1e299, beyond any softplus of a real projection. Every scan takes its inputs from here,
/// so these checks run once, where the inputs are built: one read of each input,
/// O(L·(D + N) + D·N), against the scans' O(L·D·N) work and L·D·N exponentials.
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

    /// - Throws: `invalidParameter` for L, D or N of 0, A ≥ 0, Δ < 0, or Δ (or x) beyond the
    ///   bound above (the largest entry is named, with the bound); `shapeMismatch` for any shape
    ///   that does not fit x (L, D); `nonFinite` for NaN/∞ anywhere.
    /// - Complexity: O(L·(D + N) + D·N).
    public init(x: Matrix, delta: Matrix, a: Matrix, b: Matrix, c: Matrix, skip: [Double]) throws {
        let (l, d, n) = (x.rows, x.cols, a.cols)
        try requirePositive(l, "sequence length L")
        try requirePositive(d, "channels D")
        try requirePositive(n, "state size N")
        try requireDimensions(delta, l, d, "Δ (L, D)")
        try requireDimensions(a, d, n, "A (D, N)")
        try requireDimensions(b, l, n, "B (L, N)")
        try requireDimensions(c, l, n, "C (L, N)")
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
        try Self.requireBounded(x: x, delta: delta, b: b, c: c, skip: skip, stateSize: n)
        self.x = x
        self.delta = delta
        self.a = a
        self.b = b
        self.c = c
        self.skip = skip
    }

    /// Throws unless L·N·Δmax·Xmax·Bmax·Cmax ≤ 2¹⁰²¹ and Dmax·Xmax ≤ 2¹⁰²¹ (see the type's notes).
    /// The first product is formed in log₂, so large factors cannot overflow it while a zero
    /// factor makes it zero.
    /// - Complexity: O(L·(D + N) + D).
    private static func requireBounded(x: Matrix, delta: Matrix, b: Matrix, c: Matrix, skip: [Double], stateSize n: Int) throws {
        let (d, limitLog2) = (x.cols, scanBoundLog2)
        let (deltaMax, xm) = (maxMagnitude(delta.elements), maxMagnitude(x.elements))
        let (bm, cm, dm) = (maxMagnitude(b.elements), maxMagnitude(c.elements), maxMagnitude(skip))
        let scale = [Double(x.rows), Double(n), xm, bm, cm]          // the bound's factors besides Δmax
        let scaleLog2 = scale.contains(0) ? -Double.infinity : scale.reduce(0) { $0 + Double.log2($1) }
        if deltaMax > 0, scaleLog2 + Double.log2(deltaMax) > limitLog2 {
            let largestDelta = largestMagnitude(delta.elements), i = largestDelta.index
            throw StateSpaceError.invalidParameter(
                name: "Δ[\(i / d), \(i % d)] (the largest Δ)", value: "\(largestDelta.value)",
                allowed: "must be ≤ \(short(Double.exp2(limitLog2 - scaleLog2))) for these inputs: every state and output of "
                    + "the scan is bounded by L·N·max Δ·max|x|·max|B|·max|C| (L = \(x.rows), N = \(n), max|x| = \(short(xm)), "
                    + "max|B| = \(short(bm)), max|C| = \(short(cm))), which must stay ≤ 2¹⁰²¹ so that nothing overflows Double")
        }
        if dm * xm > Double.exp2(limitLog2) {
            let i = largestMagnitude(x.elements).index
            throw StateSpaceError.invalidParameter(
                name: "x[\(i / d), \(i % d)] (the largest |x|)", value: "\(x.elements[i])",
                allowed: "too large: the skip term D·x must stay ≤ 2¹⁰²¹ so that no output overflows Double (max|D| = \(short(dm)))")
        }
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

/// Throws unless `m` is rows×cols.
/// - Complexity: O(1).
func requireDimensions(_ m: Matrix, _ rows: Int, _ cols: Int, _ name: String) throws {
    guard m.rows == rows, m.cols == cols else {
        throw StateSpaceError.shapeMismatch(name: name, expected: "\(rows)×\(cols)", actual: "\(m.rows)×\(m.cols)")
    }
}
