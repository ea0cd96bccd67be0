import Course
import Foundation
import Numerics

extension Reference {
    /// 03.1: each stored pole and its conjugate partner.
    public static func cauchy(weights: [Complex<Double>], poles: [Complex<Double>], points: [Complex<Double>]) throws
        -> [Complex<Double>]
    {
        points.map { z in
            poles.indices.reduce(Complex<Double>.zero) { sum, n in
                sum + weights[n] / (z - poles[n]) + weights[n].conjugate / (z - poles[n].conjugate)
            }
        }
    }

    /// 03.2: the rank-one Woodbury correction, point by point.
    public static func woodbury(kCB: [Complex<Double>], kCP: [Complex<Double>], kPB: [Complex<Double>], kPP: [Complex<Double>],
                                scale c: [Complex<Double>]) throws -> [Complex<Double>]
    {
        kCB.indices.map { j in c[j] * (kCB[j] - kCP[j] * kPB[j] / (1 + kPP[j])) }
    }

    /// 03.3: K̂ at every root of unity (the limit at ω = −1), then an O(L²) inverse DFT.
    public static func s4Kernel(lambda: [Complex<Double>], p: [Complex<Double>], b: [Complex<Double>], cTilde: [Complex<Double>],
                                step: Double, length: Int) throws -> [Double]
    {
        let m = lambda.indices
        let weights = [m.map { cTilde[$0] * b[$0] }, m.map { cTilde[$0] * p[$0] },
                       m.map { p[$0].conjugate * b[$0] }, m.map { p[$0].conjugate * p[$0] }]   // 4 × (M)
        let regular = (0..<length).filter { 2 * $0 != length }
        let tangents = regular.map { tan(Double.pi * Double($0) / Double(length)) }
        let g = tangents.map { Complex(0, 2 * $0 / step) }           // (L′)
        let sums = try weights.map { try cauchy(weights: $0, poles: lambda, points: g) }
        let values = try woodbury(kCB: sums[0], kCP: sums[1], kPB: sums[2], kPP: sums[3], scale: tangents.map { Complex(1, $0) })
        var spectrum = [Complex<Double>](repeating: .zero, count: length)  // (L): K̂_k
        for (i, k) in regular.enumerated() { spectrum[k] = values[i] }
        if length % 2 == 0 {
            spectrum[length / 2] = Complex(step * m.reduce(0.0) { $0 + (cTilde[$1] * b[$1]).real }, 0)
        }
        return (0..<length).map { j in
            (0..<length).reduce(0.0) { sum, k in
                let angle = 2 * Double.pi * Double((j * k) % length) / Double(length)
                return sum + spectrum[k].real * cos(angle) - spectrum[k].imaginary * sin(angle)
            } / Double(length)
        }
    }
}
