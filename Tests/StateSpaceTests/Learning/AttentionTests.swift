import Foundation
import Testing
@testable import StateSpace

@Suite("Causal attention: RoPE, gradients' causality, KV cache, bad input")
struct AttentionTests {
    private func layer(width: Int = 8, heads: Int = 2, encoding: PositionalEncoding = .rotary(base: 10_000), seed: UInt64 = 7) throws -> CausalAttention {
        var rng = SplitMix64(seed: seed)
        return try CausalAttention(width: width, heads: heads, positionalEncoding: encoding, rng: &rng)
    }

    /// q̃_t·k̃_s depends on t − s only: shifting both positions by 37 leaves it unchanged, and the
    /// inverse rotation undoes the rotation (rounding only: 1e-13 on O(1) numbers).
    @Test("RoPE: scores depend on the offset only; inverse undoes it")
    func rotaryIsRelative() throws {
        let rope = try RotaryEmbedding(headDimension: 6)
        let q = randomMatrix(1, 12, seed: 1), k = randomMatrix(1, 12, seed: 2)
        func dot(_ a: Matrix, _ b: Matrix) -> Double { zip(a.elements, b.elements).reduce(0) { $0 + $1.0 * $1.1 } }
        for (t, s) in [(5, 2), (40, 0), (3, 3)] {
            let near = dot(rope.rotated(q, position: t, heads: 2), rope.rotated(k, position: s, heads: 2))
            let far = dot(rope.rotated(q, position: t + 37, heads: 2), rope.rotated(k, position: s + 37, heads: 2))
            #expect(abs(near - far) <= 1e-13 * (1 + abs(near)))
        }
        let x = randomMatrix(10, 12, seed: 3)
        let back = rope.rotated(rope.rotated(x, length: 5, heads: 2), length: 5, heads: 2, inverse: true)
        #expect(maxAbsDifference(back.elements, x.elements) <= 1e-14)
        // And it does rotate: position 1 moves a vector (a rotation that did nothing would pass the lines above).
        #expect(maxAbsDifference(rope.rotated(q, position: 1, heads: 2).elements, q.elements) > 1e-3)
    }

    /// ∂ℓ/∂y nonzero only at row t of each sequence: ∂ℓ/∂x is exactly 0 at every later row
    /// (masked weights are exact zeros), and nonzero at row t.
    @Test("backward: no gradient flows to future tokens")
    func gradientIsCausal() throws {
        var attention = try layer()
        let (b, l, t) = (2, 70, 45)                                   // 70 > blockRows: two row blocks
        let x = randomMatrix(b * l, attention.width, seed: 4)
        let (_, tape) = try attention.forward(x, length: l)
        var dy = Matrix(zeros: b * l, attention.width)
        for s in 0..<b { for j in 0..<attention.width { dy[s * l + t, j] = 1 } }
        let dx = try attention.backward(tape, outputGradient: dy)
        for s in 0..<b {
            #expect((t + 1..<l).allSatisfy { r in dx.row(s * l + r).allSatisfy { $0 == 0 } })
            #expect(dx.row(s * l + t).contains { $0 != 0 })
        }
    }

    /// The finite-difference comparison can fail: a gradient off by 1e-4 relative is flagged.
    @Test("caught: a gradient 1.0001× too large exceeds the 1e-6 bound")
    func wrongGradientIsCaught() throws {
        var attention = try layer()
        let x = randomMatrix(2 * 9, attention.width, seed: 5), w = randomMatrix(2 * 9, attention.width, seed: 6)
        let (_, tape) = try attention.forward(x, length: 9)
        var dx = try attention.backward(tape, outputGradient: w)
        for i in dx.elements.indices { dx.elements[i] *= 1.0001 }
        var rng = SplitMix64(seed: 1)
        let found = try compareInputGradient(x, analytic: dx, rng: &rng) { try attentionLoss(attention.forward($0, length: 9).output, w) }
        #expect(found.relativeError > 1e-6)
    }

    /// Scores of ±1e4 (x scaled up): the max-subtracted softmax stays finite and picks one key.
    @Test("softmax is stable for huge scores")
    func stableSoftmax() throws {
        let attention = try layer(encoding: .none)
        var x = randomMatrix(2 * 20, attention.width, seed: 8)
        for i in x.elements.indices { x.elements[i] *= 1e3 }
        let y = try attention.forward(x, length: 20).output
        #expect(allFinite(y.elements))
        let naive = naiveCausalAttention(attention, x, length: 20)
        #expect(maxAbsDifference(y.elements, naive.elements) <= 1e-12 * (1 + naive.elements.map(abs).max()!))
    }

    /// The KV cache grows by 2·d Doubles per token per sequence: 1 KiB at d = 64.
    @Test("KV cache: bytes per token and growth; the tape holds O(B·L·d)")
    func cacheBytes() throws {
        let attention = try layer(width: 64, heads: 2)
        var cache = attention.initialState(batch: 3)
        #expect(cache.bytesPerToken == 1024 && cache.bytes == 0)
        for t in 0..<5 { _ = try attention.step(randomMatrix(3, 64, seed: UInt64(t)), state: &cache) }
        #expect(cache.length == 5 && cache.bytes == 3 * 5 * 1024)
        let (_, tape) = try attention.forward(randomMatrix(3 * 10, 64, seed: 1), length: 10)
        #expect(tape.bytes == (5 * 3 * 10 * 64 + 3 * 2 * 10) * 8)   // x, q, k, v, O and ℓ: no (L, L) array
    }

    @Test("bad input: clear errors, no trap")
    func badInput() throws {
        var rng = SplitMix64(seed: 1)
        #expect(throws: StateSpaceError.self) { try CausalAttention(width: 6, heads: 4, rng: &rng) }        // H ∤ d
        #expect(throws: StateSpaceError.self) { try CausalAttention(width: 6, heads: 2, rng: &rng) }        // P = 3: odd with RoPE
        #expect(throws: StateSpaceError.self) { try CausalAttention(width: 0, rng: &rng) }
        #expect(throws: StateSpaceError.self) { try CausalAttention(width: 4, positionalEncoding: .rotary(base: .nan), rng: &rng) }
        #expect(throws: Never.self) { try CausalAttention(width: 6, heads: 2, positionalEncoding: .none, rng: &rng) }
        var attention = try layer()
        let x = randomMatrix(12, 8, seed: 9)
        #expect(throws: StateSpaceError.self) { try attention.forward(x, length: 5) }                     // 12 rows, L = 5
        #expect(throws: StateSpaceError.self) { try attention.forward(x, length: 0) }
        #expect(throws: StateSpaceError.self) { try attention.forward(randomMatrix(12, 7, seed: 9), length: 6) }
        var bad = x
        bad[3, 2] = .nan
        do {
            _ = try attention.forward(bad, length: 6)
            Issue.record("NaN in x was accepted")
        } catch let error as StateSpaceError {
            #expect(error.description.contains("attention input x[26] = nan"))
        }
        let (_, tape) = try attention.forward(x, length: 6)
        #expect(throws: StateSpaceError.self) { try attention.backward(tape, outputGradient: randomMatrix(12, 7, seed: 1)) }
        var dy = randomMatrix(12, 8, seed: 1)
        dy[0, 0] = .infinity
        do {
            _ = try attention.backward(tape, outputGradient: dy)
            Issue.record("∞ in ∂ℓ/∂y was accepted")
        } catch let error as StateSpaceError {
            #expect(error.description.contains("∂ℓ/∂y") && error.description.contains("inf"))
        }
        var cache = attention.initialState(batch: 2)
        #expect(throws: StateSpaceError.self) { try attention.step(randomMatrix(3, 8, seed: 1), state: &cache) }
        #expect(throws: StateSpaceError.self) { try attention.step(randomMatrix(2, 5, seed: 1), state: &cache) }
        #expect(cache.length == 0)
    }
}

/// Bad-input catalogue rows for CausalAttention and RotaryEmbedding (see BadInputCatalogue.swift
/// for what a row asserts). To join `BadInput.all`, add `attention` to its list in BadInput+All.swift.
extension BadInput {
    private static func attentionLayer(width: Int = 8, heads: Int = 2) throws -> CausalAttention {
        var rng = SplitMix64(seed: 7)
        return try CausalAttention(width: width, heads: heads, rng: &rng)
    }

    static let attention: [BadInput] = [
        BadInput("CausalAttention(width: 6, heads: 4)", mentions: ["heads H", "4", "d = 6"], void: { _ = try attentionLayer(width: 6, heads: 4) }),
        BadInput("CausalAttention(width: 6, heads: 2) with RoPE", mentions: ["RoPE head dimension P", "3"], void: { _ = try attentionLayer(width: 6, heads: 2) }),
        BadInput("CausalAttention(width: 0)", mentions: ["width d", "0"], void: { _ = try attentionLayer(width: 0, heads: 1) }),
        BadInput("CausalAttention(heads: 0)", mentions: ["heads H", "0"], void: { _ = try attentionLayer(width: 8, heads: 0) }),
        BadInput("CausalAttention(positionalEncoding: .rotary(base: NaN))", mentions: ["RoPE base", "nan"], void: {
            var rng = SplitMix64(seed: 7)
            _ = try CausalAttention(width: 4, positionalEncoding: .rotary(base: .nan), rng: &rng)
        }),
        BadInput("RotaryEmbedding(headDimension: 5)", mentions: ["RoPE head dimension P", "5"], void: { _ = try RotaryEmbedding(headDimension: 5) }),
        BadInput("attention.forward(x 12×8, length: 5)", mentions: ["attention input x", "12×8"]) {
            try attentionLayer().forward(Matrix(zeros: 12, 8), length: 5).output.elements
        },
        BadInput("attention.forward(x, length: 0)", mentions: ["sequence length L", "0"]) {
            try attentionLayer().forward(Matrix(zeros: 12, 8), length: 0).output.elements
        },
        BadInput("attention.forward(x with NaN)", mentions: ["attention input x[26]", "nan"]) {
            var x = Matrix(zeros: 12, 8)
            x[3, 2] = .nan
            return try attentionLayer().forward(x, length: 6).output.elements
        },
        BadInput("attention.forward(x = 1e200)", mentions: ["attention input x", "1e+200", "overflowed"]) {
            var x = Matrix(zeros: 12, 8)
            for i in x.elements.indices { x.elements[i] = 1e200 }
            return try attentionLayer().forward(x, length: 6).output.elements
        },
        BadInput("attention.backward(∂ℓ/∂y 12×7)", mentions: ["∂ℓ/∂y", "12×7"]) {
            var layer = try attentionLayer()
            let (_, tape) = try layer.forward(Matrix(zeros: 12, 8), length: 6)
            return try layer.backward(tape, outputGradient: Matrix(zeros: 12, 7)).elements
        },
        BadInput("attention.backward(∂ℓ/∂y with ∞)", mentions: ["∂ℓ/∂y", "[5]", "inf"]) {
            var layer = try attentionLayer(), dy = Matrix(zeros: 12, 8)
            let (_, tape) = try layer.forward(Matrix(zeros: 12, 8), length: 6)
            dy[0, 5] = .infinity
            return try layer.backward(tape, outputGradient: dy).elements
        },
        BadInput("attention.step(x 3×8, cache for B = 2)", mentions: ["attention step input x", "3×8"]) {
            let layer = try attentionLayer()
            var cache = layer.initialState(batch: 2)
            return try layer.step(Matrix(zeros: 3, 8), state: &cache).elements
        },
        BadInput("attention.step(x with NaN)", mentions: ["attention step input x[1]", "nan"]) {
            let layer = try attentionLayer()
            var cache = layer.initialState(batch: 2), x = Matrix(zeros: 2, 8)
            x[0, 1] = .nan
            return try layer.step(x, state: &cache).elements
        },
    ]
}

@Suite("Bad-input catalogue: attention")
struct AttentionBadInputRows {
    @Test("every bad input gives a StateSpaceError naming the parameter and the value", arguments: BadInput.attention)
    func clearError(_ row: BadInput) {
        #expect(row.outcome() == .clearError, "\(row.call)")
    }
}
