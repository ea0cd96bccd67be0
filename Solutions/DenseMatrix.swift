/// Small dense row-major helpers for the solutions (N ≤ a few dozen): product, solve, exponential.
enum Dense {
    /// (n, k)·(k, m) → (n, m).
    static func multiply(_ a: [Double], _ b: [Double], n: Int, k: Int, m: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * m)                // (n, m)
        for i in 0..<n {
            for l in 0..<k where a[i * k + l] != 0 {
                let ail = a[i * k + l]
                for j in 0..<m { out[i * m + j] += ail * b[l * m + j] }
            }
        }
        return out
    }

    static func identity(_ n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)                // (n, n)
        for i in 0..<n { out[i * n + i] = 1 }
        return out
    }

    /// Solves M X = R for X by Gaussian elimination with partial pivoting. m (n, n), r (n, cols).
    static func solve(_ m: [Double], _ r: [Double], n: Int, cols: Int) -> [Double] {
        var a = m, x = r                                              // (n, n), (n, cols)
        for col in 0..<n {
            let pivot = (col..<n).max { abs(a[$0 * n + col]) < abs(a[$1 * n + col]) }!
            if pivot != col {
                for j in 0..<n { a.swapAt(col * n + j, pivot * n + j) }
                for j in 0..<cols { x.swapAt(col * cols + j, pivot * cols + j) }
            }
            for row in (col + 1)..<n {
                let f = a[row * n + col] / a[col * n + col]
                if f == 0 { continue }
                for j in col..<n { a[row * n + j] -= f * a[col * n + j] }
                for j in 0..<cols { x[row * cols + j] -= f * x[col * cols + j] }
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            for j in 0..<cols {
                var s = x[row * cols + j]
                for k in (row + 1)..<n { s -= a[row * n + k] * x[k * cols + j] }
                x[row * cols + j] = s / a[row * n + row]
            }
        }
        return x
    }

    /// e^M by scaling and squaring with a Taylor series (‖M/2ˢ‖∞ ≤ ½, 30 terms). m (n, n).
    static func exponential(_ m: [Double], n: Int) -> [Double] {
        let norm = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + abs(m[i * n + $1]) } }.max() ?? 0
        var squarings = 0
        while norm / Double(1 << squarings) > 0.5 { squarings += 1 }
        let scaled = m.map { $0 / Double(1 << squarings) }           // (n, n)
        var sum = identity(n), term = identity(n)
        for k in 1...30 {
            term = multiply(term, scaled, n: n, k: n, m: n).map { $0 / Double(k) }
            sum = zip(sum, term).map(+)
        }
        for _ in 0..<squarings { sum = multiply(sum, sum, n: n, k: n, m: n) }
        return sum
    }
}
