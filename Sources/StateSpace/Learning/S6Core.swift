import CVectorMath
import Foundation

/// S6: the selective SSM core of a Mamba block (Gu & Dao 2023, Algorithm 2), trainable. Width D
/// (d_inner inside a block); per token x_t (D):
///
///     (dt, B_t, C_t) = x_t·W_x                       x_proj (D → R + 2N), no bias
///     Δ_t = softplus(dt·W_Δ + b_Δ)                   dt_proj (R → D), with bias
///     A = −exp(A_log)                                (D, N)
///     y = selective scan(x; Δ, A, B, C, D)            (`selectiveScanForward`, Euler B̄ = ΔB)
///
/// **Initialisation** as Mamba's reference code (`mamba_simple.py`): x_proj U(±1/√D) (a
/// linear layer's default); dt_proj's weight U(±R^{−½}) (`dt_init = "random"`, dt_scale 1 — the
/// same bound as a linear layer's default for fan-in R); its bias b_Δ = softplus⁻¹(Δ₀) with Δ₀
/// log-uniform in [1e-3, 1e-1] per channel, floored at 1e-4; A_log[d, n] = log(n + 1) (S4D-Real);
/// D = 1. Groups: A_log, D and dt_proj.bias `.noDecay` (the code marks A_log and D
/// `_no_weight_decay`; the bias is a bias), x_proj and dt_proj's weight `.standard`.
///
/// **Backward** (per sequence, after the scan's backward gives ∂x_scan, ∂Δ, ∂A, ∂B, ∂C, ∂D):
///
///     ∂z   = ∂Δ ⊙ σ(z),  z = dt·W_Δ + b_Δ        (softplus′ = the logistic σ)
///     ∂dt  = dt_proj.backward(∂z)                 (adds ∂W_Δ, ∂b_Δ)
///     ∂x   = ∂x_scan + x_proj.backward([∂dt, ∂B, ∂C])   (adds ∂W_x)
///     ∂A_log = ∂A ⊙ A                           (A = −exp(A_log): ∂A/∂A_log = −exp(A_log) = A)
///
/// - Complexity: forward O(B·L·D·(R + 2N)) GEMM flops + O(B·L·D·N) scan; backward ≈ 2× both.
public struct S6Core: SequenceMixer {
    public var xProj: Linear                                          // x_proj: (D, R + 2N)
    public var dtProj: Linear                                         // dt_proj: (R, D) + bias (D)
    public var aLog: Parameter                                        // A_log: (D, N)
    public var skip: Parameter                                        // D: (1, D)
    /// How the scan's forward keeps states for the backward.
    public var gradientMode: ScanGradientMode
    /// Workers over channels inside each scan (≥ 1).
    public var threads: Int
    public let stateSize: Int
    public let dtRank: Int
    public var width: Int { skip.value.cols }

    /// What the backward needs: the input, the projections, z = dt_proj(dt) before softplus, and
    /// one scan tape per sequence.
    public struct Tape: Sendable {
        let x: Matrix                                                 // (B·L, D)
        let dt: Matrix                                                // (B·L, R)
        let z: Matrix                                                 // (B·L, D): Δ = softplus(z)
        let scans: [SelectiveScanTape]                                // B of them
        /// Δ = softplus(z) at every position and channel, (B·L, D): the step sizes the forward
        /// used — what a trained layer learned to select with (Chapter 08 plots them).
        /// - Complexity: O(B·L·D).
        public var delta: Matrix { Matrix(unchecked: z.rows, z.cols, Softplus.values(z.elements)) }
        /// |Δ_t x_t|·‖B_t‖ at every position and channel, (B·L, D): the size of what token t
        /// writes into the channel's state (B̄_t x_t = Δ_t x_t B_t). A layer can select through Δ_t,
        /// through B_t, or through its input x_t; this measures all three together.
        /// - Complexity: O(B·L·(D + N)).
        public var writeStrength: Matrix {
            var w = delta                                             // (B·L, D)
            let (d, l) = (z.cols, scans.first?.inputs.length ?? 0)
            for (s, scan) in scans.enumerated() {
                let b = scan.inputs.b, n = b.cols                      // (L, N)
                for t in 0..<l {
                    let norm = (0..<n).reduce(0.0) { $0 + b.elements[t * n + $1] * b.elements[t * n + $1] }.squareRoot()
                    for k in 0..<d { w.elements[(s * l + t) * d + k] *= abs(x.elements[(s * l + t) * d + k]) * norm }
                }
            }
            return w
        }
        /// Bytes of states the scans keep (see `ScanGradientMode`).
        public var keptStateBytes: Int { scans.reduce(0) { $0 + $1.keptBytes } }
    }

    /// The state of B sequences in step mode.
    public struct State: Sendable {
        public var h: [Double]                                        // (B, D, N)
        public let batch: Int
    }

    /// - Throws: `invalidParameter` for D, N or R < 1, or a checkpoint interval ≤ 0.
    /// - Complexity: O(D·(R + 2N)).
    public init(_ name: String = "mixer", width d: Int, stateSize n: Int, dtRank r: Int,
                gradientMode: ScanGradientMode = .storedStates, threads: Int = 1, rng: inout SplitMix64) throws {
        try requirePositive(n, "state size N")
        _ = try gradientMode.chunkLength(1)
        let projected = try checkedSum(r, try checkedProduct(2, n, "2·state size N"), "dt_rank R + 2N")
        xProj = try Linear("\(name).x_proj", inputWidth: d, outputWidth: projected, bias: false, rng: &rng)
        dtProj = try Linear("\(name).dt_proj", inputWidth: r, outputWidth: d, rng: &rng)
        dtProj.bias!.value.elements = try (0..<d).map { _ in
            try inverseSoftplus(max(1e-4, exp(Double.random(in: log(1e-3)...log(1e-1), using: &rng))))
        }
        aLog = Parameter("\(name).A_log", Matrix(unchecked: d, n, (0..<d * n).map { log(Double($0 % n + 1)) }), group: .noDecay)
        skip = Parameter("\(name).D", vector: [Double](repeating: 1, count: d), group: .noDecay)
        (stateSize, dtRank, self.gradientMode, self.threads) = (n, r, gradientMode, max(1, threads))
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try xProj.forEachParameter(body)
        try dtProj.forEachParameter(body)
        try body(&aLog)
        try body(&skip)
    }

    /// A = −exp(A_log), (D, N). - Complexity: O(D·N).
    public var a: Matrix { Matrix(unchecked: width, stateSize, aLog.value.elements.map { -exp($0) }) }

    /// (dt (rows, R), B (rows, N), C (rows, N)) from x_proj's output (rows, R + 2N).
    func split(_ projected: Matrix) -> (dt: Matrix, b: Matrix, c: Matrix) {
        let (rows, r, n) = (projected.rows, dtRank, stateSize)
        func columns(_ from: Int, _ count: Int) -> Matrix {
            var m = Matrix(zeros: rows, count)                          // (rows, count)
            m.elements.withUnsafeMutableBufferPointer { ms in
                projected.elements.withUnsafeBufferPointer { ps in
                    for t in 0..<rows { for j in 0..<count { ms[t * count + j] = ps[t * (r + 2 * n) + from + j] } }
                }
            }
            return m
        }
        return (columns(0, r), columns(r, n), columns(r + n, n))
    }

    /// `x` (B·L, D) → y (B·L, D) and the tape.
    /// - Throws: as `SequenceMixer.forward`; `invalidParameter` when the projections make Δ, B or
    ///   C so large that the scan could overflow (`SelectiveScanInputs`).
    /// - Complexity: see the type.
    public func forward(_ x: Matrix, length: Int) throws -> (output: Matrix, tape: Tape) {
        let batch = try requireSequences(x, length: length, width: width, "S6 input x")
        let (dt, b, c) = split(try xProj.forward(x))                   // (B·L, R), (B·L, N), (B·L, N)
        let z = try dtProj.forward(dt)                                  // (B·L, D)
        let delta = Matrix(unchecked: z.rows, z.cols, Softplus.values(z.elements))
        let (a, d) = (self.a, width)
        var y = Matrix(zeros: x.rows, d), scans: [SelectiveScanTape] = []
        for s in 0..<batch {
            let rows = s * length..<(s + 1) * length
            let inputs = try SelectiveScanInputs(x: x.rowBlock(rows), delta: delta.rowBlock(rows), a: a, b: b.rowBlock(rows),
                                                 c: c.rowBlock(rows), skip: skip.value.elements)
            let (out, _, tape) = try selectiveScanForward(inputs, mode: gradientMode, threads: threads)
            y.elements.replaceSubrange(rows.lowerBound * d..<rows.upperBound * d, with: out.elements)
            scans.append(tape)
        }
        return (y, Tape(x: x, dt: dt, z: z, scans: scans))
    }

    /// Adds ∂ℓ/∂(W_x, W_Δ, b_Δ, A_log, D) and returns ∂ℓ/∂x (B·L, D) (see the type's derivation).
    /// - Throws: `shapeMismatch` for a tape made by an S6 core of another D, N or R;
    ///   `shapeMismatch` / `nonFinite` for ∂ℓ/∂y not (B·L, D) or not finite.
    public mutating func backward(_ tape: Tape, outputGradient dy: Matrix) throws -> Matrix {
        try requireTapeShape(tape)
        let (d, n, r, length) = (width, stateSize, dtRank, tape.scans.first?.inputs.length ?? 1)
        try requireGradient(dy, rows: tape.x.rows, cols: d, "∂ℓ/∂y of S6 (B·L, D)")
        var dx = Matrix(zeros: tape.x.rows, d), dz = Matrix(zeros: tape.x.rows, d)         // (B·L, D) each
        var dProjected = Matrix(zeros: tape.x.rows, r + 2 * n)                             // (B·L, R + 2N)
        let (a, width2) = (self.a, r + 2 * n)
        let sigma = SiLU.sigmoids(tape.z)                               // (B·L·D) softplus'(z) = σ(z)
        for (s, scan) in tape.scans.enumerated() {
            let rows = s * length..<(s + 1) * length
            let g = try selectiveScanBackward(scan, outputGradient: dy.rowBlock(rows), threads: threads)
            let first = rows.lowerBound
            dx.elements.withUnsafeMutableBufferPointer { dxs in
                dz.elements.withUnsafeMutableBufferPointer { dzs in
                    for i in 0..<length * d {
                        dxs[first * d + i] = g.x.elements[i]
                        dzs[first * d + i] = g.delta.elements[i] * sigma[first * d + i]
                    }
                }
            }
            dProjected.elements.withUnsafeMutableBufferPointer { dp in
                for j in 0..<length {
                    for k in 0..<n {
                        dp[(first + j) * width2 + r + k] = g.b.elements[j * n + k]
                        dp[(first + j) * width2 + r + n + k] = g.c.elements[j * n + k]
                    }
                }
            }
            aLog.gradient.elements.withUnsafeMutableBufferPointer { da in
                for i in 0..<d * n { da[i] += g.a.elements[i] * a.elements[i] }
            }
            for k in 0..<d { skip.gradient.elements[k] += g.skip[k] }
        }
        let ddt = try dtProj.backward(tape.dt, outputGradient: dz)     // (B·L, R)
        dProjected.elements.withUnsafeMutableBufferPointer { dp in
            for t in 0..<tape.x.rows { for k in 0..<r { dp[t * width2 + k] = ddt.elements[t * r + k] } }
        }
        let dxProj = try xProj.backward(tape.x, outputGradient: dProjected)   // (B·L, D)
        dx.elements.withUnsafeMutableBufferPointer { dxs in
            for i in 0..<dxs.count { dxs[i] += dxProj.elements[i] }
        }
        return dx
    }

    /// Throws `shapeMismatch` unless `tape` was made by an S6 core of this D, N and R: x (B·L, D),
    /// dt (B·L, R), z (B·L, D) and B ≥ 1 scans of L rows, D channels and N states each.
    /// - Complexity: O(B).
    func requireTapeShape(_ tape: Tape) throws {
        let (d, n, r) = (width, stateSize, dtRank)
        let name = "tape of S6 (D = \(d), N = \(n), R = \(r))"
        guard let first = tape.scans.first, first.inputs.length >= 1 else {
            throw StateSpaceError.shapeMismatch(name: "\(name): scans", expected: "at least one sequence of length ≥ 1", actual: "none")
        }
        let length = first.inputs.length, rows = tape.scans.count * length
        try requireDimensions(tape.x, rows, d, "\(name): input x (B·L, D)")
        try requireDimensions(tape.dt, rows, r, "\(name): dt (B·L, R)")
        try requireDimensions(tape.z, rows, d, "\(name): z (B·L, D)")
        for (s, scan) in tape.scans.enumerated() {
            let i = scan.inputs
            guard i.length == length, i.channels == d, i.stateSize == n else {
                throw StateSpaceError.shapeMismatch(name: "\(name): scan of sequence \(s) (L, D, N)",
                                                    expected: "(\(length), \(d), \(n))", actual: "(\(i.length), \(i.channels), \(i.stateSize))")
            }
        }
    }

    public func initialState(batch: Int) -> State {
        State(h: [Double](repeating: 0, count: max(0, batch) * width * stateSize), batch: batch)
    }

    /// One token per sequence: `x` (B, D) → y (B, D); h ← exp(ΔA) ⊙ h + ΔBx, y = C·h + D x.
    /// - Throws: `shapeMismatch` for x not (B, D) with B the state's batch; `nonFinite`.
    /// - Complexity: O(B·D·(R + 2N)).
    public func step(_ x: Matrix, state: inout State) throws -> Matrix {
        try requireDimensions(x, state.batch, width, "S6 step input x (B, D) with B = \(state.batch)")
        try requireCount(state.h.count, state.batch * width * stateSize,
                         "S6 step state h (B, D, N) with B = \(state.batch), D = \(width), N = \(stateSize)")
        try x.requireFinite("S6 step input x")
        let (d, n) = (width, stateSize)
        let (dt, b, c) = split(try xProj.forward(x))                    // (B, R), (B, N), (B, N)
        let z = try dtProj.forward(dt)                                  // (B, D)
        let a = self.a
        let delta = Softplus.values(z.elements)                            // (B·D)
        var y = Matrix(zeros: x.rows, d)                                // (B, D)
        // Each sequence is one row (L = 1) of the selective scan's rows kernel (`scanRows`): Ā = exp(Δ A)
        // for a block of channels at a time in L1, then h ← Ā ⊙ h + B (Δx), y = C·h + D x.
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(1024, n))   // (≤ 1024): Ā of a block of channels
        defer { scratch.deallocate() }
        state.h.withUnsafeMutableBufferPointer { h in
            y.elements.withUnsafeMutableBufferPointer { y in
                x.elements.withUnsafeBufferPointer { x in
                    delta.withUnsafeBufferPointer { delta in
                        a.elements.withUnsafeBufferPointer { a in
                            b.elements.withUnsafeBufferPointer { b in
                                c.elements.withUnsafeBufferPointer { c in
                                    skip.value.elements.withUnsafeBufferPointer { skip in
                                        for s in 0..<x.count / max(1, d) {
                                            ass_scan_rows(x.baseAddress! + s * d, delta.baseAddress! + s * d, a.baseAddress, b.baseAddress! + s * n,
                                                          c.baseAddress! + s * n, skip.baseAddress, d, n, 0, 1, 0, d,
                                                          h.baseAddress! + s * d * n, 0, y.baseAddress! + s * d, scratch)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}

extension Matrix {
    /// Rows `range` as a matrix (range.count, cols). - Complexity: O(range.count·cols).
    fileprivate func rowBlock(_ range: Range<Int>) -> Matrix {
        Matrix(unchecked: range.count, cols, Array(elements[range.lowerBound * cols..<range.upperBound * cols]))
    }
}
