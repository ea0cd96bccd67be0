import Foundation
import Testing
@testable import StateSpace

/// Tapes and states handed to a layer other than the one that made them (another H, N, d, K,
/// number of layers, or batch): each call throws `StateSpaceError` instead of trapping or
/// returning silently wrong numbers.
@Suite("Learning: foreign tapes and states are bad input")
struct LearningForeignTapeTests {
    @Test func attentionBackwardWithTapeOfOtherHeadsThrows() throws {
        var rng = SplitMix64(seed: 1)
        let one = try CausalAttention(width: 4, heads: 1, rng: &rng)
        var two = try CausalAttention(width: 4, heads: 2, rng: &rng)
        let x = gaussianTestMatrix(2 * 3, 4, &rng)
        let (y, tape) = try one.forward(x, length: 3)
        #expect(throws: StateSpaceError.self) { _ = try two.backward(tape, outputGradient: y) }
        var same = one                                                // its own tape still works
        _ = try same.backward(tape, outputGradient: y)
    }

    @Test func attentionBackwardWithTapeOfOtherWidthThrows() throws {
        var rng = SplitMix64(seed: 2)
        let narrow = try CausalAttention(width: 4, heads: 2, rng: &rng)
        var wide = try CausalAttention(width: 8, heads: 2, rng: &rng)
        let (_, tape) = try narrow.forward(gaussianTestMatrix(3, 4, &rng), length: 3)
        #expect(throws: StateSpaceError.self) { _ = try wide.backward(tape, outputGradient: gaussianTestMatrix(3, 8, &rng)) }
    }

    @Test func languageModelBackwardWithTapeOfOtherLayerCountThrows() throws {
        let one = try smallModel(layers: 1, seed: 3)
        var two = try smallModel(layers: 2, seed: 3)
        let tokens = [0, 1, 2, 3]
        let (logits, tape) = try one.forward(tokens, length: 4)
        #expect(throws: StateSpaceError.self) { try two.backward(tape, logitsGradient: logits) }
        let (logits2, tape2) = try two.forward(tokens, length: 4)
        var one2 = one
        #expect(throws: StateSpaceError.self) { try one2.backward(tape2, logitsGradient: logits2) }
    }

    @Test func s6BackwardWithTapeOfOtherStateSizeThrows() throws {
        var rng = SplitMix64(seed: 4)
        let small = try S6Core(width: 3, stateSize: 2, dtRank: 1, rng: &rng)
        var large = try S6Core(width: 3, stateSize: 5, dtRank: 1, rng: &rng)
        var otherRank = try S6Core(width: 3, stateSize: 2, dtRank: 2, rng: &rng)
        let (y, tape) = try small.forward(gaussianTestMatrix(2 * 4, 3, &rng), length: 4)
        #expect(throws: StateSpaceError.self) { _ = try large.backward(tape, outputGradient: y) }
        #expect(throws: StateSpaceError.self) { _ = try otherRank.backward(tape, outputGradient: y) }
        var same = small
        _ = try same.backward(tape, outputGradient: y)
    }

    @Test func s6StepWithStateOfOtherModelThrows() throws {
        var rng = SplitMix64(seed: 5)
        let small = try S6Core(width: 3, stateSize: 2, dtRank: 1, rng: &rng)
        let large = try S6Core(width: 3, stateSize: 5, dtRank: 1, rng: &rng)
        let x = gaussianTestMatrix(2, 3, &rng)
        var foreign = small.initialState(batch: 2)
        #expect(throws: StateSpaceError.self) { _ = try large.step(x, state: &foreign) }
        var wrongBatch = large.initialState(batch: 1)
        #expect(throws: StateSpaceError.self) { _ = try large.step(x, state: &wrongBatch) }
        var own = large.initialState(batch: 2)
        _ = try large.step(x, state: &own)
    }

    @Test func s4dStepWithStateOfOtherModelThrows() throws {
        var rng = SplitMix64(seed: 6)
        let small = try S4DCore(width: 3, stateSize: 2, rng: &rng)
        let large = try S4DCore(width: 3, stateSize: 6, rng: &rng)
        let x = gaussianTestMatrix(2, 3, &rng)
        var foreign = small.initialState(batch: 2)
        #expect(throws: StateSpaceError.self) { _ = try large.step(x, state: &foreign) }
        var wrongBatch = large.initialState(batch: 3)
        #expect(throws: StateSpaceError.self) { _ = try large.step(x, state: &wrongBatch) }
        var own = large.initialState(batch: 2)
        _ = try large.step(x, state: &own)
    }

    @Test func convStepWithStateOfOtherWidthOrKernelThrows() throws {
        var rng = SplitMix64(seed: 7)
        let conv = try CausalConv1d(width: 3, kernelSize: 4, rng: &rng)
        let otherKernel = try CausalConv1d(width: 3, kernelSize: 3, rng: &rng)
        let otherWidth = try CausalConv1d(width: 2, kernelSize: 4, rng: &rng)
        let x = gaussianTestMatrix(2, 3, &rng)
        var k3 = otherKernel.initialState(batch: 3)                   // 6 rows: as many as K = 4, B = 2
        #expect(throws: StateSpaceError.self) { _ = try conv.step(x, state: &k3) }
        var w2 = otherWidth.initialState(batch: 2)
        #expect(throws: StateSpaceError.self) { _ = try conv.step(x, state: &w2) }
        var wrongBatch = conv.initialState(batch: 1)
        #expect(throws: StateSpaceError.self) { _ = try conv.step(x, state: &wrongBatch) }
        var own = conv.initialState(batch: 2)
        _ = try conv.step(x, state: &own)
    }

    @Test func convInitialStateWithNegativeBatchDoesNotTrap() throws {
        var rng = SplitMix64(seed: 8)
        let conv = try CausalConv1d(width: 3, kernelSize: 4, rng: &rng)
        var state = conv.initialState(batch: -1)
        #expect(state.window.rows == 0)
        #expect(throws: StateSpaceError.self) { _ = try conv.step(gaussianTestMatrix(1, 3, &rng), state: &state) }
    }

    @Test func mambaMixerWithForeignTapeOrStateThrows() throws {
        var rng = SplitMix64(seed: 9)
        let small = try MambaMixer(modelWidth: 2, core: S6Core(width: 4, stateSize: 2, dtRank: 1, rng: &rng), rng: &rng)
        var large = try MambaMixer(modelWidth: 2, core: S6Core(width: 4, stateSize: 3, dtRank: 1, rng: &rng), rng: &rng)
        var ungated = try MambaMixer(modelWidth: 2, core: S6Core(width: 4, stateSize: 2, dtRank: 1, rng: &rng), gated: false, rng: &rng)
        let noConv = try MambaMixer(modelWidth: 2, core: S6Core(width: 4, stateSize: 2, dtRank: 1, rng: &rng), convolution: false, rng: &rng)
        let (y, tape) = try small.forward(gaussianTestMatrix(2 * 3, 2, &rng), length: 3)
        #expect(throws: StateSpaceError.self) { _ = try large.backward(tape, outputGradient: y) }
        #expect(throws: StateSpaceError.self) { _ = try ungated.backward(tape, outputGradient: y) }
        let u = gaussianTestMatrix(2, 2, &rng)
        var foreign = small.initialState(batch: 2)
        #expect(throws: StateSpaceError.self) { _ = try large.step(u, state: &foreign) }
        var withoutWindow = noConv.initialState(batch: 2)
        #expect(throws: StateSpaceError.self) { _ = try small.step(u, state: &withoutWindow) }
        var own = small.initialState(batch: 2)
        _ = try small.step(u, state: &own)
    }
}
