import Course
import Foundation

extension Reference {
    /// 05.1: every channel and state index, ZOH for A and ΔB for B.
    public static func selectiveStep(state h: [Double], x: [Double], delta: [Double], a: [Double], b: [Double], c: [Double],
                                     skip: [Double]) throws -> (state: [Double], y: [Double])
    {
        let n = b.count
        var next = h                                                  // (D, N)
        var y = [Double](repeating: 0, count: x.count)                // (D)
        for d in x.indices {
            var acc = skip[d] * x[d]
            for i in 0..<n {
                next[d * n + i] = exp(delta[d] * a[d * n + i]) * h[d * n + i] + delta[d] * b[i] * x[d]
                acc += c[i] * next[d * n + i]
            }
            y[d] = acc
        }
        return (next, y)
    }

    /// 05.2: a₂(a₁h + b₁) + b₂ = (a₁a₂)h + (a₂b₁ + b₂).
    public static func combine(_ first: (a: Double, b: Double), _ second: (a: Double, b: Double)) throws -> (a: Double, b: Double) {
        (first.a * second.a, second.a * first.b + second.b)
    }

    /// 05.3: each row right to left with a running product of decays.
    public static func selectiveMatrix(delta: [Double], a: [Double], b: [Double], c: [Double]) throws -> [Double] {
        let (l, n) = (delta.count, a.count)
        var m = [Double](repeating: 0, count: l * l)                  // (L, L)
        for t in 0..<l {
            var product = [Double](repeating: 1, count: n)            // (N): ∏_{k=s+1..t} Ā_k
            for s in stride(from: t, through: 0, by: -1) {
                m[t * l + s] = (0..<n).reduce(0.0) { $0 + c[t * n + $1] * product[$1] * delta[s] * b[s * n + $1] }
                for i in 0..<n { product[i] *= exp(delta[s] * a[i]) }
            }
        }
        return m
    }
}
