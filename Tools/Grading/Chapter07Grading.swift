import Course
import Foundation
import StateSpace

/// The graders of chapter 07's exercises (`Exercises/Chapter07/`).
public enum Chapter07Grading {
    public static let title = "Learning: gradients through a scan"

    public static func exercises<S: Chapter07Exercises>(_: S.Type) -> [Exercise] {
        [
            Exercise(id: "07.1", title: "the backward pass of a scalar recurrence") { recurrenceBackward(S.recurrenceBackward, seed: $0) },
            Exercise(id: "07.2", title: "RMSNorm's backward pass") { rmsNormBackward(S.rmsNormBackward, seed: $0) },
            Exercise(id: "07.3", title: "one AdamW update") { adamWStep(S.adamWStep, seed: $0) },
        ]
    }

    public enum Hints {
        public static let unshifted = Hint(
            "07.1/unshifted", "the adjoint uses the wrong decay: λ_t = a_{t+1}·λ_{t+1} + c_t·g_t — h_t reaches h_{t+1} through the "
                + "*next* step's a, not a_t")
        public static let noCarry = Hint(
            "07.1/no-carry", "λ_t = c_t·g_t only: h_t also reaches every later output through h_{t+1}, so the adjoint carries "
                + "a_{t+1}·λ_{t+1} backwards in time")
        public static let currentState = Hint(
            "07.1/current-state", "∂ℓ/∂a_t uses h_t: a_t multiplies the state *before* the step, so ∂ℓ/∂a_t = h_{t−1}·λ_t "
                + "(h₀ at t = 0)")
        public static let noInitial = Hint(
            "07.1/no-initial", "∂ℓ/∂h₀ is missing (0): h₀ reaches ℓ through h_0 = a_0·h₀ + b_0·x_0, so ∂ℓ/∂h₀ = a_0·λ_0")
        public static let noMean = Hint(
            "07.2/no-mean-term", "∂ℓ/∂x is g·∂ℓ/∂y·r only: r depends on the whole row, so subtract x_k·r³·mean_j(u_j·x_j)")
        public static let noGain = Hint("07.2/no-gain", "∂ℓ/∂x ignores the gain: the gradient reaching x·r is u_j = g_j·∂ℓ/∂y_j")
        public static let sumNotMean = Hint(
            "07.2/sum-not-mean", "the correction is d times too large: r = 1/√(mean x² + ε) gives ∂r/∂x_k = −r³·x_k/d — "
                + "a mean over the row, not a sum")
        public static let noBiasCorrection = Hint(
            "07.3/no-bias-correction", "no bias correction: m and v start at 0, so divide them by 1 − β₁ᵗ and 1 − β₂ᵗ before the step")
        public static let coupled = Hint(
            "07.3/coupled-decay", "λθ was added to the gradient (L2 regularisation, plain Adam): AdamW decays the weights "
                + "directly, θ·(1 − η·λ), and keeps λ out of m and v")
        public static let unscaledDecay = Hint(
            "07.3/unscaled-decay", "the decay is θ·(1 − λ): it is scaled by the learning rate, θ·(1 − η·λ)")
    }

    // MARK: 07.1

    struct RecurrenceInput {
        var a, b, c, x, g: [Double]                                   // (L) each
        var initial: Double
    }

    /// The backward pass with a caller's mistakes (their models): the adjoint's decay a_t instead
    /// of a_{t+1} (`unshifted`), no carry, h_t in ∂ℓ/∂a_t, ∂ℓ/∂h₀ = 0. (4L + 1)
    static func adjointModel(_ i: RecurrenceInput, unshifted: Bool = false, carry: Bool = true, currentState: Bool = false,
                             initialGradient: Bool = true) -> [Double] {
        let l = i.a.count
        var h = [Double](repeating: 0, count: l)                      // (L)
        for t in 0..<l { h[t] = i.a[t] * (t == 0 ? i.initial : h[t - 1]) + i.b[t] * i.x[t] }
        var dx = h, da = h, db = h, dc = h                            // (L) each
        var next = 0.0                                                // λ_{t+1}
        for t in stride(from: l - 1, through: 0, by: -1) {
            let decay = unshifted ? i.a[t] : (t + 1 < l ? i.a[t + 1] : 0)
            let lambda = (carry ? decay * next : 0) + i.c[t] * i.g[t]
            (dx[t], db[t], dc[t]) = (i.b[t] * lambda, i.x[t] * lambda, i.g[t] * h[t])
            da[t] = (currentState ? h[t] : (t == 0 ? i.initial : h[t - 1])) * lambda
            next = lambda
        }
        return dx + da + db + dc + [initialGradient ? i.a[0] * next : 0]
    }

    /// Cases: L ∈ {50, 9, 2, 1}, a_t ~ U(−0.99, 0.99), b, c, x, g, h₀ Gaussian. Tolerance 1e-12:
    /// the same products and sums as `ScalarRecurrence.backward` (one rounding each), ≈ L·ε of
    /// the largest entry at most; the mistakes miss by ≥ 1e-3 of it (100 seeds: 1.1e-3 for a
    /// forgotten ∂ℓ/∂h₀, one entry of 4L + 1; 0.13 … 0.35 for the others).
    public static func recurrenceBackward(
        _ f: ([Double], [Double], [Double], [Double], Double, [Double]) throws
            -> (x: [Double], a: [Double], b: [Double], c: [Double], initial: Double), seed: UInt64
    ) -> Verdict {
        var draw = Draw(seed: seed, exercise: "07.1")
        let cases = [50, 9, 2, 1].map { l in
            GradingCase(label: "L = \(l)", input: RecurrenceInput(
                a: (0..<l).map { _ in draw.uniform(-0.99...0.99) }, b: draw.gaussians(l), c: draw.gaussians(l),
                x: draw.gaussians(l), g: draw.gaussians(l), initial: draw.gaussian()))
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "∂ℓ/∂x, ∂ℓ/∂a, ∂ℓ/∂b, ∂ℓ/∂c (L each) and ∂ℓ/∂h₀",
            reference: { i in
                let r = try ScalarRecurrence(a: i.a, b: i.b, c: i.c, initial: i.initial)
                let grad = try r.backward(i.x, states: try r.forward(i.x).states, outputGradient: i.g)
                return grad.x + grad.a + grad.b + grad.c + [grad.initial]
            },
            student: { i in
                let r = try f(i.a, i.b, i.c, i.x, i.initial, i.g)
                for (v, name) in [(r.x, "∂ℓ/∂x"), (r.a, "∂ℓ/∂a"), (r.b, "∂ℓ/∂b"), (r.c, "∂ℓ/∂c")] {
                    try requireCount(v, i.a.count, name)
                }
                return r.x + r.a + r.b + r.c + [r.initial]
            },
            mistakes: [
                Mistake(hint: Hints.unshifted) { adjointModel($0, unshifted: true) },
                Mistake(hint: Hints.noCarry) { adjointModel($0, carry: false) },
                Mistake(hint: Hints.currentState) { adjointModel($0, currentState: true) },
                Mistake(hint: Hints.noInitial) { adjointModel($0, initialGradient: false) },
            ])
    }

    // MARK: 07.2

    struct NormInput {
        var x: [Double]                                               // (rows, d)
        var gain: [Double]                                            // (d)
        var dy: [Double]                                              // (rows, d)
        var epsilon: Double
    }

    /// ∂ℓ/∂x and ∂ℓ/∂g with a caller's mistakes: no mean term, no gain in u, Σ for mean. (rows·d + d)
    static func normModel(_ i: NormInput, meanTerm: Bool = true, gainInU: Bool = true, sum: Bool = false) -> [Double] {
        let d = i.gain.count, rows = i.x.count / d
        var dx = i.x, dg = [Double](repeating: 0, count: d)           // (rows, d), (d)
        for row in 0..<rows {
            let xs = Array(i.x[(row * d)..<(row * d + d)])
            let r = 1 / (xs.reduce(0) { $0 + $1 * $1 } / Double(d) + i.epsilon).squareRoot()
            let u = (0..<d).map { (gainInU ? i.gain[$0] : 1) * i.dy[row * d + $0] }
            let ux = (0..<d).reduce(0.0) { $0 + u[$1] * xs[$1] } / (sum ? 1 : Double(d))
            for j in 0..<d {
                dx[row * d + j] = r * (u[j] - (meanTerm ? xs[j] * r * r * ux : 0))
                dg[j] += i.dy[row * d + j] * xs[j] * r
            }
        }
        return dx + dg
    }

    /// Cases: (rows, d) ∈ {(6, 16), (3, 5), (4, 2), (1, 1)}, x and ∂ℓ/∂y Gaussian, g = 1 + N(0, ½²),
    /// ε = 1e-5 (Mamba's) but 0.1 in the (4, 2) case (where ε is a visible part of r). Tolerance
    /// 1e-12: the same per-row sums of d products as `RMSNorm.backward`, ≈ d·ε.
    public static func rmsNormBackward(_ f: ([Double], [Double], [Double], Double) throws -> (x: [Double], gain: [Double]),
                                       seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "07.2")
        let cases = [(6, 16, 1e-5), (3, 5, 1e-5), (4, 2, 0.1), (1, 1, 1e-5)].map { rows, d, epsilon in
            GradingCase(label: "rows = \(rows), d = \(d), ε = \(epsilon)", input: NormInput(
                x: draw.gaussians(rows * d), gain: (0..<d).map { _ in 1 + 0.5 * draw.gaussian() },
                dy: draw.gaussians(rows * d), epsilon: epsilon))
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "∂ℓ/∂x (rows·d) and ∂ℓ/∂g (d)",
            reference: { i in
                let d = i.gain.count, rows = i.x.count / d
                var norm = try RMSNorm("norm", width: d, epsilon: i.epsilon)
                norm.weight.value = try Matrix(rows: 1, cols: d, elements: i.gain)
                let dx = try norm.backward(try Matrix(rows: rows, cols: d, elements: i.x),
                                           outputGradient: try Matrix(rows: rows, cols: d, elements: i.dy))
                return dx.elements + norm.weight.gradient.elements
            },
            student: { i in
                let r = try f(i.x, i.gain, i.dy, i.epsilon)
                try requireCount(r.x, i.x.count, "∂ℓ/∂x")
                try requireCount(r.gain, i.gain.count, "∂ℓ/∂g")
                return r.x + r.gain
            },
            mistakes: [
                Mistake(hint: Hints.noMean) { normModel($0, meanTerm: false) },
                Mistake(hint: Hints.noGain) { normModel($0, gainInU: false) },
                Mistake(hint: Hints.sumNotMean) { normModel($0, sum: true) },
            ])
    }

    // MARK: 07.3

    struct AdamInput {
        var theta: [Double]                                           // (n) θ before step 1
        var gradients: [[Double]]                                     // (T) × (n)
        var learningRate, beta1, beta2, epsilon, weightDecay: Double
    }

    /// One parameter vector as a model, for `AdamW.step`.
    struct Weights: Trainable {
        var theta: Parameter
        mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows { try body(&theta) }
    }

    /// θ after every step with a caller's mistakes: no bias correction, λθ in the gradient, θ(1 − λ). (T·n)
    static func adamModel(_ i: AdamInput, biasCorrection: Bool = true, coupled: Bool = false, scaledDecay: Bool = true) -> [Double] {
        var theta = i.theta, m = [Double](repeating: 0, count: theta.count), v = m   // (n) each
        var out: [Double] = []
        for (step, g) in i.gradients.enumerated() {
            let t = Double(step + 1)
            let c1 = biasCorrection ? 1 - pow(i.beta1, t) : 1, c2 = biasCorrection ? 1 - pow(i.beta2, t) : 1
            for k in theta.indices {
                let gk = g[k] + (coupled ? i.weightDecay * theta[k] : 0)
                m[k] = i.beta1 * m[k] + (1 - i.beta1) * gk
                v[k] = i.beta2 * v[k] + (1 - i.beta2) * gk * gk
                let decay = coupled ? 1 : 1 - (scaledDecay ? i.learningRate : 1) * i.weightDecay
                theta[k] = theta[k] * decay - i.learningRate * (m[k] / c1) / ((v[k] / c2).squareRoot() + i.epsilon)
            }
            out += theta
        }
        return out
    }

    /// Cases: (n, T) ∈ {(8, 6), (3, 25), (5, 2), (1, 1)}, θ and g Gaussian, η log-uniform in
    /// [1e-2, 1e-1], β₁ = 0.9, β₂ ∈ {0.95, 0.999}, ε = 1e-8, λ ∈ {0.1, 0.01}; λ = 0 in the last
    /// case (where coupled and decoupled decay agree). Every θ_t is compared with `AdamW.step` on a
    /// one-parameter model. Tolerance 1e-12: per step the update differs by a few roundings
    /// (√v/√(1 − β₂ᵗ) against √(v/(1 − β₂ᵗ))), ≈ T·η·ε of |θ|.
    public static func adamWStep(
        _ f: ([Double], [Double], [Double], [Double], Int, Double, Double, Double, Double, Double) throws
            -> (parameter: [Double], firstMoment: [Double], secondMoment: [Double]), seed: UInt64
    ) -> Verdict {
        var draw = Draw(seed: seed, exercise: "07.3")
        let cases = [(8, 6, 0.1), (3, 25, 0.01), (5, 2, 0.1), (1, 1, 0.0)].map { n, steps, lambda in
            let input = AdamInput(theta: draw.gaussians(n), gradients: (0..<steps).map { _ in draw.gaussians(n) },
                                  learningRate: draw.logUniform(1e-2, 1e-1), beta1: 0.9, beta2: draw.pick([0.95, 0.999]),
                                  epsilon: 1e-8, weightDecay: lambda)
            let label = "n = \(n), \(steps) steps, η = \(Judge.short(input.learningRate)), β₂ = \(input.beta2), λ = \(lambda)"
            return GradingCase(label: label, input: input)
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "the new θ, m and v (n each)",
            reference: { i in
                var model = Weights(theta: Parameter("θ", vector: i.theta))
                var optimiser = AdamW(try AdamW.Configuration(learningRate: i.learningRate, beta1: i.beta1, beta2: i.beta2,
                                                              epsilon: i.epsilon, weightDecay: i.weightDecay))
                var out: [Double] = []
                for g in i.gradients {
                    model.theta.gradient = try Matrix(rows: 1, cols: g.count, elements: g)
                    try optimiser.step(&model)
                    out += model.theta.value.elements
                }
                return out
            },
            student: { i in
                let zeros = [Double](repeating: 0, count: i.theta.count)
                var (theta, m, v) = (i.theta, zeros, zeros)                  // (n) each
                var out: [Double] = []
                for (step, g) in i.gradients.enumerated() {
                    let r = try f(theta, g, m, v, step + 1, i.learningRate, i.beta1, i.beta2, i.epsilon, i.weightDecay)
                    for (array, name) in [(r.parameter, "θ"), (r.firstMoment, "m"), (r.secondMoment, "v")] {
                        try requireCount(array, theta.count, "the new \(name)")
                    }
                    (theta, m, v) = r
                    out += theta
                }
                return out
            },
            mistakes: [
                Mistake(hint: Hints.noBiasCorrection) { adamModel($0, biasCorrection: false) },
                Mistake(hint: Hints.coupled) { adamModel($0, coupled: true) },
                Mistake(hint: Hints.unscaledDecay) { adamModel($0, scaledDecay: false) },
            ])
    }
}
