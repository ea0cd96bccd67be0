import Course

extension Reference {
    /// 00.1: the exponential of the augmented matrix [[ΔA, ΔB], [0, 0]] holds Ā and B̄ in its
    /// first two rows — no A⁻¹, so a singular A (no stiffness) is fine.
    public static func zeroOrderHold(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        var m = [Double](repeating: 0, count: 9)                      // (3, 3)
        for i in 0..<2 {
            for j in 0..<2 { m[i * 3 + j] = step * a[i * 2 + j] }
            m[i * 3 + 2] = step * b[i]
        }
        let e = Dense.exponential(m, n: 3)                            // (3, 3)
        return ([e[0], e[1], e[3], e[4]], [e[2], e[5]])
    }

    /// 00.2: the recurrence, state updated before it is read.
    public static func recurrence(aBar: [Double], bBar: [Double], c: [Double], input u: [Double]) throws -> [Double] {
        let n = bBar.count
        var x = [Double](repeating: 0, count: n)                      // (N)
        return u.map { uk in
            x = (0..<n).map { i in (0..<n).reduce(bBar[i] * uk) { $0 + aBar[i * n + $1] * x[$1] } }
            return zip(c, x).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    /// 00.3: the direct O(L²) causal sum.
    public static func causalConvolution(kernel: [Double], input u: [Double]) throws -> [Double] {
        (0..<u.count).map { k in (0...k).reduce(0.0) { $0 + kernel[$1] * u[k - $1] } }
    }
}
