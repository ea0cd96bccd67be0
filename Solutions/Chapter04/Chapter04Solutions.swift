import Course
import Foundation
import Numerics

extension Reference {
    /// 04.1: z_n = e^{ΔA_n}, weights C_n B̄_n, powers by repeated multiplication.
    public static func vandermondeKernel(a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>], step: Double,
                                         length: Int) throws -> [Double]
    {
        var k = [Double](repeating: 0, count: length)                 // (L)
        for n in a.indices {
            let z = Complex.exp(a[n].multiplied(by: step))
            var w = c[n] * (z - 1) / a[n] * b[n]                      // C_n B̄_n zⁿˡ, l = 0
            for l in 0..<length {
                k[l] += 2 * w.real
                w = w * z
            }
        }
        return k
    }

    /// 04.2
    public static func inversePoles(stateSize n: Int) throws -> [Complex<Double>] {
        let nn = Double(n)
        return (0..<n / 2).map { Complex(-0.5, nn / Double.pi * (nn / (2 * Double($0) + 1) - 1)) }
    }

    /// 04.3
    public static func recurrentStep(state: [Complex<Double>], a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>],
                                     step: Double, input u: Double) throws -> (state: [Complex<Double>], output: Double)
    {
        let next = a.indices.map { n -> Complex<Double> in
            let z = Complex.exp(a[n].multiplied(by: step))
            return z * state[n] + ((z - 1) / a[n] * b[n]).multiplied(by: u)
        }
        return (next, 2 * a.indices.reduce(0.0) { $0 + (c[$1] * next[$1]).real })
    }
}
