import Foundation
import PropertyBased
import Testing
@testable import StateSpace

// Finite-difference checks of `Linear`, of one channel's recurrence (`ScalarRecurrence`) and of
// the tanh RNN's ∂y_{L−1}/∂x, as property tests over random shapes; plus their bad input.

@Suite("Learning: Linear, the scalar recurrence's adjoint, the tanh RNN")
struct LearningLinearAndRecurrenceTests {
    @Test("Linear (with and without bias): backward = finite differences")
    func linearGradient() async {
        await checkProperty("Linear", count: 40, seed: 0x11EA, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            var layer = try Linear("linear", inputWidth: c.width + 1, outputWidth: c.other + 1, bias: c.data % 2 == 0, rng: &rng)
            let x = gaussianTestMatrix(c.batch * c.length, c.width + 1, &rng), w = gaussianTestMatrix(x.rows, c.other + 1, &rng)
            let dx = try layer.backward(x, outputGradient: w)
            let dp = try compareParameterGradients(layer, rng: &rng) { try weightedSum($0.forward(x), w) }
            let di = try compareInputGradient(x, analytic: dx, rng: &rng) { try weightedSum(layer.forward($0), w) }
            return [gradientCheck("Linear parameters", dp), gradientCheck("Linear input", di)]
        }
    }

    @Test("Linear refuses a wrong input width, a misshaped or non-finite ∂ℓ/∂y")
    func linearBadInput() throws {
        var rng = SplitMix64(seed: 1)
        var layer = try Linear("linear", inputWidth: 3, outputWidth: 2, rng: &rng)
        let x = gaussianTestMatrix(4, 3, &rng)
        #expect(throws: StateSpaceError.self) { try layer.forward(gaussianTestMatrix(4, 2, &rng)) }
        #expect(throws: StateSpaceError.self) { try layer.backward(x, outputGradient: gaussianTestMatrix(4, 3, &rng)) }
        var bad = gaussianTestMatrix(4, 2, &rng)
        bad[1, 1] = .nan
        #expect(throws: StateSpaceError.self) { try layer.backward(x, outputGradient: bad) }
        #expect(throws: StateSpaceError.self) { try Linear("linear", inputWidth: 0, outputWidth: 2, rng: &rng) }
    }

    /// Every gradient of one channel (x, a, b, c, h₀) against central differences of Σ w_t·y_t.
    @Test("ScalarRecurrence.backward = finite differences for x, a, b, c and h₀")
    func scalarRecurrenceGradient() async {
        await checkProperty("scalar recurrence", count: 40, seed: 0x5CA1, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            let l = c.length * c.batch
            let channel = try ScalarRecurrence(a: (0..<l).map { _ in Double.random(in: 0.3..<1, using: &rng) },
                                               b: (0..<l).map { _ in rng.nextGaussian() }, c: (0..<l).map { _ in rng.nextGaussian() },
                                               initial: rng.nextGaussian())
            let x = (0..<l).map { _ in rng.nextGaussian() }, w = (0..<l).map { _ in rng.nextGaussian() }
            let g = try channel.backward(x, states: try channel.forward(x).states, outputGradient: w)
            func loss(_ m: ScalarRecurrence, _ x: [Double]) throws -> Double { zip(try m.forward(x).y, w).reduce(0) { $0 + $1.0 * $1.1 } }
            func numeric(_ perturb: (inout ScalarRecurrence, inout [Double], Double) -> Void, _ value: Double) throws -> Double {
                try centralDifference(at: value) { v in var m = channel, y = x; perturb(&m, &y, v); return try loss(m, y) }
            }
            var comparisons: [Comparison] = []
            for t in 0..<l {
                let expected: [(String, Double, Double)] = [
                    ("x", g.x[t], try numeric({ _, y, v in y[t] = v }, x[t])),
                    ("a", g.a[t], try numeric({ m, _, v in m.a[t] = v }, channel.a[t])),
                    ("b", g.b[t], try numeric({ m, _, v in m.b[t] = v }, channel.b[t])),
                    ("c", g.c[t], try numeric({ m, _, v in m.c[t] = v }, channel.c[t])),
                ]
                for (name, analytic, fd) in expected {
                    comparisons.append(Comparison(name: "∂ℓ/∂\(name)[\(t)]", error: abs(analytic - fd), tolerance: 1e-9 * max(1, abs(fd))))
                }
            }
            let h0 = try numeric({ m, _, v in m.initial = v }, channel.initial)
            comparisons.append(Comparison(name: "∂ℓ/∂h₀", error: abs(g.initial - h0), tolerance: 1e-9 * max(1, abs(h0))))
            return comparisons
        }
    }

    @Test("ScalarRecurrence refuses mismatched lengths and non-finite ∂ℓ/∂y")
    func scalarRecurrenceBadInput() throws {
        let channel = try ScalarRecurrence(a: [0.5, 0.5], b: [1, 1], c: [1, 1])
        #expect(throws: StateSpaceError.self) { try ScalarRecurrence(a: [0.5], b: [1, 1], c: [1]) }
        #expect(throws: StateSpaceError.self) { try channel.forward([1]) }
        #expect(throws: StateSpaceError.self) { try channel.backward([1, 2], states: [1, 2], outputGradient: [1, .infinity]) }
        #expect(throws: StateSpaceError.self) { try channel.backward([1, 2], states: [1], outputGradient: [1, 1]) }
    }

    @Test("TanhRNN: ∂y_{L−1}/∂x_s = finite differences of the last output")
    func tanhGradient() throws {
        var rng = SplitMix64(seed: 7)
        let rnn = try TanhRNN(hidden: 8, spectralRadius: 0.9, rng: &rng)
        let x = (0..<20).map { _ in rng.nextGaussian() }
        let analytic = rnn.lastOutputGradient(x)
        let last = { (x: [Double]) in zip(rnn.v, (0..<8).map { rnn.states(x)[19, $0] }).reduce(0) { $0 + $1.0 * $1.1 } }
        for s in [0, 5, 12, 19] {
            let fd = try centralDifference(at: x[s]) { v in var y = x; y[s] = v; return last(y) }
            #expect(abs(analytic[s] - fd) <= 1e-9 * max(abs(fd), 1e-6), "s = \(s): \(analytic[s]) vs \(fd)")
        }
        #expect(throws: StateSpaceError.self) { try TanhRNN(hidden: 0, spectralRadius: 0.9, rng: &rng) }
        #expect(throws: StateSpaceError.self) { try TanhRNN(hidden: 4, spectralRadius: -1, rng: &rng) }
    }
}
