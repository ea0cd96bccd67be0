/// The Mamba block (Gu & Dao 2023, §3.4, Figure 3) around any SSM core: a `SequenceMixer` of
/// width d_model whose time mixing is done by `core` (width d_inner: the selective S6 core, or
/// an LTI S4D core for Table 1's "Mamba block with S4" rows).
///
/// **Forward** (per token row; names as Mamba's `mamba_simple.py`):
///
///     [x | z] = in_proj(u)                       (B·L, 2·d_inner)   no bias (Mamba's default)
///     c       = conv1d(x)                        (B·L, d_inner)     causal, depthwise, K = 4
///     a       = SiLU(c)                          (B·L, d_inner)
///     y       = core(a)                          (B·L, d_inner)     mixes along time
///     g       = y ⊙ SiLU(z)                      (B·L, d_inner)     the gate
///     out     = out_proj(g)                      (B·L, d_model)     no bias
///
/// `convolution: false` drops conv1d (a = SiLU(x)); `gated: false` drops z and the gate (g = y,
/// and in_proj is d_model → d_inner). The Mamba paper's Table 1 crosses architectures ("No gate",
/// H3, Hyena, Mamba) with inner layers (S4, Hyena, S6); its "No gate" architecture can be read as
/// this block without the gate branch, or as the inner layer used directly as the mixer (any
/// core is itself a `SequenceMixer`): both are available, and Chapter08 should say which it uses.
///
/// **Backward** (the chain rule through the lines above, in reverse):
///
///     ∂g = out_proj.backward(∂out)               (B·L, d_inner)
///     ∂y = ∂g ⊙ SiLU(z),   ∂z = ∂g ⊙ y ⊙ SiLU'(z)
///     ∂a = core.backward(∂y)
///     ∂c = ∂a ⊙ SiLU'(c),  ∂x = conv1d.backward(∂c)
///     ∂u = in_proj.backward([∂x | ∂z])           (B·L, d_model)
///
/// **Step.** One token per sequence through the same lines, with conv1d's (K−1)-token window and
/// the core's state: running it over t = 0 … L−1 gives `forward`'s rows.
///
/// **Parameter names** are relative to the block: `in_proj.weight`, `conv1d.weight`,
/// `conv1d.bias`, `out_proj.weight`, and the core's own names unchanged (so an S6 core's `A_log`
/// becomes `layers.0.mixer.A_log` under `LanguageModel`'s prefix, as in Mamba's state dict).
/// - Complexity: forward 2·B·L·d_model·(3·d_inner) flops in the projections, B·L·d_inner·K in
///   the convolution, plus the core; backward about twice that.
public struct MambaMixer<Core: SequenceMixer>: SequenceMixer {
    public var inProjection: Linear                                   // in_proj (d_model, 2·d_inner or d_inner)
    public var convolution: CausalConv1d?                             // conv1d (d_inner, K)
    public var core: Core                                             // width d_inner
    public var outProjection: Linear                                  // out_proj (d_inner, d_model)
    public let gated: Bool

    public var width: Int { inProjection.inputWidth }
    public var innerWidth: Int { core.width }

    /// What backward needs: the block's input and every intermediate the chain rule reads.
    public struct Tape {
        let input: Matrix                                             // u (B·L, d_model)
        let x: Matrix                                                 // x half (B·L, d_inner)
        let z: Matrix?                                                // z half (B·L, d_inner)
        let convolved: Matrix                                         // c (B·L, d_inner), = x without conv1d
        let coreTape: Core.Tape
        let coreOutput: Matrix                                        // y (B·L, d_inner)
        let gatedOutput: Matrix                                       // g (B·L, d_inner)
        let length: Int
        /// The core's tape (for looking inside a trained block, e.g. `S6Core.Tape.delta`).
        public var core: Core.Tape { coreTape }
    }

    /// conv1d's window and the core's state, per sequence.
    public struct State {
        public var convolution: CausalConv1d.State?
        public var core: Core.State
    }

    /// A block of width `modelWidth` around `core` (whose width is d_inner).
    /// - Throws: `invalidParameter` for a width or kernel size < 1.
    public init(modelWidth: Int, core: Core, convolution: Bool = true, kernelSize: Int = 4, gated: Bool = true,
                rng: inout SplitMix64) throws {
        let inner = core.width
        inProjection = try Linear("in_proj", inputWidth: modelWidth, outputWidth: gated ? 2 * inner : inner, bias: false, rng: &rng)
        self.convolution = convolution ? try CausalConv1d("conv1d", width: inner, kernelSize: kernelSize, rng: &rng) : nil
        self.core = core
        outProjection = try Linear("out_proj", inputWidth: inner, outputWidth: modelWidth, bias: false, rng: &rng)
        self.gated = gated
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try inProjection.forEachParameter(body)
        if var c = convolution { try c.forEachParameter(body); convolution = c }
        try core.forEachParameter(body)
        try outProjection.forEachParameter(body)
    }

    /// `u` (B·L, d_model) → (B·L, d_model) and the tape.
    /// - Throws: as `SequenceMixer.forward`, and whatever the core throws.
    public func forward(_ u: Matrix, length: Int) throws -> (output: Matrix, tape: Tape) {
        _ = try requireSequences(u, length: length, width: width, "Mamba block input")
        let xz = try inProjection.forward(u)                          // (B·L, 2·d_inner)
        let (x, z) = gated ? splitColumns(xz, at: innerWidth) : (xz, nil)
        let c = try convolution?.forward(x, length: length) ?? x      // (B·L, d_inner)
        let (y, coreTape) = try core.forward(SiLU.forward(c), length: length)
        let g = try z.map { try SiLU.gate(y, $0) } ?? y               // (B·L, d_inner): y ⊙ SiLU(z)
        let out = try outProjection.forward(g)                        // (B·L, d_model)
        return (out, Tape(input: u, x: x, z: z, convolved: c, coreTape: coreTape, coreOutput: y, gatedOutput: g, length: length))
    }

    /// Accumulates every parameter's gradient and returns ∂ℓ/∂u (B·L, d_model).
    /// - Throws: `shapeMismatch` / `nonFinite` for a ∂ℓ/∂out not shaped like the output or not finite.
    public mutating func backward(_ tape: Tape, outputGradient dOut: Matrix) throws -> Matrix {
        try requireDimensions(tape.input, tape.input.rows, width, "Mamba block tape input u (B·L, d_model = \(width))")
        for (label, m) in [("x", tape.x), ("convolved", tape.convolved), ("core output", tape.coreOutput), ("gated output", tape.gatedOutput)]
            + (tape.z.map { [("z", $0)] } ?? []) {
            try requireDimensions(m, tape.input.rows, innerWidth, "Mamba block tape \(label) (B·L, d_inner = \(innerWidth))")
        }
        guard (tape.z != nil) == gated else {
            throw StateSpaceError.shapeMismatch(name: "Mamba block tape: gate z", expected: gated ? "present (gated block)" : "absent (ungated block)",
                                                actual: tape.z != nil ? "present" : "absent")
        }
        try requireGradient(dOut, rows: tape.input.rows, cols: width, "∂ℓ/∂output of the Mamba block (B·L, d_model)")
        let dg = try outProjection.backward(tape.gatedOutput, outputGradient: dOut)   // (B·L, d_inner)
        var dy = dg, dz: Matrix? = nil
        if let z = tape.z { (dy, dz) = try SiLU.gateBackward(tape.coreOutput, z, outputGradient: dg) }
        let da = try core.backward(tape.coreTape, outputGradient: dy)               // (B·L, d_inner)
        let dc = try SiLU.backward(tape.convolved, outputGradient: da, "SiLU after conv1d")
        let dx = try convolution?.backward(tape.x, length: tape.length, outputGradient: dc) ?? dc
        let dxz = dz.map { concatenateColumns(dx, $0) } ?? dx                       // (B·L, 2·d_inner)
        return try inProjection.backward(tape.input, outputGradient: dxz)
    }

    public func initialState(batch: Int) -> State {
        State(convolution: convolution?.initialState(batch: batch), core: core.initialState(batch: batch))
    }

    /// One token of each of B sequences: `u` (B, d_model) → (B, d_model).
    /// - Throws: `shapeMismatch` unless u is (B, d_model); `nonFinite` for NaN/∞.
    public func step(_ u: Matrix, state: inout State) throws -> Matrix {
        try requireDimensions(u, u.rows, width, "Mamba block step input (B, d_model = \(width))")
        try u.requireFinite("Mamba block step input")
        guard (state.convolution != nil) == (convolution != nil) else {
            throw StateSpaceError.shapeMismatch(name: "Mamba block step state: conv1d window", expected: convolution != nil ? "present" : "absent",
                                                actual: state.convolution != nil ? "present" : "absent")
        }
        let xz = try inProjection.forward(u)                          // (B, 2·d_inner)
        let (x, z) = gated ? splitColumns(xz, at: innerWidth) : (xz, nil)
        var c = x                                                     // (B, d_inner)
        if let convolution, var window = state.convolution {
            state.convolution = nil                                   // window is the only reference: stepped in place, not copied
            defer { state.convolution = window }
            c = try convolution.step(x, state: &window)
        }
        let y = try core.step(SiLU.forward(c), state: &state.core)    // (B, d_inner)
        let g = try z.map { try SiLU.gate(y, $0) } ?? y
        return try outProjection.forward(g)
    }
}

/// Columns 0 ..< k and k ..< cols of `m` as two matrices: (rows, cols) → (rows, k), (rows, cols − k).
/// - Complexity: O(rows·cols).
fileprivate func splitColumns(_ m: Matrix, at k: Int) -> (Matrix, Matrix) {
    var left = Matrix(zeros: m.rows, k), right = Matrix(zeros: m.rows, m.cols - k)
    m.elements.withUnsafeBufferPointer { ms in
        left.elements.withUnsafeMutableBufferPointer { ls in
            right.elements.withUnsafeMutableBufferPointer { rs in
                for r in 0..<m.rows {
                    for j in 0..<k { ls[r * k + j] = ms[r * m.cols + j] }
                    for j in k..<m.cols { rs[r * (m.cols - k) + j - k] = ms[r * m.cols + j] }
                }
            }
        }
    }
    return (left, right)
}

/// [a | b] side by side: (rows, p), (rows, q) → (rows, p + q).
/// - Precondition: equal row counts. - Complexity: O(rows·cols).
fileprivate func concatenateColumns(_ a: Matrix, _ b: Matrix) -> Matrix {
    requirePrecondition(a.rows == b.rows, "concatenateColumns: \(a.rows) rows vs \(b.rows)")
    let cols = a.cols + b.cols
    var c = Matrix(zeros: a.rows, cols)
    c.elements.withUnsafeMutableBufferPointer { cs in
        a.elements.withUnsafeBufferPointer { aa in
            b.elements.withUnsafeBufferPointer { bs in
                for r in 0..<a.rows {
                    for j in 0..<a.cols { cs[r * cols + j] = aa[r * a.cols + j] }
                    for j in 0..<b.cols { cs[r * cols + a.cols + j] = bs[r * b.cols + j] }
                }
            }
        }
    }
    return c
}

extension MambaMixer.State: Sendable where Core.State: Sendable {}
extension MambaMixer.Tape: Sendable where Core.Tape: Sendable {}
