import Course
import Foundation

extension Reference {
    /// 06.1: each entry its own range's sum, walking left from the diagonal.
    public static func segsum(logA: [Double]) throws -> [Double] {
        let t = logA.count
        var out = [Double](repeating: -.infinity, count: t * t)       // (T, T)
        for row in 0..<t {
            var sum = 0.0
            out[row * t + row] = 0
            for s in stride(from: row - 1, through: 0, by: -1) {
                sum += logA[s + 1]
                out[row * t + s] = sum
            }
        }
        return out
    }

    /// 06.2: y_t = Σ_{s≤t} L_ts (C_t·B_s) x_s with L_ts accumulated right to left.
    public static func quadratic(a: [Double], b: [Double], c: [Double], x: [Double], stateSize n: Int, headDim p: Int) throws
        -> [Double]
    {
        let t = a.count
        var y = [Double](repeating: 0, count: t * p)                  // (T, P)
        for row in 0..<t {
            var decay = 1.0                                           // L_{row, s}
            for s in stride(from: row, through: 0, by: -1) {
                let score = decay * (0..<n).reduce(0.0) { $0 + c[row * n + $1] * b[s * n + $1] }
                for i in 0..<p { y[row * p + i] += score * x[s * p + i] }
                decay *= a[s]
            }
        }
        return y
    }

    /// 06.3: H_0 = 0, H_k = α_{k−1}H_{k−1} + S_{k−1}.
    public static func statePass(chunkStates: [Double], chunkDecays: [Double]) throws -> [Double] {
        let k = chunkDecays.count, size = chunkStates.count / max(k, 1)
        var out = [Double](repeating: 0, count: k * size)             // (K, S)
        for chunk in 1..<max(k, 1) {
            for i in 0..<size {
                out[chunk * size + i] = chunkDecays[chunk - 1] * out[(chunk - 1) * size + i] + chunkStates[(chunk - 1) * size + i]
            }
        }
        return out
    }
}
