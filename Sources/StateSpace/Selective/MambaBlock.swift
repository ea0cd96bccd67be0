import Foundation

/// One Mamba block (Gu & Dao 2023, Fig. 3), forward pass and recurrent generation.
///
///     (x, z) = u · W_in                      u (L, d_model) → x, z (L, d_inner), d_inner = 2·d_model
///     x ← SiLU(causal depthwise conv₄(x) + b_conv)      kernel 4 along time, one filter per channel
///     y = selective scan(x; Δ, B, C from x)  (`SelectiveParameters`, `selectiveScan`)
///     y ← y ⊙ SiLU(z)                        the gate
///     out = y · W_out                        (L, d_model)
///
/// Initialisation as in Mamba: W_in, W_out and the convolution ~ U(±1/√fan_in) (linear /
/// conv1d defaults, fan_in = d_model, d_inner and 4), the selection as in `SelectiveParameters`.
public struct MambaBlock: Sendable {
    public let modelWidth: Int                                        // d_model
    public let innerWidth: Int                                        // d_inner
    public let inProjection: Matrix                                   // (d_model, 2·d_inner)
    public let convWeight: Matrix                                     // (d_inner, 4): tap 3 multiplies the current token
    public let convBias: [Double]                                     // (d_inner)
    public let selection: SelectiveParameters
    public let outProjection: Matrix                                  // (d_inner, d_model)
    public static let convWidth = 4

    /// - Throws: `invalidParameter` for d_model or N < 1, or sizes whose matrices (W_in:
    ///   d_model·2·d_inner, the selection's d_inner·(R + 2N) numbers) would exceed the 2³⁰-element
    ///   cap (`maximumResultElements`), checked before anything is allocated.
    /// - Complexity: O(d_model·d_inner + d_inner·N).
    public init(modelWidth: Int, stateSize: Int, rng: inout SplitMix64) throws {
        try requirePositive(modelWidth, "d_model")
        try requirePositive(stateSize, "state size N")
        let inner = try checkedProduct(2, modelWidth, "d_inner = 2·d_model")
        _ = try requireAllocatable([modelWidth, 2, inner], "d_model × 2·d_inner (W_in)", value: "\(modelWidth) × 2 × \(inner)")
        _ = try requireAllocatable([inner, 2, stateSize], "state size N × 2·d_inner (B and C projections)",
                                   value: "\(stateSize) × 2 × \(inner)")
        self.modelWidth = modelWidth
        innerWidth = inner
        inProjection = try uniformMatrix(modelWidth, 2 * inner, bound: 1 / Double(modelWidth).squareRoot(), rng: &rng)
        convWeight = try uniformMatrix(inner, Self.convWidth, bound: 0.5, rng: &rng)   // 1/√4
        convBias = (0..<inner).map { _ in Double.random(in: -0.5...0.5, using: &rng) }
        selection = try SelectiveParameters(channels: inner, stateSize: stateSize,
                                            dtRank: (modelWidth + 15) / 16, rng: &rng)
        outProjection = try uniformMatrix(inner, modelWidth, bound: 1 / Double(inner).squareRoot(), rng: &rng)
    }

    /// A block from given weights (trained ones, or another block's with one part changed).
    /// d_model and d_inner are read from `inProjection` (d_model, 2·d_inner).
    /// - Throws: `shapeMismatch` for any weight not shaped as the stored properties' comments say
    ///   (the selection must have d_inner channels); `nonFinite` for NaN/∞ in a weight.
    /// - Complexity: O(d_model·d_inner).
    public init(inProjection: Matrix, convWeight: Matrix, convBias: [Double], selection: SelectiveParameters,
                outProjection: Matrix) throws {
        let (model, inner) = (inProjection.rows, inProjection.cols / 2)
        try requirePositive(model, "d_model")
        try requirePositive(inner, "d_inner")
        try requireDimensions(inProjection, model, 2 * inner, "W_in (d_model, 2·d_inner)")
        try requireDimensions(convWeight, inner, Self.convWidth, "conv weight (d_inner, 4)")
        try requireCount(convBias.count, inner, "conv bias (d_inner)")
        try requireCount(selection.channels, inner, "the selection's channels (d_inner)")
        try requireDimensions(outProjection, inner, model, "W_out (d_inner, d_model)")
        for (m, name) in [(inProjection, "W_in"), (convWeight, "conv weight"), (outProjection, "W_out")] { try m.requireFinite(name) }
        try requireFinite(convBias, "conv bias")
        (modelWidth, innerWidth) = (model, inner)
        (self.inProjection, self.convWeight, self.convBias) = (inProjection, convWeight, convBias)
        (self.selection, self.outProjection) = (selection, outProjection)
    }

    /// The whole sequence at once. `u` (L, d_model) → (L, d_model). `threads` < 1 counts as 1.
    /// - Throws: `shapeMismatch`, `nonFinite`, `invalidParameter` (L = 0, or a u so large that the
    ///   selection or the scan would overflow Double: see `SelectiveScanInputs`).
    /// - Complexity: O(L·d_model·d_inner + L·d_inner·N).
    public func forward(_ u: Matrix, threads: Int = 1) throws -> Matrix {
        guard u.cols == modelWidth else {
            throw StateSpaceError.shapeMismatch(name: "Mamba block input u (L, d_model)", expected: "L×\(modelWidth)", actual: "\(u.rows)×\(u.cols)")
        }
        try requirePositive(u.rows, "sequence length L")
        try u.requireFinite("input u")
        let (l, inner) = (u.rows, innerWidth)
        let xz = u * inProjection                                     // (L, 2·d_inner)
        var x = Matrix(zeros: l, inner), gate = Matrix(zeros: l, inner)
        for t in 0..<l {
            for d in 0..<inner {
                // Causal depthwise convolution over the last 4 tokens (zeros before the start).
                var acc = convBias[d]
                for tap in 0..<Self.convWidth where t - (Self.convWidth - 1 - tap) >= 0 {
                    acc += convWeight[d, tap] * xz[t - (Self.convWidth - 1 - tap), d]
                }
                x[t, d] = silu(acc)
                gate[t, d] = silu(xz[t, inner + d])
            }
        }
        let inputs = try blamingInput(u.elements, "input u") { try selection.scanInputs(x) }
        var y = selectiveScan(inputs, threads: threads)                // (L, d_inner)
        for i in y.elements.indices { y.elements[i] *= gate.elements[i] }
        let out = y * outProjection                                   // (L, d_model)
        try requireNoOverflow(out.elements + xz.elements, of: u.elements, "input u")
        return out
    }

    /// What generation carries from token to token: the last 3 pre-convolution inputs and the
    /// SSM state. Its size does not grow with the sequence (unlike attention's KV cache).
    public struct State: Sendable {
        public var convBuffer: Matrix                                 // (3, d_inner), oldest first
        public var ssm: Matrix                                        // (d_inner, N)
    }

    /// The empty state (all zeros), matching the forward pass's zero padding.
    public var initialState: State {
        State(convBuffer: Matrix(zeros: Self.convWidth - 1, innerWidth), ssm: Matrix(zeros: innerWidth, selection.stateSize))
    }

    /// One token: `u` (d_model) → output (d_model), updating `state`. The same arithmetic as
    /// `forward`, one row at a time. The state is checked on entry (its shape and that it is
    /// finite: O(d_inner·N), less than the step itself) and replaced only if the step succeeds,
    /// so a refused token leaves it as it was.
    /// - Throws: `shapeMismatch` for a token not of length d_model, or a state not shaped like
    ///   `initialState` ((3, d_inner) and (d_inner, N)); `nonFinite` for NaN/∞ in u or the state;
    ///   `invalidParameter` if the token or state is so large that the step overflows Double.
    /// - Complexity: O(d_model·d_inner + d_inner·N) per token.
    public func step(_ u: [Double], state: inout State) throws -> [Double] {
        try requireCount(u.count, modelWidth, "token u (d_model)")
        try requireFinite(u, "token u")
        try requireDimensions(state.convBuffer, Self.convWidth - 1, innerWidth, "state.convBuffer (3, d_inner)")
        try requireDimensions(state.ssm, innerWidth, selection.stateSize, "state.ssm (d_inner, N)")
        try state.convBuffer.requireFinite("state.convBuffer")
        try state.ssm.requireFinite("state.ssm")
        var next = state
        let y = try advance(u, state: &next)
        try requireNoOverflow(y + next.ssm.elements + next.convBuffer.elements,
                              of: [("token u", u), ("state.ssm", state.ssm.elements)], result: "step's output or state")
        state = next
        return y
    }

    /// Runs `body`, a selection (and scan inputs) built from the block's own projections of `input`:
    /// their shapes fit by construction, so a refusal can only be the scale of `input` (an
    /// overflow or the scan's Δ bound), and is reported against it, quoting the inner reason.
    private func blamingInput<R>(_ input: [Double], _ name: String, _ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as StateSpaceError {
            throw StateSpaceError.invalidParameter(name: name, value: "\(maxMagnitude(input)) (its largest |entry|)",
                                                   allowed: "too large for this block: inside it, \(error.description)")
        }
    }

    /// The arithmetic of `step`, on a state already checked.
    private func advance(_ u: [Double], state: inout State) throws -> [Double] {
        let inner = innerWidth, n = selection.stateSize
        let xz = inProjection.transposed * u                          // (2·d_inner)
        var x = [Double](repeating: 0, count: inner)                  // (d_inner)
        for d in 0..<inner {
            var acc = convBias[d] + convWeight[d, Self.convWidth - 1] * xz[d]
            for tap in 0..<(Self.convWidth - 1) { acc += convWeight[d, tap] * state.convBuffer[tap, d] }
            x[d] = silu(acc)
        }
        // Shift the buffer: drop the oldest, append this token's pre-convolution input.
        for tap in 0..<(Self.convWidth - 2) { for d in 0..<inner { state.convBuffer[tap, d] = state.convBuffer[tap + 1, d] } }
        for d in 0..<inner { state.convBuffer[Self.convWidth - 2, d] = xz[d] }

        let (delta, b, c) = try blamingInput(u + state.convBuffer.elements, "token u (with the state's conv buffer)") {
            try selection.select(try Matrix(rows: 1, cols: inner, elements: x))   // (1, d_inner), (1, N), (1, N)
        }
        let a = selection.a                                           // (d_inner, N)
        var y = [Double](repeating: 0, count: inner)                  // (d_inner)
        for d in 0..<inner {
            var out = 0.0
            for i in 0..<n {
                let h = exp(delta[0, d] * a[d, i]) * state.ssm[d, i] + delta[0, d] * b[0, i] * x[d]
                state.ssm[d, i] = h
                out += c[0, i] * h
            }
            y[d] = (out + selection.skip[d] * x[d]) * silu(xz[inner + d])
        }
        return outProjection.transposed * y                           // (d_model)
    }
}
