import Exercises
import Foundation
import Grading
import Solutions
import Testing

/// Chapter 07's classic mistakes, written the way a student would write them (not from the
/// grader's models): each must be rejected with the hint aimed at it.
enum Mistaken07 {
    typealias Gradients = (x: [Double], a: [Double], b: [Double], c: [Double], initial: Double)

    /// The forward states h_t (L).
    static func states(_ a: [Double], _ b: [Double], _ x: [Double], _ h0: Double) -> [Double] {
        var h = h0
        return a.indices.map { t in h = a[t] * h + b[t] * x[t]; return h }
    }

    /// 07.1 λ_t = a_t·λ_{t+1} + c_t·g_t: the forward loop's decay, unshifted.
    static func backwardUnshifted(a: [Double], b: [Double], c: [Double], x: [Double], initial: Double,
                                  outputGradient g: [Double]) throws -> Gradients {
        let h = states(a, b, x, initial)
        var (dx, da, db, dc) = (h, h, h, h)
        var lambda = 0.0                                              // λ_{t+1}
        for t in a.indices.reversed() {
            lambda = a[t] * lambda + c[t] * g[t]
            (dx[t], db[t], dc[t]) = (b[t] * lambda, x[t] * lambda, g[t] * h[t])
            da[t] = (t > 0 ? h[t - 1] : initial) * lambda
        }
        return (dx, da, db, dc, a[0] * lambda)
    }

    /// 07.1 each output's gradient taken alone: λ_t = c_t·g_t.
    static func backwardNoCarry(a: [Double], b: [Double], c: [Double], x: [Double], initial: Double,
                                outputGradient g: [Double]) throws -> Gradients {
        let h = states(a, b, x, initial)
        let lambda = c.indices.map { c[$0] * g[$0] }
        let previous = [initial] + h.dropLast()
        return (zip(b, lambda).map(*), zip(previous, lambda).map(*), zip(x, lambda).map(*), zip(g, h).map(*), a[0] * lambda[0])
    }

    /// 07.1 ∂ℓ/∂a_t = h_t·λ_t.
    static func backwardCurrentState(a: [Double], b: [Double], c: [Double], x: [Double], initial: Double,
                                     outputGradient g: [Double]) throws -> Gradients {
        let right = try Reference.recurrenceBackward(a: a, b: b, c: c, x: x, initial: initial, outputGradient: g)
        let h = states(a, b, x, initial)
        let lambda = zip(right.x, b).map { $0 / $1 }                  // λ_t = (∂ℓ/∂x_t)/b_t
        return (right.x, zip(h, lambda).map(*), right.b, right.c, right.initial)
    }

    /// 07.1 h₀ treated as a constant.
    static func backwardNoInitial(a: [Double], b: [Double], c: [Double], x: [Double], initial: Double,
                                  outputGradient g: [Double]) throws -> Gradients {
        let h = states(a, b, x, initial)
        var (dx, da, db, dc) = (h, h, h, h)
        var lambda = 0.0
        for t in a.indices.reversed() {
            lambda = (t + 1 < a.count ? a[t + 1] * lambda : 0) + c[t] * g[t]
            (dx[t], db[t], dc[t]) = (b[t] * lambda, x[t] * lambda, g[t] * h[t])
            da[t] = (t > 0 ? h[t - 1] : initial) * lambda
        }
        return (dx, da, db, dc, 0)
    }

    typealias Norm = (x: [Double], gain: [Double])

    /// RMSNorm's backward with a caller's per-row ∂ℓ/∂x (from r, the row's x, u = g ⊙ ∂ℓ/∂y and ∂ℓ/∂y).
    static func norm(x: [Double], gain: [Double], dy: [Double], epsilon: Double,
                     rowGradient: (_ r: Double, _ x: [Double], _ u: [Double], _ dy: [Double]) -> [Double]) -> Norm {
        let d = gain.count
        var dx: [Double] = [], dg = [Double](repeating: 0, count: d)
        for start in stride(from: 0, to: x.count, by: d) {
            let xs = Array(x[start..<(start + d)]), gs = Array(dy[start..<(start + d)])
            let r = 1 / (xs.map { $0 * $0 }.reduce(0, +) / Double(d) + epsilon).squareRoot()
            dx += rowGradient(r, xs, zip(gain, gs).map(*), gs)
            for j in 0..<d { dg[j] += gs[j] * xs[j] * r }
        }
        return (dx, dg)
    }

    /// 07.2 r treated as a constant: ∂ℓ/∂x = g ⊙ ∂ℓ/∂y · r.
    static func normNoMean(x: [Double], gain: [Double], outputGradient dy: [Double], epsilon: Double) throws -> Norm {
        norm(x: x, gain: gain, dy: dy, epsilon: epsilon) { r, _, u, _ in u.map { $0 * r } }
    }

    /// 07.2 the correction right, the gain forgotten: ∂ℓ/∂y where g ⊙ ∂ℓ/∂y belongs.
    static func normNoGain(x: [Double], gain: [Double], outputGradient dy: [Double], epsilon: Double) throws -> Norm {
        norm(x: x, gain: gain, dy: dy, epsilon: epsilon) { r, xs, _, gs in
            let mean = zip(gs, xs).map(*).reduce(0, +) / Double(xs.count)
            return zip(gs, xs).map { r * ($0 - $1 * r * r * mean) }
        }
    }

    /// 07.2 ∂r/∂x_k = −r³·x_k (the 1/d of the mean dropped).
    static func normSum(x: [Double], gain: [Double], outputGradient dy: [Double], epsilon: Double) throws -> Norm {
        norm(x: x, gain: gain, dy: dy, epsilon: epsilon) { r, xs, u, _ in
            let sum = zip(u, xs).map(*).reduce(0, +)
            return zip(u, xs).map { $0 * r - pow(r, 3) * $1 * sum }
        }
    }

    typealias Update = (parameter: [Double], firstMoment: [Double], secondMoment: [Double])

    /// 07.3 the moments used as they are.
    static func adamNoBiasCorrection(parameter theta: [Double], gradient g: [Double], firstMoment m: [Double], secondMoment v: [Double],
                                     step t: Int, learningRate eta: Double, beta1: Double, beta2: Double, epsilon: Double,
                                     weightDecay lambda: Double) throws -> Update {
        let m1 = theta.indices.map { beta1 * m[$0] + (1 - beta1) * g[$0] }
        let v1 = theta.indices.map { beta2 * v[$0] + (1 - beta2) * g[$0] * g[$0] }
        let next = theta.indices.map { theta[$0] - eta * lambda * theta[$0] - eta * m1[$0] / (v1[$0].squareRoot() + epsilon) }
        return (next, m1, v1)
    }

    /// 07.3 weight decay as L2 regularisation: g + λθ into Adam.
    static func adamCoupled(parameter theta: [Double], gradient g: [Double], firstMoment m: [Double], secondMoment v: [Double],
                            step t: Int, learningRate eta: Double, beta1: Double, beta2: Double, epsilon: Double,
                            weightDecay lambda: Double) throws -> Update {
        let regularised = theta.indices.map { g[$0] + lambda * theta[$0] }
        return try Reference.adamWStep(parameter: theta, gradient: regularised, firstMoment: m, secondMoment: v, step: t,
                                       learningRate: eta, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: 0)
    }

    /// 07.3 θ ← θ − λθ − η·m̂/(√v̂ + ε).
    static func adamUnscaledDecay(parameter theta: [Double], gradient g: [Double], firstMoment m: [Double], secondMoment v: [Double],
                                  step t: Int, learningRate eta: Double, beta1: Double, beta2: Double, epsilon: Double,
                                  weightDecay lambda: Double) throws -> Update {
        var (next, m1, v1) = (theta, m, v)
        for i in theta.indices {
            m1[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v1[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            let step = (m1[i] / (1 - pow(beta1, Double(t)))) / ((v1[i] / (1 - pow(beta2, Double(t)))).squareRoot() + epsilon)
            next[i] = theta[i] - lambda * theta[i] - eta * step
        }
        return (next, m1, v1)
    }
}

extension GradingTests {
    /// Chapter 07's classic mistakes, each with the hint it must get.
    static let chapter07Mistakes: [Case] = [
        Case(name: "07.1 a_t for a_{t+1}", hint: "07.1/unshifted") { Chapter07Grading.recurrenceBackward(Mistaken07.backwardUnshifted, seed: $0) },
        Case(name: "07.1 λ_t = c_t g_t", hint: "07.1/no-carry") { Chapter07Grading.recurrenceBackward(Mistaken07.backwardNoCarry, seed: $0) },
        Case(name: "07.1 h_t in ∂a_t", hint: "07.1/current-state") {
            Chapter07Grading.recurrenceBackward(Mistaken07.backwardCurrentState, seed: $0)
        },
        Case(name: "07.1 ∂h₀ = 0", hint: "07.1/no-initial") { Chapter07Grading.recurrenceBackward(Mistaken07.backwardNoInitial, seed: $0) },
        Case(name: "07.2 r constant", hint: "07.2/no-mean-term") { Chapter07Grading.rmsNormBackward(Mistaken07.normNoMean, seed: $0) },
        Case(name: "07.2 no g in ∂x", hint: "07.2/no-gain") { Chapter07Grading.rmsNormBackward(Mistaken07.normNoGain, seed: $0) },
        Case(name: "07.2 Σ for mean", hint: "07.2/sum-not-mean") { Chapter07Grading.rmsNormBackward(Mistaken07.normSum, seed: $0) },
        Case(name: "07.3 no bias correction", hint: "07.3/no-bias-correction") { Chapter07Grading.adamWStep(Mistaken07.adamNoBiasCorrection, seed: $0) },
        Case(name: "07.3 L2 in the gradient", hint: "07.3/coupled-decay") { Chapter07Grading.adamWStep(Mistaken07.adamCoupled, seed: $0) },
        Case(name: "07.3 θ(1 − λ)", hint: "07.3/unscaled-decay") { Chapter07Grading.adamWStep(Mistaken07.adamUnscaledDecay, seed: $0) },
    ]
}
