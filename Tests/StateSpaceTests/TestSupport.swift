import Numerics
@testable import StateSpace

/// Random test data from a fixed seed, so failures reproduce.
func randomVector(_ n: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
}

func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
    try! Matrix(rows: rows, cols: cols, elements: randomVector(rows * cols, seed: seed))
}

func randomComplex(_ n: Int, seed: UInt64) -> [Complex<Double>] {
    let v = randomVector(2 * n, seed: seed)
    return (0..<n).map { Complex(v[2 * $0], v[2 * $0 + 1]) }
}

/// The DFT by its definition, O(n²): X_k = Σ_j x_j e^{−2πi jk/n} (sign −1) or the unnormalised
/// inverse (sign +1). The reference FFTW is tested against.
func naiveDFT(_ x: [Complex<Double>], sign: Double) -> [Complex<Double>] {
    let n = x.count
    return (0..<n).map { k in
        var acc = Complex<Double>.zero
        for j in 0..<n {
            // Reduce jk mod n before forming the angle, so the twiddle stays accurate for large n.
            let angle = sign * 2 * Double.pi * Double((j * k) % n) / Double(n)
            acc += x[j] * Complex(Double.cos(angle), Double.sin(angle))
        }
        return acc
    }
}

func maxAbsDifference(_ a: [Complex<Double>], _ b: [Complex<Double>]) -> Double {
    zip(a, b).reduce(0) { max($0, ($1.0 - $1.1).length) }
}

func maxAbs(_ a: [Complex<Double>]) -> Double { a.reduce(0) { max($0, $1.length) } }

/// A naive triple-loop product, the reference for GEMM.
func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix(zeros: a.rows, b.cols)
    for i in 0..<a.rows { for j in 0..<b.cols { for k in 0..<a.cols { c[i, j] += a[i, k] * b[k, j] } } }
    return c
}

/// A random stable A: −(shift)·I plus a random matrix scaled so the shift dominates.
func randomStableMatrix(_ n: Int, seed: UInt64) -> Matrix {
    let r = randomMatrix(n, n, seed: seed)
    return (1 / Double(n)) * r - Matrix.identity(n)
}
