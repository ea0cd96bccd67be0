import Foundation

/// One Mamba-2 block (Dao & Gu 2024, §7 and Fig. 6; the reference code's `Mamba2Simple`), forward
/// pass by the chunked SSD and recurrent generation one token at a time.
///
///     (z, xBC, dt) = u · W_in                 u (T, d_model) → z (T, d_inner), xBC (T, d_inner + 2GN), dt (T, H)
///     xBC ← SiLU(causal depthwise conv₄(xBC) + b_conv);  (x, B, C) = xBC   x (T, H·P), B and C (T, G·N)
///     Δ_{t,h} = softplus(dt_{t,h} + dt_bias_h),  A_h = −exp(A_log_h),  a_{t,h} = exp(Δ_{t,h}·A_h)
///     y = SSD(X = x·Δ, a, B, C) + D_h·x        the scalar-A SSM of `SSDInputs`; X scaled by Δ
///     y ← RMSNorm(y ⊙ SiLU(z)) ⊙ w             the gated norm, gate before norm (norm_before_gate = False)
///     out = y · W_out                          (T, d_model)
///
/// Unlike Mamba (Chapter 05), the block projects x, B, C, Δ *in parallel* from u (not B, C, Δ
/// from x), Δ and A are one scalar per head (not per channel and per state), and the input enters
/// the SSM as Δ·x: with a_t = exp(Δ_t A) this is exactly Mamba's Euler B̄ = ΔB with A = A_h·I.
///
/// Initialisation as in the reference code: W_in, W_out ~ U(±1/√fan_in) (linear default), the
/// convolution's weights and bias ~ U(±1/2) (conv1d default, fan_in = 4); Δ at init log-uniform
/// in [0.001, 0.1] (floored at 1e-4) through dt_bias = softplus⁻¹(Δ); A_h ~ U[1, 16] stored as
/// A_log = log A_h; D = 1; the norm's weight w = 1, ε = 1e-5.
public struct Mamba2Block: Sendable {
    public let modelWidth: Int                                        // d_model
    public let innerWidth: Int                                        // d_inner = H·P
    public let headDim: Int                                           // P
    public let heads: Int                                             // H
    public let stateSize: Int                                         // N
    public let groups: Int                                            // G
    /// The chunk size Q of the forward pass's `ssdChunked`.
    public let chunk: Int
    public let inProjection: Matrix                                   // (d_model, 2·d_inner + 2GN + H): [z, x, B, C, dt]
    public private(set) var convWeight: Matrix                                     // (d_inner + 2GN, 4): tap 3 multiplies the current token
    public let convBias: [Double]                                     // (d_inner + 2GN)
    public let dtBias: [Double]                                       // (H)
    public let aLog: [Double]                                         // (H): A_h = −exp(A_log_h)
    public let skip: [Double]                                         // (H): D
    public let normWeight: [Double]                                   // (d_inner)
    public let outProjection: Matrix                                  // (d_inner, d_model)
    public static let convWidth = 4
    public static let normEpsilon = 1e-5

    /// The channels the convolution runs over: x, B and C (d_inner + 2·G·N).
    public var convChannels: Int { innerWidth + 2 * groups * stateSize }
    /// A_h = −exp(A_log_h) < 0, (H).
    public var a: [Double] { aLog.map { -exp($0) } }

    /// A block with d_inner = 2·d_model split into H = d_inner / P heads.
    /// - Throws: `invalidParameter` for a size < 1, P not dividing 2·d_model, G not dividing H,
    ///   or matrices beyond the 2³⁰-element cap (`maximumResultElements`).
    /// - Complexity: O(d_model·(d_inner + G·N)).
    public init(modelWidth: Int, headDim: Int, stateSize: Int, groups: Int = 1, chunk: Int = 64, rng: inout SplitMix64) throws {
        for (value, name) in [(modelWidth, "d_model"), (headDim, "head dimension P"), (stateSize, "state size N"),
                              (groups, "groups G"), (chunk, "chunk size Q")] {
            try requirePositive(value, name)
        }
        let inner = try checkedProduct(2, modelWidth, "d_inner = 2·d_model")
        guard inner % headDim == 0 else {
            throw StateSpaceError.invalidParameter(name: "head dimension P", value: "\(headDim)", allowed: "must divide d_inner = 2·d_model = \(inner)")
        }
        let h = inner / headDim
        guard h % groups == 0 else {
            throw StateSpaceError.invalidParameter(name: "groups G", value: "\(groups)", allowed: "must divide the heads H = \(h)")
        }
        let gn = try checkedProduct(groups, stateSize, "G·N")
        let projected = try checkedSum(try checkedSum(2 * inner, 2 * gn, "2·d_inner + 2GN"), h, "2·d_inner + 2GN + H")
        _ = try requireAllocatable([modelWidth, projected], "d_model × (2·d_inner + 2GN + H) (W_in)", value: "\(modelWidth) × \(projected)")
        (self.modelWidth, innerWidth, self.headDim, heads, self.stateSize, self.groups, self.chunk) =
            (modelWidth, inner, headDim, h, stateSize, groups, chunk)
        inProjection = try uniformMatrix(modelWidth, projected, bound: 1 / Double(modelWidth).squareRoot(), rng: &rng)
        let channels = inner + 2 * gn
        convWeight = try uniformMatrix(channels, Self.convWidth, bound: 0.5, rng: &rng)
        convBias = (0..<channels).map { _ in Double.random(in: -0.5...0.5, using: &rng) }
        let (dtMin, dtMax) = (0.001, 0.1)
        dtBias = try (0..<h).map { _ in
            try inverseSoftplus(max(1e-4, exp(Double.random(in: 0..<1, using: &rng) * (log(dtMax) - log(dtMin)) + log(dtMin))))
        }
        aLog = (0..<h).map { _ in log(Double.random(in: 1...16, using: &rng)) }
        skip = [Double](repeating: 1, count: h)
        normWeight = [Double](repeating: 1, count: inner)
        outProjection = try uniformMatrix(inner, modelWidth, bound: 1 / Double(inner).squareRoot(), rng: &rng)
    }

    /// The same block with other convolution weights (loaded ones, or a deliberately wrong tap
    /// order to watch a check catch it).
    /// - Throws: `shapeMismatch` unless `weight` is (d_inner + 2GN, 4); `nonFinite`.
    /// - Complexity: O(d_inner + G·N).
    public func withConvWeight(_ weight: Matrix) throws -> Mamba2Block {
        try requireDimensions(weight, convChannels, Self.convWidth, "conv weight (d_inner + 2GN, 4)")
        try weight.requireFinite("conv weight")
        var copy = self
        copy.convWeight = weight
        return copy
    }

    /// The SSM's inputs for a sequence, and what the block needs around the SSM.
    public struct Inner: Sendable {
        /// X = x·Δ, a = exp(ΔA), B, C: what `ssdChunked` / `ssdRecurrent` run on.
        public let ssd: SSDInputs
        public let x: Matrix                                          // (T, d_inner): after conv and SiLU, before ×Δ (the D skip reads it)
        public let z: Matrix                                          // (T, d_inner): the gate's input
        public let delta: Matrix                                      // (T, H): Δ
    }

    /// In-projection, convolution and the Mamba-2 parameterisation: everything before the SSM.
    /// - Throws: `shapeMismatch` for u not (T, d_model); `nonFinite`; `invalidParameter` for T = 0
    ///   or a u so large that the SSM could overflow (see `SSDInputs`).
    /// - Complexity: O(T·d_model·(d_inner + G·N)).
    public func inner(_ u: Matrix) throws -> Inner {
        guard u.cols == modelWidth else {
            throw StateSpaceError.shapeMismatch(name: "Mamba-2 block input u (T, d_model)", expected: "T×\(modelWidth)", actual: "\(u.rows)×\(u.cols)")
        }
        try requirePositive(u.rows, "sequence length T")
        try u.requireFinite("input u")
        let (t, channels, gn) = (u.rows, convChannels, groups * stateSize)
        let projected = u * inProjection                              // (T, 2·d_inner + 2GN + H)
        var xbc = Matrix(zeros: t, channels)                          // (T, d_inner + 2GN)
        var z = Matrix(zeros: t, innerWidth)                          // (T, d_inner)
        var delta = Matrix(zeros: t, heads)                           // (T, H)
        for step in 0..<t {
            for d in 0..<channels {
                var acc = convBias[d]                                 // causal: zeros before the start
                for tap in 0..<Self.convWidth where step - (Self.convWidth - 1 - tap) >= 0 {
                    acc += convWeight[d, tap] * projected[step - (Self.convWidth - 1 - tap), innerWidth + d]
                }
                xbc[step, d] = silu(acc)
            }
            for d in 0..<innerWidth { z[step, d] = projected[step, d] }
            for h in 0..<heads { delta[step, h] = softplus(projected[step, innerWidth + channels + h] + dtBias[h]) }
        }
        let x = xbc.columns(0..<innerWidth)                           // (T, H·P)
        let b = xbc.columns(innerWidth..<(innerWidth + gn)), c = xbc.columns((innerWidth + gn)..<channels)   // (T, G·N)
        var scaled = x                                                // (T, H·P): X = x·Δ
        var decay = Matrix(zeros: t, heads)                           // (T, H): a = exp(ΔA)
        let aHead = a
        for step in 0..<t {
            for h in 0..<heads {
                decay[step, h] = exp(delta[step, h] * aHead[h])
                for i in (h * headDim)..<((h + 1) * headDim) { scaled[step, i] *= delta[step, h] }
            }
        }
        let ssd = try SSDInputs(x: scaled, a: decay, b: b, c: c, heads: heads, groups: groups)
        return Inner(ssd: ssd, x: x, z: z, delta: delta)
    }

    /// The whole sequence at once, the SSM by `ssdChunked` with Q = `chunk`.
    /// `u` (T, d_model) → (T, d_model).
    /// - Throws: as `inner(_:)`.
    /// - Complexity: O(T·d_model·d_inner) plus `SSDFlops.chunked`.
    public func forward(_ u: Matrix, threads: Int = 1) throws -> Matrix {
        let parts = try inner(u)
        let y = try ssdChunked(parts.ssd, chunk: chunk, threads: max(1, threads))   // (T, H·P)
        return try output(ssd: y, parts)
    }

    /// After the SSM: y + D·x, the gated norm, the out-projection. `ssd` (T, H·P) → (T, d_model).
    /// - Throws: `shapeMismatch` unless `ssd` is (T, d_inner); `invalidParameter` if the output overflows.
    /// - Complexity: O(T·d_inner·d_model).
    public func output(ssd y: Matrix, _ parts: Inner) throws -> Matrix {
        try requireDimensions(y, parts.x.rows, innerWidth, "SSM output y (T, d_inner)")
        var gated = Matrix(zeros: y.rows, innerWidth)                 // (T, d_inner)
        for step in 0..<y.rows {
            let row = (0..<innerWidth).map { i in y[step, i] + skip[i / headDim] * parts.x[step, i] }
            let normed = gatedRMSNorm(row, gate: (0..<innerWidth).map { parts.z[step, $0] })
            for i in 0..<innerWidth { gated[step, i] = normed[i] }
        }
        let out = gated * outProjection                               // (T, d_model)
        try requireNoOverflow(out.elements, of: y.elements, "SSM output y")
        return out
    }

    /// RMSNorm(y ⊙ SiLU(z)) ⊙ w over the d_inner channels of one token (the gate applied first).
    /// - Complexity: O(d_inner).
    public func gatedRMSNorm(_ y: [Double], gate z: [Double]) -> [Double] {
        let g = zip(y, z).map { $0 * silu($1) }                       // (d_inner)
        let meanSquare = g.reduce(0) { $0 + $1 * $1 } / Double(g.count)
        let scale = 1 / (meanSquare + Self.normEpsilon).squareRoot()
        return g.indices.map { g[$0] * scale * normWeight[$0] }
    }

    /// What generation carries from token to token: the last 3 pre-convolution inputs of x, B, C
    /// and the SSM state of every head. Its size does not grow with the sequence.
    public struct State: Sendable {
        public var convBuffer: Matrix                                 // (3, d_inner + 2GN), oldest first
        public var ssm: Matrix                                        // (H·P, N): head h's (P, N) state in rows h·P ..< (h+1)·P
    }

    /// The empty state (all zeros), matching the forward pass's zero padding.
    public var initialState: State {
        State(convBuffer: Matrix(zeros: Self.convWidth - 1, convChannels), ssm: Matrix(zeros: innerWidth, stateSize))
    }

    /// One token: `u` (d_model) → output (d_model), updating `state` by the recurrence
    /// h ← a·h + Δ·x Bᵀ, y = h C + D·x per head. The state is replaced only if the step succeeds.
    /// - Throws: `shapeMismatch` for a token not of length d_model or a state not shaped like
    ///   `initialState`; `nonFinite` for NaN/∞ in u or the state; `invalidParameter` if the step overflows.
    /// - Complexity: O(d_model·(d_inner + G·N) + H·P·N) per token.
    public func step(_ u: [Double], state: inout State) throws -> [Double] {
        try requireCount(u.count, modelWidth, "token u (d_model)")
        try requireFinite(u, "token u")
        try requireDimensions(state.convBuffer, Self.convWidth - 1, convChannels, "state.convBuffer (3, d_inner + 2GN)")
        try requireDimensions(state.ssm, innerWidth, stateSize, "state.ssm (H·P, N)")
        try state.convBuffer.requireFinite("state.convBuffer")
        try state.ssm.requireFinite("state.ssm")
        var next = state
        let (channels, gn, n) = (convChannels, groups * stateSize, stateSize)
        let projected = inProjection.transposed * u                   // (2·d_inner + 2GN + H)
        var xbc = [Double](repeating: 0, count: channels)             // (d_inner + 2GN)
        for d in 0..<channels {
            var acc = convBias[d] + convWeight[d, Self.convWidth - 1] * projected[innerWidth + d]
            for tap in 0..<(Self.convWidth - 1) { acc += convWeight[d, tap] * state.convBuffer[tap, d] }
            xbc[d] = silu(acc)
        }
        for tap in 0..<(Self.convWidth - 2) { for d in 0..<channels { next.convBuffer[tap, d] = state.convBuffer[tap + 1, d] } }
        for d in 0..<channels { next.convBuffer[Self.convWidth - 2, d] = projected[innerWidth + d] }
        var y = [Double](repeating: 0, count: innerWidth)             // (d_inner)
        let aHead = a
        for h in 0..<heads {
            let delta = softplus(projected[innerWidth + channels + h] + dtBias[h])
            let decay = exp(delta * aHead[h])
            let g = h * groups / heads
            let b = innerWidth + g * n, c = innerWidth + gn + g * n   // offsets of B_g and C_g in xBC
            for i in (h * headDim)..<((h + 1) * headDim) {
                var acc = 0.0
                for k in 0..<n {
                    let value = decay * next.ssm[i, k] + delta * xbc[i] * xbc[b + k]
                    next.ssm[i, k] = value
                    acc += value * xbc[c + k]
                }
                y[i] = acc + skip[h] * xbc[i]
            }
        }
        let out = outProjection.transposed * gatedRMSNorm(y, gate: Array(projected[0..<innerWidth]))   // (d_model)
        try requireNoOverflow(out + next.ssm.elements, of: [("token u", u), ("state.ssm", state.ssm.elements)],
                              result: "step's output or state")
        state = next
        return out
    }
}

extension Matrix {
    /// The columns in `range`, as a new (rows, range.count) matrix.
    /// - Precondition: `range` within 0..<cols (the block's own splits, by construction).
    /// - Complexity: O(rows·range.count).
    func columns(_ range: Range<Int>) -> Matrix {
        var out = Matrix(zeros: rows, range.count)
        for i in 0..<rows { for (k, j) in range.enumerated() { out[i, k] = self[i, j] } }
        return out
    }
}
