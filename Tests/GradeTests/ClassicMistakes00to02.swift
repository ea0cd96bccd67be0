import Foundation
import Solutions

/// Classic mistakes, written the way a student would write them (not derived from the grader's
/// models): each must be rejected with the hint named beside it in `GradingTests`.
enum Mistaken00 {
    /// 00.1 forward Euler: Ā = I + ΔA, B̄ = ΔB.
    static func zohEuler(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        ([1 + step * a[0], step * a[1], step * a[2], 1 + step * a[3]], b.map { step * $0 })
    }

    /// 00.1 the right Ā with Euler's B̄ = ΔB.
    static func zohEulerB(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        (try Reference.zeroOrderHold(a: a, b: b, step: step).aBar, b.map { step * $0 })
    }

    /// 00.1 B̄ = A⁻¹(Ā − I)B with an explicit 2×2 inverse: right unless A is singular.
    static func zohInverse(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        let aBar = try Reference.zeroOrderHold(a: a, b: b, step: step).aBar
        let det = a[0] * a[3] - a[1] * a[2]
        let inverse = [a[3] / det, -a[1] / det, -a[2] / det, a[0] / det]
        let m = [aBar[0] - 1, aBar[1], aBar[2], aBar[3] - 1]          // Ā − I
        let mb = [m[0] * b[0] + m[1] * b[1], m[2] * b[0] + m[3] * b[1]]
        return (aBar, [inverse[0] * mb[0] + inverse[1] * mb[1], inverse[2] * mb[0] + inverse[3] * mb[1]])
    }

    /// 00.2 reads y before the update.
    static func recurrenceLate(aBar: [Double], bBar: [Double], c: [Double], input u: [Double]) throws -> [Double] {
        let n = bBar.count
        var x = [Double](repeating: 0, count: n)
        var y: [Double] = []
        for uk in u {
            y.append(zip(c, x).reduce(0) { $0 + $1.0 * $1.1 })
            x = (0..<n).map { i in (0..<n).reduce(bBar[i] * uk) { $0 + aBar[i * n + $1] * x[$1] } }
        }
        return y
    }

    /// 00.2 indexes Ā column-major.
    static func recurrenceTransposed(aBar: [Double], bBar: [Double], c: [Double], input u: [Double]) throws -> [Double] {
        let n = bBar.count
        var x = [Double](repeating: 0, count: n)
        return u.map { uk in
            x = (0..<n).map { i in (0..<n).reduce(bBar[i] * uk) { $0 + aBar[$1 * n + i] * x[$1] } }
            return zip(c, x).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    /// 00.3 circular convolution (indices wrap).
    static func convolutionCircular(kernel: [Double], input u: [Double]) throws -> [Double] {
        let l = u.count
        return (0..<l).map { k in (0..<l).reduce(0.0) { $0 + kernel[$1] * u[(k - $1 + l) % l] } }
    }

    /// 00.3 correlation: reads u_{k+j}.
    static func convolutionFuture(kernel: [Double], input u: [Double]) throws -> [Double] {
        (0..<u.count).map { k in (0..<(u.count - k)).reduce(0.0) { $0 + kernel[$1] * u[k + $1] } }
    }
}

enum Mistaken01 {
    /// 01.1 the (−1)^{n−k} sign below the diagonal.
    static func legTTransposed(stateSize n: Int, window theta: Double) throws -> (a: [Double], b: [Double]) {
        var a = [Double](repeating: 0, count: n * n)
        for row in 0..<n {
            for col in 0..<n {
                let sign: Double = row <= col || (row - col) % 2 == 0 ? 1 : -1
                a[row * n + col] = -sign * (2 * Double(row) + 1).squareRoot() * (2 * Double(col) + 1).squareRoot() / theta
            }
        }
        return (a, (0..<n).map { (2 * Double($0) + 1).squareRoot() / theta })
    }

    /// 01.1 forgets 1/θ.
    static func legTNoWindow(stateSize n: Int, window theta: Double) throws -> (a: [Double], b: [Double]) {
        try Reference.legT(stateSize: n, window: 1)
    }

    /// 01.2 diagonal −n.
    static func legSDiagonal(stateSize n: Int) throws -> (a: [Double], b: [Double]) {
        var (a, b) = try Reference.legS(stateSize: n)
        for i in 0..<n { a[i * n + i] = -Double(i) }
        return (a, b)
    }

    /// 01.2 upper triangular.
    static func legSUpper(stateSize n: Int) throws -> (a: [Double], b: [Double]) {
        var a = [Double](repeating: 0, count: n * n)
        for row in 0..<n {
            for col in row..<n {
                a[row * n + col] = row == col ? -Double(row + 1) : -(2 * Double(row) + 1).squareRoot() * (2 * Double(col) + 1).squareRoot()
            }
        }
        return (a, (0..<n).map { (2 * Double($0) + 1).squareRoot() })
    }

    /// Legendre P_0 … P_{n−1} at x by the three-term recurrence.
    static func legendre(_ n: Int, _ x: Double) -> [Double] {
        var p = [1.0, x]
        while p.count < n { let k = Double(p.count - 1); p.append(((2 * k + 1) * x * p[p.count - 1] - k * p[p.count - 2]) / (k + 1)) }
        return Array(p.prefix(n))
    }

    /// 01.3 x = 2·age/θ − 1: the window played backwards.
    static func reconstructionFlipped(state c: [Double], window theta: Double, ages: [Double]) throws -> [Double] {
        ages.map { age in
            zip(legendre(c.count, 2 * age / theta - 1), c.indices).reduce(0.0) { $0 + c[$1.1] * (2 * Double($1.1) + 1).squareRoot() * $1.0 }
        }
    }

    /// 01.3 drops √(2n+1).
    static func reconstructionUnnormalised(state c: [Double], window theta: Double, ages: [Double]) throws -> [Double] {
        ages.map { age in zip(legendre(c.count, 1 - 2 * age / theta), c).reduce(0.0) { $0 + $1.0 * $1.1 } }
    }
}

enum Mistaken02 {
    /// 02.1 inverts (I + Δ/2·A) instead of (I − Δ/2·A).
    static func bilinearSwapped(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        try Reference.bilinear(a: a.map { -$0 }, b: b, step: step)
    }

    /// 02.1 B̄ = (I − Δ/2·A)⁻¹B.
    static func bilinearNoStep(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        let r = try Reference.bilinear(a: a, b: b, step: step)
        return (r.aBar, r.bBar.map { $0 / step })
    }

    /// 02.2 starts from Ā B̄.
    static func kernelShifted(aBar: [Double], bBar: [Double], c: [Double], length: Int) throws -> [Double] {
        Array(try Reference.kernel(aBar: aBar, bBar: bBar, c: c, length: length + 1).dropFirst())
    }

    /// 02.2 indexes Ā column-major.
    static func kernelTransposed(aBar: [Double], bBar: [Double], c: [Double], length: Int) throws -> [Double] {
        let n = bBar.count
        return try Reference.kernel(aBar: (0..<n * n).map { aBar[($0 % n) * n + $0 / n] }, bBar: bBar, c: c, length: length)
    }

    /// 02.3 T_ij = K_{j−i}.
    static func toeplitzUpper(kernel: [Double]) throws -> [Double] {
        let l = kernel.count
        return (0..<l * l).map { $0 % l >= $0 / l ? kernel[$0 % l - $0 / l] : 0 }
    }

    /// 02.3 T_ij = K_{|i−j|}.
    static func toeplitzSymmetric(kernel: [Double]) throws -> [Double] {
        let l = kernel.count
        return (0..<l * l).map { kernel[abs($0 % l - $0 / l)] }
    }
}
