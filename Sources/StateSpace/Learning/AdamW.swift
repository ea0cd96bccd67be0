import Foundation

/// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
/// Regularization", ICLR 2019), with the parameter groups the state space papers train with.
///
/// **Update** (step t = 1, 2, …, for every entry θ with gradient g, group learning rate η_g and
/// decay λ_g, in the order PyTorch's `torch.optim.AdamW` applies it):
///
///     θ ← θ·(1 − η_g·λ_g)                              decoupled decay (not added to g)
///     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
///     θ ← θ − η_g · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// **Groups** (`ParameterGroup`): `.standard` η and λ; `.noDecay` η, λ = 0; `.ssm` the smaller
/// `ssmLearningRate`, λ = 0. η_g is multiplied by the schedule's factor of the step.
///
/// **What the sources say about the recipe** (attributed to the paper or to the code):
/// - Mamba (Gu & Dao 2023), §4.2: language models "follow the training recipe described in
///   Brown et al. (2020)" (GPT-3), details in Appendix E.2; the "Transformer++" baseline adds
///   RMSNorm, no linear bias and higher learning rates. The defaults here (β₂ = 0.95, λ = 0.1,
///   clipping at 1, warm-up then cosine decay) are those of GPT-3-style recipes; the numbers of
///   Appendix E.2 itself were not re-read when this was written — check them there before
///   quoting them as the paper's.
/// - Mamba's reference *code* (`mamba_simple.py`) marks `A_log` and `D` `_no_weight_decay`
///   (and protects the Δ bias `dt_proj.bias` from re-initialisation with `_no_reinit`); Mamba-2's
///   code marks its `dt_bias` `_no_weight_decay` too. Hence `.noDecay` for A_log, D and the Δ bias
///   (and, by the usual convention of that code base's optimiser hooks, biases and norm gains).
/// - S4/S4D's reference *code* registers the SSM tensors (`log_dt`, `log_A_real`, `A_imag`, and
///   B where it is trained) through `OptimModule.register(name, tensor, lr)`, which sets weight
///   decay 0 and an optional separate learning rate; its `example.py` explains that these
///   parameters "typically require a smaller learning rate (typically 0.001), with no weight
///   decay" while the rest of the model trains at a higher one. Hence `.ssm`.
///
/// Deterministic: the update is a fixed sequence of floating-point operations over the
/// parameters in `Trainable`'s fixed order; no randomness.
/// - Complexity: O(number of trainable scalars) per step; memory 2× the parameters (m, v).
public struct AdamW: Sendable {
    /// The hyperparameters, validated on construction.
    public struct Configuration: Sendable, Equatable {
        public let learningRate: Double                               // η for .standard / .noDecay
        public let ssmLearningRate: Double                            // η for .ssm
        public let beta1: Double
        public let beta2: Double
        public let epsilon: Double
        public let weightDecay: Double                                // λ for .standard

        /// - Throws: `invalidParameter` for a learning rate ≤ 0 or not finite, β₁ or β₂ outside
        ///   [0, 1), ε ≤ 0 or not finite, weight decay < 0 or not finite, or η·λ ≥ 1 (the
        ///   .standard group's decay factor 1 − η·λ must lie in (0, 1]).
        public init(learningRate: Double, ssmLearningRate: Double? = nil, beta1: Double = 0.9, beta2: Double = 0.95,
                    epsilon: Double = 1e-8, weightDecay: Double = 0.1) throws {
            try requirePositive(learningRate, "AdamW learning rate η")
            let ssm = ssmLearningRate ?? learningRate
            try requirePositive(ssm, "AdamW ssmLearningRate")
            for (value, name) in [(beta1, "AdamW β₁"), (beta2, "AdamW β₂")] where !(value.isFinite && value >= 0 && value < 1) {
                throw StateSpaceError.invalidParameter(name: name, value: "\(value)", allowed: "must lie in [0, 1)")
            }
            try requirePositive(epsilon, "AdamW ε")
            guard weightDecay.isFinite, weightDecay >= 0 else {
                throw StateSpaceError.invalidParameter(name: "AdamW weight decay λ", value: "\(weightDecay)", allowed: "must be finite and ≥ 0")
            }
            guard learningRate * weightDecay < 1 else {
                throw StateSpaceError.invalidParameter(name: "AdamW learning rate η × weight decay λ (.standard group)",
                                                       value: "η = \(learningRate), λ = \(weightDecay), η·λ = \(learningRate * weightDecay)",
                                                       allowed: "η·λ must be < 1: the decoupled decay factor 1 − η·λ must lie in (0, 1]")
            }
            (self.learningRate, self.ssmLearningRate, self.beta1, self.beta2) = (learningRate, ssm, beta1, beta2)
            (self.epsilon, self.weightDecay) = (epsilon, weightDecay)
        }

        /// (η_g, λ_g) of a group.
        public func rates(_ group: ParameterGroup) -> (learningRate: Double, weightDecay: Double) {
            switch group {
            case .standard: return (learningRate, weightDecay)
            case .noDecay: return (learningRate, 0)
            case .ssm: return (ssmLearningRate, 0)
            }
        }
    }

    /// One parameter's moments, with its name and shape to check the model has not changed.
    struct Moments: Sendable {
        let name: String
        let rows: Int, cols: Int
        var first: [Double]                                           // m, (rows·cols)
        var second: [Double]                                          // v, (rows·cols)
    }

    public let configuration: Configuration
    /// Steps taken so far (t of the last update).
    public private(set) var stepCount = 0
    var moments: [Moments] = []

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// One update of every parameter of `model` from its accumulated gradients, with the group
    /// learning rates multiplied by `learningRateFactor` (a `LearningRateSchedule`'s factor).
    /// Gradients are not cleared (call `zeroGradients()`).
    /// - Throws: `nonFinite` naming the parameter for a NaN/∞ gradient (the step is refused:
    ///   nothing changes); `invalidParameter` for a factor < 0 or not finite; `shapeMismatch` when
    ///   the model's parameters (names, shapes) differ from those of the first step.
    public mutating func step<M: Trainable>(_ model: inout M, learningRateFactor: Double = 1) throws {
        guard learningRateFactor.isFinite, learningRateFactor >= 0 else {
            throw StateSpaceError.invalidParameter(name: "AdamW learning-rate factor", value: "\(learningRateFactor)", allowed: "must be finite and ≥ 0")
        }
        let parameters = model.parameters
        for p in parameters { try p.requireUsableGradient() }
        try matchMoments(parameters)
        stepCount += 1
        let c = configuration
        let correction1 = 1 - pow(c.beta1, Double(stepCount)), correction2 = 1 - pow(c.beta2, Double(stepCount))
        var index = 0
        model.forEachParameter { p in
            let (eta0, lambda) = c.rates(p.group)
            let eta = eta0 * learningRateFactor
            moments[index].update(&p, eta: eta, lambda: lambda, c, correction1, correction2)
            index += 1
        }
    }

    /// Creates the moments on the first step; later, checks the parameters still match them.
    mutating func matchMoments(_ parameters: [Parameter]) throws {
        if moments.isEmpty && stepCount == 0 {
            moments = parameters.map { p in
                let zeros = [Double](repeating: 0, count: p.value.elements.count)
                return Moments(name: p.name, rows: p.value.rows, cols: p.value.cols, first: zeros, second: zeros)
            }
            return
        }
        try requireCount(parameters.count, moments.count, "AdamW parameters (the model changed since the first step)")
        for (p, m) in zip(parameters, moments) where p.name != m.name || p.value.rows != m.rows || p.value.cols != m.cols {
            throw StateSpaceError.shapeMismatch(name: "AdamW parameter \(m.name)", expected: "\(m.name) \(m.rows)×\(m.cols) (as at the first step)",
                                                actual: "\(p.name) \(p.value.rows)×\(p.value.cols)")
        }
    }
}

extension AdamW.Moments {
    /// The AdamW update of one parameter (see `AdamW`).
    mutating func update(_ p: inout Parameter, eta: Double, lambda: Double, _ c: AdamW.Configuration,
                         _ correction1: Double, _ correction2: Double) {
        let decay = 1 - eta * lambda
        let (b1, b2, eps) = (c.beta1, c.beta2, c.epsilon)
        let sqrtCorrection2 = correction2.squareRoot()
        for i in p.value.elements.indices {
            let g = p.gradient.elements[i]
            first[i] = b1 * first[i] + (1 - b1) * g
            second[i] = b2 * second[i] + (1 - b2) * g * g
            let denominator = second[i].squareRoot() / sqrtCorrection2 + eps
            p.value.elements[i] = p.value.elements[i] * decay - eta * (first[i] / correction1) / denominator
        }
    }
}

/// Rescales every gradient of `model` so that their global L2 norm (over all parameters
/// together) is at most `maxNorm`, and returns the norm *before* clipping (what training logs).
///
///     ‖g‖ = √(Σ_parameters Σ_entries g²);   if ‖g‖ > maxNorm:  g ← g · maxNorm/‖g‖
///
/// (PyTorch's `clip_grad_norm_` divides by ‖g‖ + 1e-6; here exactly by ‖g‖, so the clipped norm
/// is maxNorm up to rounding.) Gradients below the bound are untouched.
/// - Throws: `invalidParameter` for maxNorm ≤ 0 or not finite; `nonFinite` naming the parameter
///   for a NaN/∞ gradient (nothing is changed).
/// - Complexity: O(number of trainable scalars).
@discardableResult
public func clipGradientNorm(_ model: inout some Trainable, maxNorm: Double) throws -> Double {
    try requirePositive(maxNorm, "gradient clipping maxNorm")
    var sum = 0.0
    try model.forEachParameter { p in                                 // reads only: nothing changes before the check
        try p.requireUsableGradient()
        for g in p.gradient.elements { sum += g * g }
    }
    let norm = sum.squareRoot()
    guard norm.isFinite else {
        throw StateSpaceError.invalidParameter(name: "gradient norm", value: "\(norm)", allowed: "the squared norm overflowed Double: the gradients are too large")
    }
    if norm > maxNorm {
        let scale = maxNorm / norm
        model.forEachParameter { p in
            for i in p.gradient.elements.indices { p.gradient.elements[i] *= scale }
        }
    }
    return norm
}

/// Linear warm-up, then cosine decay to a floor: the factor multiplying the learning rates at
/// optimiser step `step` (0-based: the step about to be taken).
///
///     step < W:        (step + 1) / W
///     W ≤ step < T:    f + (1 − f)·½·(1 + cos(π·(step − W)/(T − W)))
///     step ≥ T:        f
///
/// with W warm-up steps, T total steps and floor f (a fraction of the peak). Warm-up starts at
/// 1/W, not 0, so the first step moves the parameters; the cosine starts at 1 at step W.
public struct LearningRateSchedule: Sendable, Equatable {
    public let warmupSteps: Int
    public let totalSteps: Int
    public let floor: Double

    /// - Throws: `invalidParameter` for W < 0, T < 1, W > T, or f outside [0, 1].
    public init(warmupSteps: Int, totalSteps: Int, floor: Double = 0.1) throws {
        try requireNonNegative(warmupSteps, "schedule warm-up steps W")
        try requirePositive(totalSteps, "schedule total steps T")
        try requireInRange(warmupSteps, 0...totalSteps, "schedule warm-up steps W (≤ total steps T = \(totalSteps))")
        try requireInRange(floor, 0...1, "schedule floor f (a fraction of the peak learning rate)")
        (self.warmupSteps, self.totalSteps, self.floor) = (warmupSteps, totalSteps, floor)
    }

    /// The factor at `step` (see the type's formula); steps < 0 count as 0.
    /// - Complexity: O(1).
    public func factor(at step: Int) -> Double {
        let s = max(0, step)
        if s < warmupSteps { return Double(s + 1) / Double(warmupSteps) }
        guard s < totalSteps else { return floor }
        let progress = Double(s - warmupSteps) / Double(totalSteps - warmupSteps)
        return floor + (1 - floor) * 0.5 * (1 + cos(Double.pi * progress))
    }
}
