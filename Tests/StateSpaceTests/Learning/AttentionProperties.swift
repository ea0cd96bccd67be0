import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// One attention layer and a batch for it: B ≥ 2 sequences (so leakage across sequences would
/// show), L from 1 to 131 (past one and two 64-row blocks of the block-wise softmax), H ∈ {1, 2},
/// P ∈ {2, 4, 6}, RoPE or none, inputs x ~ N(0, 1)·scale with scale log-uniform in [0.3, 3]
/// (near-uniform softmax rows up to peaked ones).
struct AttentionCase: CustomStringConvertible {
    let batch: Int
    let length: Int
    let heads: Int
    let headPairs: Int
    let rotary: Bool
    let scale: Double
    let data: UInt64

    var width: Int { heads * 2 * headPairs }
    var description: String {
        "B = \(batch), L = \(length), H = \(heads), P = \(2 * headPairs), \(rotary ? "RoPE" : "no PE"), x scale \(scale), data seed \(data)"
    }

    /// The layer, its input (B·L, d) and the loss weights w (B·L, d) of ℓ = Σ w ⊙ y.
    func make() throws -> (layer: CausalAttention, x: Matrix, weights: Matrix) {
        var rng = SplitMix64(seed: data)
        let layer = try CausalAttention(width: width, heads: heads, positionalEncoding: rotary ? .rotary(base: 10_000) : .none, rng: &rng)
        var x = try gaussianMatrix(batch * length, width, rng: &rng)
        for i in x.elements.indices { x.elements[i] *= scale }
        return (layer, x, try gaussianMatrix(batch * length, width, rng: &rng))
    }

    static let generator = zip(Gen.int(in: 2...3), lengthGenerator(upTo: 131), Gen.int(in: 1...2), Gen.int(in: 1...3), Gen.bool,
                               logUniform(log10(0.3)...log10(3)), dataSeed)
        .map { AttentionCase(batch: $0.0, length: $0.1, heads: $0.2, headPairs: $0.3, rotary: $0.4, scale: $0.5, data: $0.6) }
}

/// ℓ = Σ w ⊙ y, the scalar whose gradient the tests compare.
func attentionLoss(_ y: Matrix, _ w: Matrix) -> Double { zip(y.elements, w.elements).reduce(0) { $0 + $1.0 * $1.1 } }

/// The forward pass written the obvious way, independently of the library's block-wise kernel:
/// projections by loops, RoPE from its formula, the full (L, L) score matrix, softmax by its
/// definition with the max subtracted.
func naiveCausalAttention(_ layer: CausalAttention, _ x: Matrix, length: Int) -> Matrix {
    let (d, h, p) = (layer.width, layer.heads, layer.headDimension)
    func project(_ linear: Linear) -> [Double] {                      // (B·L, d)
        var out = [Double](repeating: 0, count: x.rows * d)
        for r in 0..<x.rows { for j in 0..<d { out[r * d + j] = (0..<d).reduce(linear.bias?.value.elements[j] ?? 0) { $0 + x[r, $1] * linear.weight.value[$1, j] } } }
        return out
    }
    func rope(_ m: inout [Double]) {
        guard case let .rotary(base) = layer.positionalEncoding else { return }
        for r in 0..<x.rows { for head in 0..<h { for i in 0..<p / 2 {
            let angle = Double(r % length) * pow(base, -2 * Double(i) / Double(p))
            let a = r * d + head * p + 2 * i, (u, v) = (m[a], m[a + 1])
            (m[a], m[a + 1]) = (u * cos(angle) - v * sin(angle), u * sin(angle) + v * cos(angle))
        } } }
    }
    var q = project(layer.qProj), k = project(layer.kProj)
    let v = project(layer.vProj)
    rope(&q)
    rope(&k)
    var o = Matrix(zeros: x.rows, d)                                  // (B·L, d)
    for start in stride(from: 0, to: x.rows, by: length) { for head in 0..<h { for t in 0..<length {
        let scores = (0...t).map { s in (0..<p).reduce(0.0) { $0 + q[(start + t) * d + head * p + $1] * k[(start + s) * d + head * p + $1] } / Double(p).squareRoot() }
        let top = scores.max()!, e = scores.map { exp($0 - top) }, total = e.reduce(0, +)
        for c in 0..<p { o[start + t, head * p + c] = (0...t).reduce(0.0) { $0 + e[$1] / total * v[(start + $1) * d + head * p + c] } }
    } } }
    return o * layer.outProj.weight.value
}

@Suite("Property: causal attention — forward = naive, backward = finite differences, step = forward")
struct AttentionProperties {
    /// Block-wise softmax with BLAS = the naive triple loop. Both round differently in each of
    /// ≤ L + P terms of magnitude ≤ max|y|-ish; 1e-12·(1 + max|y|) is ~100× above that rounding
    /// at L ≤ 131 and far below any mistake (a wrong mask, scale or rotation moves y by O(|y|)).
    @Test("forward = naive full-matrix attention (100 cases)")
    func forwardMatchesNaive() async {
        let run = await checkProperty("attention forward", count: 100, seed: 0xA77E_0001, input: AttentionCase.generator) { c in
            let (layer, x, _) = try c.make()
            let y = try layer.forward(x, length: c.length).output
            let naive = naiveCausalAttention(layer, x, length: c.length)
            let scale = 1 + (naive.elements.map(abs).max() ?? 0)
            return [compare("block-wise − naive", y.elements, naive.elements, tolerance: 1e-12 * scale)]
        }
        expectCoverage(run.cases.map(\.length))
        #expect(run.cases.contains { $0.length > 2 * CausalAttention.blockRows }, "no case spans three row blocks")
    }

    /// Every parameter and the input against central differences: relative error ≤ 1e-6
    /// (`centralDifference`: truncation + rounding ~1e-10 at step 1e-5, see FiniteDifferences.swift).
    @Test("backward = central finite differences, parameters and input (40 cases, rel err ≤ 1e-6)")
    func backwardMatchesFiniteDifferences() async {
        let run = await checkProperty("attention backward", count: 40, seed: 0xA77E_0002, input: AttentionCase.generator) { c in
            var (layer, x, w) = try c.make()
            let (_, tape) = try layer.forward(x, length: c.length)
            let dx = try layer.backward(tape, outputGradient: w)
            var rng = SplitMix64(seed: c.data ^ 0xF1D1)
            let parameters = try compareParameterGradients(layer, rng: &rng) { try attentionLoss($0.forward(x, length: c.length).output, w) }
            let input = try compareInputGradient(x, analytic: dx, name: "x", rng: &rng) { try attentionLoss(layer.forward($0, length: c.length).output, w) }
            return [Comparison(name: "parameters: \(parameters)", error: parameters.relativeError, tolerance: 1e-6),
                    Comparison(name: "input: \(input)", error: input.relativeError, tolerance: 1e-6)]
        }
        expectCoverage(run.cases.map(\.length))
    }

    /// Token by token with the KV cache = the whole-sequence forward. Different summation order
    /// only (one row of scores vs a block; the same BLAS): 1e-12·(1 + max|y|).
    @Test("step mode with the KV cache = forward (40 cases)")
    func stepMatchesForward() async {
        await checkProperty("attention step", count: 40, seed: 0xA77E_0003, input: AttentionCase.generator) { c in
            let (layer, x, _) = try c.make()
            let y = try layer.forward(x, length: c.length).output
            var cache = layer.initialState(batch: c.batch)
            var stepped = Matrix(zeros: x.rows, c.width)
            for t in 0..<c.length {
                var token = Matrix(zeros: c.batch, c.width)           // (B, d): token t of each sequence
                for b in 0..<c.batch { for j in 0..<c.width { token[b, j] = x[b * c.length + t, j] } }
                let out = try layer.step(token, state: &cache)
                for b in 0..<c.batch { for j in 0..<c.width { stepped[b * c.length + t, j] = out[b, j] } }
            }
            let scale = 1 + (y.elements.map(abs).max() ?? 0)
            return [compare("step − forward", stepped.elements, y.elements, tolerance: 1e-12 * scale),
                    Comparison(name: "cache bytes", error: Double(abs(cache.bytes - c.batch * c.length * 2 * c.width * 8)), tolerance: 0)]
        }
    }

    /// Causality and independence: perturbing token s of sequence 1 leaves every output of the
    /// other sequences and the outputs t < s of sequence 1 bit-for-bit unchanged (masked
    /// weights are exactly 0, and 0·v adds exactly nothing), and changes output s.
    @Test("no leakage from the future or across sequences (40 cases)")
    func noLeakage() async {
        await checkProperty("attention leakage", count: 40, seed: 0xA77E_0004, input: AttentionCase.generator) { c in
            let (layer, x, _) = try c.make()
            let s = Int(c.data % UInt64(c.length))
            var perturbed = x
            for j in 0..<c.width { perturbed[c.length + s, j] += 1 }
            let (y, z) = (try layer.forward(x, length: c.length).output, try layer.forward(perturbed, length: c.length).output)
            let untouched = Array(0..<(c.length + s)) + Array((2 * c.length)..<(c.batch * c.length))   // sequence 0, rows t < s of 1, sequences ≥ 2
            let before = untouched.flatMap { y.row($0) }, after = untouched.flatMap { z.row($0) }
            let change = zip(y.row(c.length + s), z.row(c.length + s)).map { abs($0 - $1) }.max() ?? 0
            return [compare("outputs that must not see the perturbation", after, before, tolerance: 0),
                    Comparison(name: "output at the perturbed position must change (1e-9 / change)", error: 1e-9 / max(change, 1e-300), tolerance: 1)]
        }
    }
}
