import Foundation
import Testing
@testable import StateSpace

/// Three one-entry parameters, one per group.
struct ThreeGroups: Trainable {
    var standard = Parameter("w", vector: [1], group: .standard)
    var noDecay = Parameter("b", vector: [1], group: .noDecay)
    var ssm = Parameter("log_dt", vector: [1], group: .ssm)

    mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&standard)
        try body(&noDecay)
        try body(&ssm)
    }

    mutating func setGradients(_ g: Double) {
        forEachParameter { $0.gradient.elements[0] = g }
    }

    var values: [Double] { [standard.value.elements[0], noDecay.value.elements[0], ssm.value.elements[0]] }
}

@Suite("Learning: AdamW, gradient clipping, learning-rate schedule")
struct LearningOptimizerTests {
    /// η = 0.1, η_ssm = 0.01, λ = 0.1, β = (0.9, 0.95), ε = 1e-8; θ₀ = 1; g₁ = 2, g₂ = −1.
    ///
    /// Step 1: m = 0.2, v = 0.2, m̂ = 0.2/0.1 = 2, v̂ = 0.2/0.05 = 4, so the Adam step is
    /// η·2/(2 + ε) = η(1 − 5e-9). Standard: θ = 1·(1 − 0.01) − 0.1 + 5e-10 = 0.8900000005;
    /// no decay: 1 − 0.1 + 5e-10 = 0.9000000005; ssm: 1 − 0.01 + 5e-11 = 0.99000000005.
    /// Step 2: m = 0.9·0.2 − 0.1 = 0.08, v = 0.95·0.2 + 0.05 = 0.24, m̂ = 0.08/0.19,
    /// v̂ = 0.24/0.0975, step = η·0.421052631…/1.568929081… = η·0.268370…: standard
    /// 0.89·0.99 − 0.0268370… = 0.854263055857…; no decay 0.873163055862…; ssm 0.987316305586….
    /// Tolerance 1e-15: a handful of roundings of numbers below 1.
    @Test("AdamW: two steps by hand, for each group")
    func twoStepsByHand() throws {
        var model = ThreeGroups()
        var optimizer = AdamW(try .init(learningRate: 0.1, ssmLearningRate: 0.01, weightDecay: 0.1))
        model.setGradients(2)
        try optimizer.step(&model)
        let first: [Double] = [0.8900000005, 0.9000000005, 0.99000000005]
        #expect(zip(model.values, first).allSatisfy { abs($0 - $1) < 1e-15 }, "\(model.values)")
        model.setGradients(-1)
        try optimizer.step(&model)
        let second: [Double] = [0.8542630558576695, 0.8731630558626695, 0.9873163055862669]
        #expect(zip(model.values, second).allSatisfy { abs($0 - $1) < 1e-15 }, "\(model.values)")
        #expect(optimizer.stepCount == 2)
    }

    @Test("AdamW: the schedule's factor scales every group; factor 0 only decays nothing and moves nothing")
    func learningRateFactor() throws {
        var a = ThreeGroups(), b = ThreeGroups()
        var optA = AdamW(try .init(learningRate: 0.1, ssmLearningRate: 0.01)), optB = AdamW(try .init(learningRate: 0.05, ssmLearningRate: 0.005))
        a.setGradients(0.3); b.setGradients(0.3)
        try optA.step(&a, learningRateFactor: 0.5)
        try optB.step(&b)
        #expect(a.values == b.values)
        var c = ThreeGroups()
        var optC = AdamW(try .init(learningRate: 0.1))
        c.setGradients(1)
        try optC.step(&c, learningRateFactor: 0)
        #expect(c.values == [1, 1, 1])
    }

    @Test("AdamW: deterministic, and refuses NaN gradients naming the parameter without changing anything")
    func determinismAndRefusal() throws {
        var rng = SplitMix64(seed: 9)
        let c = LearningLayerCase(batch: 2, length: 4, width: 3, other: 3, data: 2)
        let mixers = try (0..<2).map { _ in try testMixer(c, convolution: true, gated: true, rng: &rng) }
        let start = try LanguageModel(vocabulary: 6, width: 4, mixers: mixers, rng: &rng)
        let tokens = (0..<8).map { $0 % 6 }
        func train() throws -> [Double] {
            var model = start
            var optimizer = AdamW(try .init(learningRate: 1e-2))
            for _ in 0..<3 {
                model.zeroGradients()
                try model.accumulateGradients(tokens: tokens, targets: tokens.map { ($0 + 1) % 6 }, length: 4)
                try optimizer.step(&model)
            }
            return model.parameters.flatMap(\.value.elements)
        }
        let first = try train(), second = try train()
        #expect(first == second)
        #expect(first != start.parameters.flatMap(\.value.elements))
        var model = start
        model.forEachParameter { p in if p.name == "layers.1.mixer.ema.D" { p.gradient.elements[1] = .nan } }
        var optimizer = AdamW(try .init(learningRate: 1e-2))
        let message = thrownDescription { try optimizer.step(&model) }
        #expect(message?.contains("gradient of layers.1.mixer.ema.D[1] = nan") == true, "\(message ?? "no error")")
        #expect(model.parameters.flatMap(\.value.elements) == start.parameters.flatMap(\.value.elements))
        #expect(optimizer.stepCount == 0)
    }

    @Test("gradient clipping: global norm returned, clipped to maxNorm, small gradients untouched")
    func clipping() throws {
        var model = ThreeGroups()
        model.standard.gradient.elements[0] = 3
        model.noDecay.gradient.elements[0] = 4
        let norm = try clipGradientNorm(&model, maxNorm: 1)
        #expect(norm == 5)
        #expect(abs(model.standard.gradient.elements[0] - 0.6) < 1e-15 && abs(model.noDecay.gradient.elements[0] - 0.8) < 1e-15)
        #expect(abs(try clipGradientNorm(&model, maxNorm: 1) - 1) < 1e-15)
        let before = model.parameters.map(\.gradient)
        #expect(abs(try clipGradientNorm(&model, maxNorm: 2) - 1) < 1e-15)
        #expect(model.parameters.map(\.gradient) == before)
        #expect(throws: StateSpaceError.self) { try clipGradientNorm(&model, maxNorm: 0) }
        #expect(throws: StateSpaceError.self) { try clipGradientNorm(&model, maxNorm: .nan) }
        model.ssm.gradient.elements[0] = .infinity
        let message = thrownDescription { _ = try clipGradientNorm(&model, maxNorm: 1) }
        #expect(message?.contains("log_dt") == true)
    }

    @Test("schedule: linear warm-up from 1/W to 1, cosine to the floor at T, the floor after")
    func schedule() throws {
        let s = try LearningRateSchedule(warmupSteps: 10, totalSteps: 110, floor: 0.1)
        #expect(s.factor(at: 0) == 0.1 && s.factor(at: 4) == 0.5 && s.factor(at: 9) == 1 && s.factor(at: 10) == 1)
        #expect(abs(s.factor(at: 60) - 0.55) < 1e-15)
        #expect(s.factor(at: 110) == 0.1 && s.factor(at: 10_000) == 0.1)
        let decay = (10...110).map(s.factor(at:))
        #expect(zip(decay, decay.dropFirst()).allSatisfy { $0 >= $1 })
        let noWarmup = try LearningRateSchedule(warmupSteps: 0, totalSteps: 1, floor: 0)
        #expect(noWarmup.factor(at: 0) == 1 && noWarmup.factor(at: 1) == 0)
        #expect(throws: StateSpaceError.self) { try LearningRateSchedule(warmupSteps: -1, totalSteps: 10) }
        #expect(throws: StateSpaceError.self) { try LearningRateSchedule(warmupSteps: 11, totalSteps: 10) }
        #expect(throws: StateSpaceError.self) { try LearningRateSchedule(warmupSteps: 1, totalSteps: 0) }
        #expect(throws: StateSpaceError.self) { try LearningRateSchedule(warmupSteps: 1, totalSteps: 10, floor: 1.5) }
    }

    @Test("AdamW configuration: bad learning rates, βs, ε, decay, factor, changed model")
    func badConfiguration() throws {
        for lr in [0, -1, Double.nan, .infinity] {
            #expect(throws: StateSpaceError.self) { try AdamW.Configuration(learningRate: lr) }
            #expect(throws: StateSpaceError.self) { try AdamW.Configuration(learningRate: 1e-3, ssmLearningRate: lr) }
        }
        #expect(throws: StateSpaceError.self) { try AdamW.Configuration(learningRate: 1e-3, beta1: 1) }
        #expect(throws: StateSpaceError.self) { try AdamW.Configuration(learningRate: 1e-3, beta2: -0.1) }
        #expect(throws: StateSpaceError.self) { try AdamW.Configuration(learningRate: 1e-3, epsilon: 0) }
        #expect(throws: StateSpaceError.self) { try AdamW.Configuration(learningRate: 1e-3, weightDecay: -1) }
        let message = thrownDescription { _ = try AdamW.Configuration(learningRate: -2) }
        #expect(message?.contains("learning rate") == true && message?.contains("-2") == true)
        var model = ThreeGroups()
        var optimizer = AdamW(try .init(learningRate: 1e-3))
        #expect(throws: StateSpaceError.self) { try optimizer.step(&model, learningRateFactor: -1) }
        try optimizer.step(&model)
        var other = ThreeGroups(standard: Parameter("w", Matrix(zeros: 2, 1)))
        #expect(throws: StateSpaceError.self) { try optimizer.step(&other) }
    }
}
