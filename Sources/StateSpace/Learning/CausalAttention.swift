import Foundation

/// How `CausalAttention` tells positions apart.
///
/// The Mamba paper's induction-heads baselines (§4.1.2, Table 2, Table 11) are multi-head
/// attention with 8 heads and three encodings: MHA-Abs (absolute position embeddings added to
/// the input — a model-level choice, outside this layer: use `.none` here and add them to the
/// embedding), MHA-RoPE (rotary, `.rotary`) and MHA-xPos (rotary with an extra per-frequency
/// exponential decay designed for extrapolation; not implemented here).
public enum PositionalEncoding: Sendable, Equatable {
    /// RoPE with the given base (10 000 in RoFormer): `RotaryEmbedding`.
    case rotary(base: Double)
    /// No positional information inside the layer ("NoPE"): causality alone orders tokens.
    case none
}

/// Causal softmax self-attention with H heads: the baseline the selective SSM is compared with
/// on induction heads (Chapter08), a `SequenceMixer` like the SSM layers.
///
/// **Forward.** For each sequence (x (L, d), d = H·P) and head h (columns hP ..< (h+1)P):
///
///     Q = R(x·W_q), K = R(x·W_k), V = x·W_v           (L, d)   R: RoPE at each row's position
///     S = Q_h K_hᵀ / √P,  S_ts = −∞ for s > t          (L, L)   causal
///     A = softmax over each row of S                   (L, L)
///     O_h = A V_h                                      (L, P)
///     y = O·W_o                                        (L, d)   O: the heads side by side
///
/// Softmax is computed stably, row t as exp(S_ts − m_t)/Σ_s exp(S_ts − m_t) with m_t its max.
/// A is never stored: rows are done in blocks of `blockRows`, and the tape keeps per row only
/// ℓ_t = log Σ_s exp(S_ts) (so A_ts = exp(S_ts − ℓ_t) is recomputed in the backward pass, as
/// FlashAttention does). Memory is O(B·L·d) plus one (blockRows, L) block, which is what lets
/// the same code evaluate a trained model at L = 2¹⁴ and beyond.
///
/// **Backward.** Given ∂ℓ/∂y: ∂ℓ/∂O = ∂ℓ/∂y·W_oᵀ (and ∂W_o, by `Linear`). Per head, with
/// dO = ∂ℓ/∂O_h:
///
///     dV = Aᵀ dO                                       (L, P)   O = AV
///     dA = dO Vᵀ                                       (L, L)
///     dS_ts = A_ts (dA_ts − D_t),  D_t = Σ_s A_ts dA_ts = dO_t · O_t      softmax's Jacobian
///     dQ = dS K / √P,  dK = dSᵀ Q / √P                 (L, P)
///
/// The softmax line: a_s = e^{S_s}/Σe^{S_r} gives ∂a_s/∂S_r = a_s(δ_sr − a_r), so
/// ∂ℓ/∂S_r = Σ_s dA_s a_s(δ_sr − a_r) = a_r(dA_r − Σ_s a_s dA_s); and Σ_s a_s dA_s =
/// Σ_s a_s (dO·V_s) = dO·O. Masked entries have A = 0, hence dS = 0: no gradient flows from the
/// future. Then RoPE's backward is the inverse rotation, dQ_raw = Rᵀ dQ, dK_raw = Rᵀ dK, and
/// the three projections' backward passes (`Linear`) add ∂W_q, ∂W_k, ∂W_v and sum into ∂ℓ/∂x.
///
/// **Step mode** (generation, long-context evaluation): token t of each sequence computes
/// q_t, k_t, v_t, appends k_t, v_t to a `KVCache` and attends over the t + 1 cached pairs. The
/// cache grows by 2·d numbers per token per sequence (`KVCache.bytesPerToken`: 1 KiB at d = 64)
/// — the cost an SSM's fixed-size state avoids, and the point of Chapter08's comparison.
///
/// Projections initialised as `Linear` (U(±1/√d)), without biases by default (as the LLaMA-style
/// "Transformer++" of the Mamba paper, §4.2.1).
/// - Complexity: forward ≈ 2·B·L²·d flops for the scores and A·V (half of each (L, L) product:
///   causal blocks) plus 8·B·L·d² for the projections; backward ≈ 2.5× that (scores recomputed,
///   four products instead of two). Step t: O(d² + t·d).
public struct CausalAttention: SequenceMixer {
    public var qProj: Linear                                          // q_proj (d, d)
    public var kProj: Linear                                          // k_proj (d, d)
    public var vProj: Linear                                          // v_proj (d, d)
    public var outProj: Linear                                        // out_proj (d, d)
    /// H.
    public let heads: Int
    public let positionalEncoding: PositionalEncoding
    let rotary: RotaryEmbedding?

    /// d.
    public var width: Int { qProj.inputWidth }
    /// P = d / H.
    public var headDimension: Int { width / heads }
    /// Rows of (L, L) scores computed at once: the block's (blockRows, L) buffer is all the
    /// layer allocates beyond its (B·L, d) activations. The per-head products are small (k = P) and run
    /// with one OpenBLAS thread (`BLASThreads.withSingleThreadedBLAS`): in a paired run on this
    /// 2-core machine shared by other builds (load ≈ 8), forward + backward at B = 16, L = 256,
    /// d = 64, H = 2 took 220 ms against 770 ms with OpenBLAS's own threading (B = 32, L = 64:
    /// 68 against 106 ms); timings under that load vary by ±30% between runs.
    public static let blockRows = 64

    /// - Throws: `invalidParameter` for d < 1, H < 1, d not a multiple of H, an odd head
    ///   dimension with RoPE, or a RoPE base not finite and > 1.
    public init(_ name: String = "attention", width: Int, heads: Int = 1, positionalEncoding: PositionalEncoding = .rotary(base: 10_000),
                bias: Bool = false, rng: inout SplitMix64) throws {
        try requirePositive(width, "\(name) width d")
        try requirePositive(heads, "\(name) heads H")
        guard width % heads == 0 else {
            throw StateSpaceError.invalidParameter(name: "\(name) heads H", value: "\(heads)",
                                                   allowed: "must divide the width d = \(width) (each head has P = d/H coordinates)")
        }
        if case let .rotary(base) = positionalEncoding {
            rotary = try RotaryEmbedding(headDimension: width / heads, base: base)
        } else {
            rotary = nil
        }
        qProj = try Linear("\(name).q_proj", inputWidth: width, outputWidth: width, bias: bias, rng: &rng)
        kProj = try Linear("\(name).k_proj", inputWidth: width, outputWidth: width, bias: bias, rng: &rng)
        vProj = try Linear("\(name).v_proj", inputWidth: width, outputWidth: width, bias: bias, rng: &rng)
        outProj = try Linear("\(name).out_proj", inputWidth: width, outputWidth: width, bias: bias, rng: &rng)
        self.heads = heads
        self.positionalEncoding = positionalEncoding
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try qProj.forEachParameter(body)
        try kProj.forEachParameter(body)
        try vProj.forEachParameter(body)
        try outProj.forEachParameter(body)
    }

    /// What the backward pass needs: O(B·L·d), no (L, L) array.
    public struct Tape: Sendable {
        public let x: Matrix                                          // (B·L, d) input
        public let length: Int                                        // L
        let q: Matrix                                                 // (B·L, d) after RoPE
        let k: Matrix                                                 // (B·L, d) after RoPE
        let v: Matrix                                                 // (B·L, d)
        let attended: Matrix                                          // (B·L, d) O, the input of out_proj
        let logSumExp: [Double]                                       // (B, H, L) ℓ_t of each softmax row
        /// The shapes the tape was made with: H and d of the attention, B·L rows.
        public let heads: Int
        public let width: Int
        public var rows: Int { x.rows }

        /// What the tape holds: 5·B·L·d + B·H·L Doubles (no (L, L) array). At B = 1, L = 2¹⁴,
        /// d = 64, H = 2: 42 MB — so evaluate long sequences one (or a few) at a time, or in step
        /// mode, whose cache holds 2·d Doubles per token.
        public var bytes: Int {
            (x.elements.count + q.elements.count + k.elements.count + v.elements.count + attended.elements.count + logSumExp.count)
                * MemoryLayout<Double>.size
        }
    }

    public func forward(_ x: Matrix, length: Int) throws -> (output: Matrix, tape: Tape) {
        let batch = try requireSequences(x, length: length, width: width, "attention input x")
        var q = try qProj.forward(x), k = try kProj.forward(x)       // (B·L, d)
        let v = try vProj.forward(x)                                  // (B·L, d)
        if let rotary {
            q = rotary.rotated(q, length: length, heads: heads)
            k = rotary.rotated(k, length: length, heads: heads)
        }
        var attended = Matrix(zeros: x.rows, width)                   // (B·L, d)
        var logSumExp = [Double](repeating: 0, count: batch * heads * length)   // (B, H, L)
        var scores = [Double](repeating: 0, count: (min(Self.blockRows, length) + 1) * length)   // (blockRows + 1, L): a block and a row
        BLASThreads.withSingleThreadedBLAS {                          // small per-head GEMMs: see `blockRows`
            for sequence in 0..<batch {
                for h in 0..<heads {
                    let head = Head(row: sequence * length, column: h * headDimension, length: length, dimension: headDimension, stride: width)
                    let lse = (sequence * heads + h) * length
                    q.elements.withUnsafeBufferPointer { pq in k.elements.withUnsafeBufferPointer { pk in v.elements.withUnsafeBufferPointer { pv in
                        attended.elements.withUnsafeMutableBufferPointer { po in
                            logSumExp.withUnsafeMutableBufferPointer { pl in
                                scores.withUnsafeMutableBufferPointer { ps in
                                    head.forward(q: pq.baseAddress!, k: pk.baseAddress!, v: pv.baseAddress!, out: po.baseAddress!,
                                                 logSumExp: pl.baseAddress! + lse, scores: ps.baseAddress!)
                                }
                            }
                        }
                    } } }
                }
            }
        }
        let output = try outProj.forward(attended)                    // (B·L, d)
        try requireNoOverflow(allFinite(output.elements), result: "attention output",
                              suspects: [OverflowSuspect("attention input x", x.elements)])
        return (output, Tape(x: x, length: length, q: q, k: k, v: v, attended: attended, logSumExp: logSumExp,
                            heads: heads, width: width))
    }

    /// - Throws: `shapeMismatch` for a tape made by an attention of another H or d (or whose
    ///   arrays are not (B·L, d) and (B, H, L)); `shapeMismatch` / `nonFinite` for ∂ℓ/∂y not (B·L, d) or not finite.
    public mutating func backward(_ tape: Tape, outputGradient dy: Matrix) throws -> Matrix {
        try requireTapeShape(tape)
        try requireGradient(dy, rows: tape.x.rows, cols: width, "∂ℓ/∂y of \(outProj.weight.name.dropLast(7)) (B·L, d)")
        let (length, batch) = (tape.length, tape.x.rows / tape.length)
        let dO = try outProj.backward(tape.attended, outputGradient: dy)   // (B·L, d)
        var dq = Matrix(zeros: tape.x.rows, width), dk = dq, dv = dq  // (B·L, d) each
        var scores = [Double](repeating: 0, count: 3 * min(Self.blockRows, length) * length)   // (3, blockRows, L): S, A, dS
        BLASThreads.withSingleThreadedBLAS {
            for sequence in 0..<batch {
                for h in 0..<heads {
                    let head = Head(row: sequence * length, column: h * headDimension, length: length, dimension: headDimension, stride: width)
                    let lse = (sequence * heads + h) * length
                    tape.q.elements.withUnsafeBufferPointer { pq in tape.k.elements.withUnsafeBufferPointer { pk in
                        tape.v.elements.withUnsafeBufferPointer { pv in tape.attended.elements.withUnsafeBufferPointer { po in
                            dO.elements.withUnsafeBufferPointer { pdo in tape.logSumExp.withUnsafeBufferPointer { pl in
                                dq.elements.withUnsafeMutableBufferPointer { pdq in dk.elements.withUnsafeMutableBufferPointer { pdk in
                                    dv.elements.withUnsafeMutableBufferPointer { pdv in scores.withUnsafeMutableBufferPointer { ps in
                                        head.backward(Head.Inputs(q: pq.baseAddress!, k: pk.baseAddress!, v: pv.baseAddress!, out: po.baseAddress!,
                                                                  dOut: pdo.baseAddress!, logSumExp: pl.baseAddress! + lse),
                                                      dq: pdq.baseAddress!, dk: pdk.baseAddress!, dv: pdv.baseAddress!, scratch: ps.baseAddress!)
                                    } }
                                } }
                            } }
                        } }
                    } }
                }
            }
        }
        if let rotary {
            dq = rotary.rotated(dq, length: length, heads: heads, inverse: true)
            dk = rotary.rotated(dk, length: length, heads: heads, inverse: true)
        }
        var dx = try qProj.backward(tape.x, outputGradient: dq)       // (B·L, d)
        let dxk = try kProj.backward(tape.x, outputGradient: dk), dxv = try vProj.backward(tape.x, outputGradient: dv)
        for i in dx.elements.indices { dx.elements[i] += dxk.elements[i] + dxv.elements[i] }
        return dx
    }
}

extension CausalAttention {
    /// Throws `shapeMismatch` unless `tape` was made by an attention of this H and d, with
    /// every array the size its (B·L) rows imply. - Complexity: O(1).
    func requireTapeShape(_ tape: Tape) throws {
        let name = "tape of \(outProj.weight.name.dropLast(7)) (H = \(heads), d = \(width))"
        guard tape.heads == heads, tape.width == width else {
            throw StateSpaceError.shapeMismatch(name: "\(name): heads H and width d it was made with",
                                                expected: "H = \(heads), d = \(width)", actual: "H = \(tape.heads), d = \(tape.width)")
        }
        let rows = tape.x.rows
        guard tape.length >= 1, rows >= tape.length, rows % tape.length == 0 else {
            throw StateSpaceError.shapeMismatch(name: "\(name): rows B·L with L = \(tape.length)",
                                                expected: "a positive multiple of L ≥ 1", actual: "\(rows)")
        }
        for (label, m) in [("x", tape.x), ("q", tape.q), ("k", tape.k), ("v", tape.v), ("attended", tape.attended)] {
            try requireDimensions(m, rows, width, "\(name): \(label) (B·L, d)")
        }
        try requireCount(tape.logSumExp.count, rows / tape.length * heads * tape.length, "\(name): log-sum-exp (B, H, L)")
    }
}

// MARK: - One head of one sequence, in row blocks

/// The kernel of `CausalAttention` for one (sequence, head): rows `row ..< row + L` and columns
/// `column ..< column + P` of (B·L, d) arrays with row stride d, read and written in place
/// (BLAS on sub-blocks, no copies).
struct Head {
    let row: Int                                                      // β·L
    let column: Int                                                   // h·P
    let length: Int                                                   // L
    let dimension: Int                                                // P
    let stride: Int                                                   // d
    var scale: Double { 1 / Double(dimension).squareRoot() }
    var base: Int { row * stride + column }

    /// O = softmax(causal(QKᵀ/√P))·V, one block of ≤ `blockRows` rows at a time; writes ℓ_t.
    /// `scores` holds ≥ (min(blockRows, L) + 1)·L numbers. - Complexity: ≈ 2·L²·P flops.
    func forward(q: UnsafePointer<Double>, k: UnsafePointer<Double>, v: UnsafePointer<Double>, out: UnsafeMutablePointer<Double>,
                 logSumExp: UnsafeMutablePointer<Double>, scores: UnsafeMutablePointer<Double>) {
        for r0 in Swift.stride(from: 0, to: length, by: CausalAttention.blockRows) {
            let r1 = min(r0 + CausalAttention.blockRows, length)
            let (m, n) = (r1 - r0, r1)                                // block (m, n): rows r0..<r1, keys 0..<r1
            gemm(transposeB: true, m: m, n: n, k: dimension, alpha: scale, q + base + r0 * stride, lda: stride,
                 k + base, ldb: stride, beta: 0, scores, ldc: n)
            let spare = scores + min(CausalAttention.blockRows, length) * length
            for i in 0..<m { logSumExp[r0 + i] = softmaxRow(scores + i * n, valid: r0 + i + 1, count: n, scratch: spare) }
            gemm(m: m, n: dimension, k: n, scores, lda: n, v + base, ldb: stride, beta: 0, out + base + r0 * stride, ldc: stride)
        }
    }

    /// Pointers into the tape and ∂ℓ/∂O for one head's backward pass.
    struct Inputs {
        let q, k, v, out, dOut: UnsafePointer<Double>                 // (B·L, d) each
        let logSumExp: UnsafePointer<Double>                          // (L) of this head
    }

    /// Adds this head's dQ, dK, dV (before RoPE's inverse) — see `CausalAttention`'s derivation.
    /// `scratch` holds ≥ 3·min(blockRows, L)·L numbers. - Complexity: ≈ 5·L²·P flops.
    func backward(_ x: Inputs, dq: UnsafeMutablePointer<Double>, dk: UnsafeMutablePointer<Double>, dv: UnsafeMutablePointer<Double>,
                  scratch: UnsafeMutablePointer<Double>) {
        let block = min(CausalAttention.blockRows, length) * length
        let scores = scratch, attention = scratch + block, dS = scratch + 2 * block   // (m, n) each
        for r0 in Swift.stride(from: 0, to: length, by: CausalAttention.blockRows) {
            let r1 = min(r0 + CausalAttention.blockRows, length)
            let (m, n) = (r1 - r0, r1)
            let rows = base + r0 * stride
            gemm(transposeB: true, m: m, n: n, k: dimension, alpha: scale, x.q + rows, lda: stride, x.k + base, ldb: stride,
                 beta: 0, scores, ldc: n)
            for i in 0..<m {                                          // S − ℓ_t, −∞ where masked: exp gives A (0 where masked)
                for j in 0..<n { scores[i * n + j] = j <= r0 + i ? scores[i * n + j] - x.logSumExp[r0 + i] : -.infinity }
            }
            vectorExp(UnsafeBufferPointer(start: scores, count: m * n), into: UnsafeMutableBufferPointer(start: attention, count: m * n))
            gemm(transposeB: true, m: m, n: n, k: dimension, x.dOut + rows, lda: stride, x.v + base, ldb: stride, beta: 0, dS, ldc: n)
            for i in 0..<m {
                var d = 0.0                                           // D_t = dO_t · O_t
                for p in 0..<dimension { d += x.dOut[rows + i * stride + p] * x.out[rows + i * stride + p] }
                for j in 0..<n { dS[i * n + j] = attention[i * n + j] * (dS[i * n + j] - d) }
            }
            gemm(m: m, n: dimension, k: n, alpha: scale, dS, lda: n, x.k + base, ldb: stride, beta: 1, dq + rows, ldc: stride)
            gemm(transposeA: true, m: n, n: dimension, k: m, alpha: scale, dS, lda: n, x.q + rows, ldb: stride, beta: 1, dk + base, ldc: stride)
            gemm(transposeA: true, m: n, n: dimension, k: m, attention, lda: n, x.dOut + rows, ldb: stride, beta: 1, dv + base, ldc: stride)
        }
    }
}

/// Replaces `row[0 ..< count]` by the softmax of its first `valid` entries (the rest, masked,
/// become 0) and returns log Σ exp over the valid ones. Stable: the max is subtracted first, so
/// no exp overflows and the largest term is exactly 1. `scratch` (≥ valid numbers) receives
/// the exponentials (libmvec's vector exp, ≤ 4 ulp).
/// - Complexity: O(count).
func softmaxRow(_ row: UnsafeMutablePointer<Double>, valid: Int, count: Int, scratch: UnsafeMutablePointer<Double>) -> Double {
    var largest = -Double.infinity
    for j in 0..<valid { largest = max(largest, row[j]) }
    for j in 0..<valid { row[j] -= largest }
    vectorExp(UnsafeBufferPointer(start: row, count: valid), into: UnsafeMutableBufferPointer(start: scratch, count: valid))
    var sum = 0.0
    for j in 0..<valid { sum += scratch[j] }
    let inverse = 1 / sum
    for j in 0..<valid { row[j] = scratch[j] * inverse }
    for j in valid..<count { row[j] = 0 }
    return largest + log(sum)
}

// MARK: - Step mode: the KV cache

extension CausalAttention {
    /// The keys (after RoPE) and values of every token seen so far, for B sequences: what
    /// attention must keep to produce the next token. It grows by `bytesPerToken` per token
    /// per sequence — unlike an SSM's state, whose size is fixed.
    public struct KVCache: Sendable {
        /// B.
        public let batch: Int
        /// d.
        public let width: Int
        /// Tokens cached per sequence, T.
        public private(set) var length = 0
        var keys: [Double] = []                                       // (T, B, d) time-major: a step appends B·d numbers
        var values: [Double] = []                                     // (T, B, d)

        /// 2·d Doubles per token per sequence (one key, one value), per attention layer.
        public var bytesPerToken: Int { 2 * width * MemoryLayout<Double>.size }
        /// What the cache holds now: B·T·bytesPerToken.
        public var bytes: Int { batch * length * bytesPerToken }

        mutating func append(keys k: [Double], values v: [Double]) {
            keys += k
            values += v
            length += 1
        }
    }

    public func initialState(batch: Int) -> KVCache { KVCache(batch: batch, width: width) }

    /// One token of each of B sequences: q, k, v of `x` (B, d), RoPE at position T (the
    /// cache's length), append (k, v), attend over the T + 1 cached tokens, project.
    /// - Throws: `shapeMismatch` unless x is (B, d) with the cache's B and d; `nonFinite`.
    /// - Complexity: O(B·(d² + T·d)).
    public func step(_ x: Matrix, state: inout KVCache) throws -> Matrix {
        guard state.width == width, x.rows == state.batch, x.cols == width else {
            throw StateSpaceError.shapeMismatch(name: "attention step input x (B, d) for a cache of B = \(state.batch), d = \(state.width)",
                                                expected: "\(state.batch)×\(width)", actual: "\(x.rows)×\(x.cols)")
        }
        try x.requireFinite("attention step input x")
        var q = try qProj.forward(x), k = try kProj.forward(x)       // (B, d)
        let v = try vProj.forward(x)                                  // (B, d)
        if let rotary {
            q = rotary.rotated(q, position: state.length, heads: heads)   // every row is token T of its sequence
            k = rotary.rotated(k, position: state.length, heads: heads)
        }
        state.append(keys: k.elements, values: v.elements)
        let (batch, t) = (state.batch, state.length)
        var attended = Matrix(zeros: batch, width)                    // (B, d)
        var weights = [Double](repeating: 0, count: 2 * t)            // (2, T): scores, then their exponentials
        let rowStride = batch * width                                 // the cache's time stride
        state.keys.withUnsafeBufferPointer { pk in state.values.withUnsafeBufferPointer { pv in
            q.elements.withUnsafeBufferPointer { pq in attended.elements.withUnsafeMutableBufferPointer { po in
                weights.withUnsafeMutableBufferPointer { pw in
                    for sequence in 0..<batch {
                        for h in 0..<heads {
                            let offset = sequence * width + h * headDimension
                            gemm(transposeB: true, m: 1, n: t, k: headDimension, alpha: 1 / Double(headDimension).squareRoot(),
                                 pq.baseAddress! + offset, lda: headDimension, pk.baseAddress! + offset, ldb: rowStride,
                                 beta: 0, pw.baseAddress!, ldc: t)
                            _ = softmaxRow(pw.baseAddress!, valid: t, count: t, scratch: pw.baseAddress! + t)
                            gemm(m: 1, n: headDimension, k: t, pw.baseAddress!, lda: t, pv.baseAddress! + offset, ldb: rowStride,
                                 beta: 0, po.baseAddress! + offset, ldc: headDimension)
                        }
                    }
                }
            } }
        } }
        return try outProj.forward(attended)
    }
}
