import Foundation
import Testing
@testable import StateSpace

/// The gradient checker and the optimiser refuse what would make them pass or trap silently.
@Suite("Learning: the checker and the optimiser on bad input")
struct LearningCheckerTests {
    @Test("a NaN loss, a NaN analytic gradient or no entries compared is an infinite error, never 0")
    func nanIsInfinite() throws {
        var rng = SplitMix64(seed: 3)
        var layer = try Linear("l", inputWidth: 2, outputWidth: 2, rng: &rng)
        #expect(try compareParameterGradients(layer, rng: &rng) { _ in .nan }.relativeError == .infinity)
        layer.weight.gradient.elements[0] = .nan
        #expect(try compareParameterGradients(layer, rng: &rng) { try $0.forward(Matrix([[1, 2]])).elements.reduce(0, +) }.relativeError == .infinity)
        #expect(GradientDiscrepancy.none.relativeError == .infinity)
        #expect(throws: StateSpaceError.self) { try compareParameterGradients(layer, samples: 0, rng: &rng) { _ in 0 } }
        let x = try Matrix([[1, 2]])
        #expect(throws: StateSpaceError.self) { try compareInputGradient(x, analytic: try Matrix([[1]]), rng: &rng) { _ in 0 } }
    }

    @Test("centralDifference refuses a step ≤ 0 or non-finite and a non-finite point")
    func differenceRefuses() {
        for step in [0, -1e-3, .nan, .infinity] {
            #expect(throws: StateSpaceError.self) { try centralDifference(at: 1, step: step) { $0 } }
        }
        #expect(throws: StateSpaceError.self) { try centralDifference(at: .infinity) { $0 } }
    }

    @Test("AdamW and clipping refuse a gradient not shaped like its value (smaller or larger)")
    func misshapedGradient() throws {
        var rng = SplitMix64(seed: 4)
        for shape in [(1, 1), (3, 3)] {
            var layer = try Linear("l", inputWidth: 2, outputWidth: 2, bias: false, rng: &rng)
            layer.weight.gradient = Matrix(zeros: shape.0, shape.1)
            var optimizer = AdamW(try .init(learningRate: 0.1))
            #expect(throws: StateSpaceError.self) { try optimizer.step(&layer) }
            #expect(throws: StateSpaceError.self) { try clipGradientNorm(&layer, maxNorm: 1) }
        }
    }
}
