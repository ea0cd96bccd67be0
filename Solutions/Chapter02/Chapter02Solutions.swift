import Course

extension Reference {
    /// 02.1: solve (I − Δ/2·A)[Ā | B̄] = [I + Δ/2·A | ΔB] in one elimination.
    public static func bilinear(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        let n = b.count
        var left = Dense.identity(n), right = [Double](repeating: 0, count: n * (n + 1))  // (N, N), (N, N+1)
        for i in 0..<n {
            for j in 0..<n {
                left[i * n + j] -= step / 2 * a[i * n + j]
                right[i * (n + 1) + j] = (i == j ? 1 : 0) + step / 2 * a[i * n + j]
            }
            right[i * (n + 1) + n] = step * b[i]
        }
        let x = Dense.solve(left, right, n: n, cols: n + 1)          // (N, N+1)
        let aBar = (0..<n).flatMap { i in x[(i * (n + 1))..<(i * (n + 1) + n)] }
        return (aBar, (0..<n).map { x[$0 * (n + 1) + n] })
    }

    /// 02.2: v ← Ā v from v = B̄, read through C.
    public static func kernel(aBar: [Double], bBar: [Double], c: [Double], length: Int) throws -> [Double] {
        let n = bBar.count
        var v = bBar                                                  // (N): Āᵏ B̄
        return (0..<length).map { _ in
            let k = zip(c, v).reduce(0) { $0 + $1.0 * $1.1 }
            v = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + aBar[i * n + $1] * v[$1] } }
            return k
        }
    }

    /// 02.3
    public static func toeplitz(kernel: [Double]) throws -> [Double] {
        let l = kernel.count
        return (0..<l * l).map { index in index / l >= index % l ? kernel[index / l - index % l] : 0 }
    }
}
