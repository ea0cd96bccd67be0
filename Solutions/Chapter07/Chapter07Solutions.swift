import Course
import Foundation

extension Reference {
    /// 07.1: the forward states, then the adjoint λ_t = a_{t+1}λ_{t+1} + c_t g_t backwards in time.
    public static func recurrenceBackward(a: [Double], b: [Double], c: [Double], x: [Double], initial: Double,
                                          outputGradient g: [Double]) throws
        -> (x: [Double], a: [Double], b: [Double], c: [Double], initial: Double)
    {
        let l = a.count
        var h = [Double](repeating: 0, count: l)                      // (L) h_t
        var previous = initial
        for t in 0..<l {
            h[t] = a[t] * previous + b[t] * x[t]
            previous = h[t]
        }
        var dx = h, da = h, db = h, dc = h                            // (L) each, overwritten below
        var carried = 0.0                                             // a_{t+1}·λ_{t+1}
        for t in stride(from: l - 1, through: 0, by: -1) {
            let lambda = carried + c[t] * g[t]                        // λ_t
            dx[t] = b[t] * lambda
            db[t] = x[t] * lambda
            da[t] = (t == 0 ? initial : h[t - 1]) * lambda
            dc[t] = g[t] * h[t]
            carried = a[t] * lambda
        }
        return (dx, da, db, dc, carried)                             // ∂ℓ/∂h₀ = a_0·λ_0
    }

    /// 07.2: per row, r·(u − x·r²·mean(u·x)) with u = g ⊙ ∂ℓ/∂y; ∂ℓ/∂g summed over rows.
    public static func rmsNormBackward(x: [Double], gain: [Double], outputGradient dy: [Double], epsilon: Double) throws
        -> (x: [Double], gain: [Double])
    {
        let d = gain.count, rows = x.count / d
        var dx = [Double](repeating: 0, count: x.count)               // (rows, d)
        var dg = [Double](repeating: 0, count: d)                     // (d)
        for i in 0..<rows {
            let row = x[(i * d)..<(i * d + d)]
            let r = 1 / (row.reduce(0) { $0 + $1 * $1 } / Double(d) + epsilon).squareRoot()
            var meanUX = 0.0
            for j in 0..<d { meanUX += gain[j] * dy[i * d + j] * x[i * d + j] }
            meanUX /= Double(d)
            for j in 0..<d {
                dx[i * d + j] = r * (gain[j] * dy[i * d + j] - x[i * d + j] * r * r * meanUX)
                dg[j] += dy[i * d + j] * x[i * d + j] * r
            }
        }
        return (dx, dg)
    }

    /// 07.3: decoupled decay, the two moments, their bias corrections, the step.
    public static func adamWStep(parameter theta: [Double], gradient g: [Double], firstMoment m: [Double], secondMoment v: [Double],
                                 step t: Int, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double,
                                 weightDecay: Double) throws -> (parameter: [Double], firstMoment: [Double], secondMoment: [Double])
    {
        var (newTheta, newM, newV) = (theta, m, v)                    // (n) each
        let correction1 = 1 - pow(beta1, Double(t)), correction2 = 1 - pow(beta2, Double(t))
        for i in theta.indices {
            newM[i] = beta1 * m[i] + (1 - beta1) * g[i]
            newV[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            let mHat = newM[i] / correction1, vHat = newV[i] / correction2
            newTheta[i] = theta[i] * (1 - learningRate * weightDecay) - learningRate * mHat / (vHat.squareRoot() + epsilon)
        }
        return (newTheta, newM, newV)
    }
}
