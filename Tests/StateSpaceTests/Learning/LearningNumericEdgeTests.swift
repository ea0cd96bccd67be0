import Foundation
import Testing
@testable import StateSpace

/// Bad and extreme input to the learning layer and the tasks: every bad call throws a
/// `StateSpaceError` (never a trap), and extreme but valid input gives the same answer as a
/// moderate input it is mathematically equal to (never a silent NaN or zero).
@Suite("Learning: numeric edges and bad integers")
struct LearningNumericEdgeTests {
    /// Two rows, three logits each; the loss with weights (1, 1) and (1, 0).
    static let logits = try! Matrix([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])

    @Test("CrossEntropy: weights 1e308 (their sum overflows) give the unit-weight loss and gradient")
    func hugeWeights() throws {
        let unit = try CrossEntropy(logits: Self.logits, targets: [2, 1], weights: [1, 1])
        let huge = try CrossEntropy(logits: Self.logits, targets: [2, 1], weights: [1e308, 1e308])
        #expect(huge.loss.isFinite)
        #expect(abs(huge.loss - unit.loss) <= 1e-15 * abs(unit.loss))
        #expect(largestGap(huge.logitsGradient, unit.logitsGradient) <= 1e-15)
        #expect(huge.logitsGradient.elements.contains { $0 != 0 })
    }

    @Test("CrossEntropy: subnormal weights (5e-324, 0) give the (1, 0) loss, ln 3 for equal logits")
    func subnormalWeights() throws {
        let unit = try CrossEntropy(logits: Self.logits, targets: [2, -1], weights: [1, 0])
        let tiny = try CrossEntropy(logits: Self.logits, targets: [2, -1], weights: [Double.leastNonzeroMagnitude, 0])
        #expect(abs(tiny.loss - unit.loss) <= 1e-15 * abs(unit.loss))
        #expect(largestGap(tiny.logitsGradient, unit.logitsGradient) <= 1e-15)
        let flat = try CrossEntropy(logits: Matrix(zeros: 2, 3), targets: [0, -1], weights: [Double.leastNonzeroMagnitude, 0])
        #expect(abs(flat.loss - log(3.0)) <= 1e-15)
    }

    @Test("CrossEntropy: negative and non-finite weights still throw")
    func badWeights() throws {
        for w in [[-1.0, 1], [.infinity, 1], [.nan, 1], [0, 0]] {
            #expect(throws: StateSpaceError.self) { _ = try CrossEntropy(logits: Self.logits, targets: [2, 1], weights: w) }
        }
    }

    @Test("RMSNorm: rows of 1e200 (squares overflow) give the forward and backward of the same rows at scale 1")
    func rmsNormHugeEntries() throws {
        var rng = SplitMix64(seed: 7)
        let d = 5
        var norm = try RMSNorm("norm", width: d, epsilon: 1e-5)
        norm.weight.value = gaussianTestMatrix(1, d, &rng)
        let x = gaussianTestMatrix(3, d, &rng)                        // (3, d), entries O(1)
        let dy = gaussianTestMatrix(3, d, &rng)
        let scale = 1e200
        var big = x; for i in big.elements.indices { big.elements[i] *= scale }
        // With ε ≪ mean x², y is invariant to the scale of x and ∂ℓ/∂x scales by 1/scale.
        var unitNorm = try RMSNorm("norm", width: d, epsilon: 1e-300)
        unitNorm.weight = norm.weight
        let yUnit = try unitNorm.forward(x)
        let yBig = try norm.forward(big)
        #expect(yBig.elements.allSatisfy { $0.isFinite })
        #expect(largestGap(yBig, yUnit) <= 1e-13)
        #expect(yBig.elements.contains { $0 != 0 })
        let dxUnit = try unitNorm.backward(x, outputGradient: dy)
        var bigNorm = norm
        bigNorm.weight.gradient = Matrix(zeros: 1, d)
        unitNorm.weight.gradient = Matrix(zeros: 1, d)
        _ = try unitNorm.backward(x, outputGradient: dy)
        let dxBig = try bigNorm.backward(big, outputGradient: dy)
        var dxBigRescaled = dxBig; for i in dxBigRescaled.elements.indices { dxBigRescaled.elements[i] *= scale }
        #expect(dxBig.elements.allSatisfy { $0.isFinite })
        #expect(largestGap(dxBigRescaled, dxUnit) <= 1e-12)
        #expect(largestGap(bigNorm.weight.gradient, unitNorm.weight.gradient) <= 1e-12)
        #expect(bigNorm.weight.gradient.elements.contains { $0 != 0 })
    }

    @Test("AdamW.Configuration: η·λ ≥ 1 throws, naming both; η·λ just below 1 is accepted")
    func adamWDecayFactor() throws {
        for (eta, lambda) in [(10.0, 0.1), (1.0, 2.0), (1e6, 1e-3)] {
            let message = thrownDescription { _ = try AdamW.Configuration(learningRate: eta, weightDecay: lambda) }
            #expect(message?.contains("η = \(eta)") == true && message?.contains("λ = \(lambda)") == true, "\(message ?? "no error")")
        }
        _ = try AdamW.Configuration(learningRate: 9.0, weightDecay: 0.1)
        _ = try AdamW.Configuration(learningRate: 1e6, weightDecay: 0)
    }

    @Test("S4DCore: kernels(length:) with L < 1 and channel(h) out of range throw")
    func s4dBadIntegers() throws {
        var rng = SplitMix64(seed: 1)
        let core = try S4DCore(width: 3, stateSize: 4, rng: &rng)
        for length in [-1, 0, Int.min] {
            #expect(throws: StateSpaceError.self) { _ = try core.kernels(length: length) }
        }
        #expect(throws: StateSpaceError.self) { _ = try core.kernels(length: Int.max) }
        for h in [-1, 3, 5, Int.max] {
            #expect(throws: StateSpaceError.self) { _ = try core.channel(h) }
        }
        #expect(try core.channel(2).logStep == core.logStep.value.elements[2])
    }

    @Test("ScanGradientMode.keptDoubles: negative or overflowing sizes throw; valid sizes unchanged")
    func keptDoublesBadSizes() throws {
        for mode in [ScanGradientMode.storedStates, .recomputed(checkpointEvery: 4)] {
            for (l, d, n) in [(-1, 2, 3), (5, -2, 3), (5, 2, -3), (Int.max, 2, 3), (Int.max / 2, Int.max / 2, 2), (1 << 40, 1 << 20, 1 << 10)] {
                #expect(throws: StateSpaceError.self) { _ = try mode.keptDoubles(length: l, channels: d, stateSize: n) }
            }
        }
        #expect(try ScanGradientMode.storedStates.keptDoubles(length: 10, channels: 2, stateSize: 3) == 11 * 6)
        #expect(try ScanGradientMode.recomputed(checkpointEvery: 4).keptDoubles(length: 10, channels: 2, stateSize: 3) == 4 * 6)
        #expect(try ScanGradientMode.recomputed(checkpointEvery: 4).keptDoubles(length: 0, channels: 2, stateSize: 3) == 6)
    }

    @Test("Tasks: vocabularies beyond 2²⁰ and out-of-range sequence indices throw")
    func taskBadIntegers() throws {
        for v in [Int.max, Int.max - 1, InductionHeadsTask.maximumVocabulary + 1] {
            #expect(throws: StateSpaceError.self) { _ = try InductionHeadsTask(vocabulary: v) }
            #expect(throws: StateSpaceError.self) { _ = try SelectiveCopyingTask(dataVocabulary: v) }
        }
        #expect(try InductionHeadsTask(vocabulary: 1 << 20).vocabularySize == (1 << 20) + 1)
        #expect(try SelectiveCopyingTask(dataVocabulary: 1 << 20).vocabularySize == (1 << 20) + 2)
        var rng = SplitMix64(seed: 3)
        let batch = try SelectiveCopyingTask.cpu.batch(2, rng: &rng)
        for s in [-1, 2, 5, Int.max, Int.min] {
            #expect(throws: StateSpaceError.self) { _ = try batch.dataPositions(ofSequence: s) }
        }
        #expect(try batch.dataPositions(ofSequence: 1).count == SelectiveCopyingTask.cpu.dataCount)
    }
}
