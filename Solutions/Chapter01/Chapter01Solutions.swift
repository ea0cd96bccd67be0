import Course

extension Reference {
    /// 01.1
    public static func legT(stateSize n: Int, window theta: Double) throws -> (a: [Double], b: [Double]) {
        let root = (0..<n).map { (2 * Double($0) + 1).squareRoot() } // (N)
        var a = [Double](repeating: 0, count: n * n)                 // (N, N)
        for row in 0..<n {
            for col in 0..<n {
                let sign: Double = row >= col || (col - row) % 2 == 0 ? 1 : -1
                a[row * n + col] = -sign * root[row] * root[col] / theta
            }
        }
        return (a, root.map { $0 / theta })
    }

    /// 01.2
    public static func legS(stateSize n: Int) throws -> (a: [Double], b: [Double]) {
        let root = (0..<n).map { (2 * Double($0) + 1).squareRoot() } // (N)
        var a = [Double](repeating: 0, count: n * n)                 // (N, N)
        for row in 0..<n {
            for col in 0..<row { a[row * n + col] = -root[row] * root[col] }
            a[row * n + row] = -Double(row + 1)
        }
        return (a, root)
    }

    /// 01.3: Legendre values by the three-term recurrence at x = 1 − 2·age/θ.
    public static func legTReconstruction(state c: [Double], window theta: Double, ages: [Double]) throws -> [Double] {
        ages.map { age in
            let x = 1 - 2 * age / theta
            var previous = 0.0, current = 1.0, sum = 0.0               // P_{n−1}, P_n
            for n in 0..<c.count {
                sum += c[n] * (2 * Double(n) + 1).squareRoot() * current
                let next = ((2 * Double(n) + 1) * x * current - Double(n) * previous) / Double(n + 1)
                (previous, current) = (current, next)
            }
            return sum
        }
    }
}
