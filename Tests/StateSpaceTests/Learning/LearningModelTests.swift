import Foundation
import PropertyBased
import Testing
@testable import StateSpace

// The Mamba block around a test core, and the language model stack: finite differences for
// every parameter and the input, step == forward, parameter names, bad input.

/// A Mamba block of width `c.width + 1` around an EMA core of width `c.other + 1`, with the
/// options. Widths ≥ 2: finite differences are compared norm-wise per parameter array, and a
/// one-entry array (the EMA decay of a width-1 core) whose gradient happens to be ~1e-4 puts the
/// differences' own error (≈ 1e-10: truncation h²·|ℓ‴|/6 and rounding ε|ℓ|/h at h = 1e-5) at
/// 1e-6 of it — measured 3.3e-7 on one such case; with two entries the scale is the larger.
func testMixer(_ c: LearningLayerCase, convolution: Bool, gated: Bool, rng: inout SplitMix64) throws -> MambaMixer<EMATestCore> {
    try MambaMixer(modelWidth: c.width + 1, core: EMATestCore(width: c.other + 1, rng: &rng), convolution: convolution,
                   kernelSize: 1 + Int(c.data % 4), gated: gated, rng: &rng)
}

@Suite("Learning: Mamba block and language model")
struct LearningModelTests {
    @Test("Mamba block: backward = finite differences, with and without conv1d and gate",
          arguments: [(true, true), (true, false), (false, true), (false, false)])
    func mixerGradient(convolution: Bool, gated: Bool) async {
        await checkProperty("Mamba block", count: 20, seed: 0xB10C, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            var mixer = try testMixer(c, convolution: convolution, gated: gated, rng: &rng)
            let u = gaussianTestMatrix(c.batch * c.length, mixer.width, &rng), w = gaussianTestMatrix(u.rows, mixer.width, &rng)
            let (_, tape) = try mixer.forward(u, length: c.length)
            let du = try mixer.backward(tape, outputGradient: w)
            let dp = try compareParameterGradients(mixer, rng: &rng) { try weightedSum($0.forward(u, length: c.length).output, w) }
            let di = try compareInputGradient(u, analytic: du, rng: &rng) { try weightedSum(mixer.forward($0, length: c.length).output, w) }
            return [gradientCheck("Mamba block parameters", dp), gradientCheck("Mamba block input", di)]
        }
    }

    @Test("Mamba block: step over t = forward's rows")
    func mixerStep() async {
        await checkProperty("Mamba block step", count: 30, seed: 0xB10D, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            let mixer = try testMixer(c, convolution: c.data % 5 != 0, gated: c.data % 3 != 0, rng: &rng)
            let u = gaussianTestMatrix(c.batch * c.length, mixer.width, &rng)
            let y = try mixer.forward(u, length: c.length).output
            var state = mixer.initialState(batch: c.batch), worst = 0.0
            for t in 0..<c.length {
                let stepped = try mixer.step(rowsAtTime(u, time: t, length: c.length), state: &state)
                worst = max(worst, largestGap(stepped, rowsAtTime(y, time: t, length: c.length)))
            }
            return [Comparison(name: "step − forward", error: worst, tolerance: 1e-12)]
        }
    }

    /// Model width ≥ 3 and core width ≥ 2. Cross-entropy's gradients are small (≈ 1e-3 per
    /// entry), so the differences' truncation error h²·|ℓ‴|/6 ≈ 1e-10 weighs more here than in
    /// the block tests: at model width 2 (rows of the RMSNorms on a circle, the most curved case)
    /// one case of 72 reached 4.8e-7; at width ≥ 3 the worst of 72 cases (six PROPERTY_SEEDs) was
    /// 1.8e-7.
    @Test("language model: backward = finite differences through cross-entropy")
    func modelGradient() async {
        await checkProperty("language model", count: 12, seed: 0x1A6, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            let wide = LearningLayerCase(batch: c.batch, length: c.length, width: c.width + 1, other: c.other, data: c.data)
            let mixers = try (0..<2).map { _ in try testMixer(wide, convolution: true, gated: c.data % 2 == 0, rng: &rng) }
            var model = try LanguageModel(vocabulary: c.other + 2, width: c.width + 2, mixers: mixers, rng: &rng)
            let tokens = (0..<(c.batch * c.length)).map { _ in Int(rng.next() % UInt64(model.vocabulary)) }
            let targets = tokens.map { ($0 + 1) % model.vocabulary }
            let weights = tokens.indices.map { Double(($0 % 3) + ($0 == 0 ? 1 : 0)) }             // some rows 0
            try model.accumulateGradients(tokens: tokens, targets: targets, weights: weights, length: c.length)
            let d = try compareParameterGradients(model, rng: &rng) { m in
                try CrossEntropy(logits: m.forward(tokens, length: c.length).logits, targets: targets, weights: weights).loss
            }
            return [gradientCheck("language model", d)]
        }
    }

    @Test("language model: step over t = forward's rows (logits)")
    func modelStep() async {
        await checkProperty("language model step", count: 20, seed: 0x1A7, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            let mixers = try (0..<2).map { _ in try testMixer(c, convolution: true, gated: true, rng: &rng) }
            let model = try LanguageModel(vocabulary: c.other + 2, width: c.width + 1, mixers: mixers, rng: &rng)
            let tokens = (0..<(c.batch * c.length)).map { _ in Int(rng.next() % UInt64(model.vocabulary)) }
            let logits = try model.forward(tokens, length: c.length).logits
            var state = model.initialState(batch: c.batch), worst = 0.0
            for t in 0..<c.length {
                let column = (0..<c.batch).map { tokens[$0 * c.length + t] }
                worst = max(worst, largestGap(try model.step(column, state: &state), rowsAtTime(logits, time: t, length: c.length)))
            }
            return [Comparison(name: "step − forward logits", error: worst, tolerance: 1e-12)]
        }
    }

    @Test("language model: parameter names, order, groups and count")
    func names() throws {
        var rng = SplitMix64(seed: 3)
        let c = LearningLayerCase(batch: 2, length: 3, width: 3, other: 2, data: 1)
        let mixers = try (0..<2).map { _ in try testMixer(c, convolution: true, gated: true, rng: &rng) }
        var model = try LanguageModel(vocabulary: 5, width: 4, mixers: mixers, rng: &rng)
        let names = model.parameters.map(\.name)
        #expect(names == ["embedding.weight",
                          "layers.0.norm.weight", "layers.0.mixer.in_proj.weight", "layers.0.mixer.conv1d.weight",
                          "layers.0.mixer.conv1d.bias", "layers.0.mixer.ema.logit", "layers.0.mixer.ema.D", "layers.0.mixer.out_proj.weight",
                          "layers.1.norm.weight", "layers.1.mixer.in_proj.weight", "layers.1.mixer.conv1d.weight",
                          "layers.1.mixer.conv1d.bias", "layers.1.mixer.ema.logit", "layers.1.mixer.ema.D", "layers.1.mixer.out_proj.weight",
                          "norm_f.weight", "lm_head.weight"])
        #expect(model.parameters.map(\.group) == [.standard, .noDecay, .standard, .standard, .noDecay, .ssm, .noDecay, .standard,
                                                  .noDecay, .standard, .standard, .noDecay, .ssm, .noDecay, .standard, .noDecay, .standard])
        // embedding 5·4, per layer norm 4 + in_proj 4·6 + conv1d 3·2 + 3 + EMA 3 + 3 + out_proj 3·4, norm_f 4, head 4·5
        #expect(model.parameterCount == 20 + 2 * 55 + 4 + 20)
        // Visiting with the prefix writes changes back under the mixer's own names.
        model.forEachParameter { p in if p.name == "layers.1.mixer.ema.D" { p.value.elements[0] = 42 } }
        #expect(model.mixers[1].core.skip.value.elements[0] == 42 && model.mixers[1].core.skip.name == "ema.D")
    }

    @Test("bad input: token ranges, lengths, mixer widths, gradient shapes, NaN")
    func badInput() throws {
        var rng = SplitMix64(seed: 4)
        let c = LearningLayerCase(batch: 2, length: 3, width: 3, other: 2, data: 1)
        var mixer = try testMixer(c, convolution: true, gated: true, rng: &rng)
        #expect(throws: StateSpaceError.self) { try LanguageModel(vocabulary: 5, width: 5, mixers: [mixer], rng: &rng) }
        #expect(throws: StateSpaceError.self) { try LanguageModel<MambaMixer<EMATestCore>>(vocabulary: 5, width: 4, mixers: [], rng: &rng) }
        var model = try LanguageModel(vocabulary: 5, width: 4, mixers: [mixer], rng: &rng)
        #expect(throws: StateSpaceError.self) { try model.forward([0, 1, 5, 2], length: 2) }
        #expect(throws: StateSpaceError.self) { try model.forward([0, 1, 2], length: 2) }
        #expect(throws: StateSpaceError.self) { try model.forward([0, 1], length: 0) }
        let (logits, tape) = try model.forward([0, 1, 2, 3], length: 2)
        #expect(throws: StateSpaceError.self) { try model.backward(tape, logitsGradient: Matrix(zeros: 4, 4)) }
        var poisoned = Matrix(zeros: logits.rows, logits.cols)
        poisoned[3, 1] = .nan
        let message = thrownDescription { try model.backward(tape, logitsGradient: poisoned) }
        #expect(message?.contains("∂ℓ/∂logits") == true && message?.contains("nan") == true, "\(message ?? "no error")")
        let (_, mixerTape) = try mixer.forward(Matrix(zeros: 4, 4), length: 2)
        #expect(throws: StateSpaceError.self) { try mixer.backward(mixerTape, outputGradient: Matrix(zeros: 4, 3)) }
        var state = model.initialState(batch: 2)
        #expect(throws: StateSpaceError.self) { try model.step([0, 1, 2], state: &state) }
        #expect(throws: StateSpaceError.self) { try model.step([0, 7], state: &state) }
    }
}
