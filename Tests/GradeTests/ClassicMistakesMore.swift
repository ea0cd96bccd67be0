import Foundation
import Numerics
import Solutions

/// The remaining classic mistakes, one per hint not exercised by the first two files, so that
/// every hint the grader can give is shown to be reachable by a plausible wrong implementation.
enum MistakenMore {
    /// 00.1 reads A column-major.
    static func zohTransposed(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        try Reference.zeroOrderHold(a: [a[0], a[2], a[1], a[3]], b: b, step: step)
    }

    /// 00.2 x_k = Ā(x_{k−1} + B̄u_k).
    static func recurrenceDecayedInput(aBar: [Double], bBar: [Double], c: [Double], input u: [Double]) throws -> [Double] {
        let n = bBar.count
        var x = [Double](repeating: 0, count: n)
        return u.map { uk in
            let pre = (0..<n).map { x[$0] + bBar[$0] * uk }
            x = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + aBar[i * n + $1] * pre[$1] } }
            return zip(c, x).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    /// 00.3 y_k = Σ_{j<k} K_j u_{k−1−j}: one step late.
    static func convolutionLate(kernel: [Double], input u: [Double]) throws -> [Double] {
        (0..<u.count).map { k in (0..<k).reduce(0.0) { $0 + kernel[$1] * u[k - 1 - $1] } }
    }

    /// 01.1 the unstable sign.
    static func legTSign(stateSize n: Int, window theta: Double) throws -> (a: [Double], b: [Double]) {
        let r = try Reference.legT(stateSize: n, window: theta)
        return (r.a.map { -$0 }, r.b)
    }

    /// 01.2 B = 1.
    static func legSUnitB(stateSize n: Int) throws -> (a: [Double], b: [Double]) {
        (try Reference.legS(stateSize: n).a, [Double](repeating: 1, count: n))
    }

    /// 02.1 forward Euler.
    static func bilinearEuler(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        let n = b.count
        return ((0..<n * n).map { ($0 / n == $0 % n ? 1 : 0) + step * a[$0] }, b.map { step * $0 })
    }

    /// 03.1 the partner with weight w_n instead of w̄_n.
    static func cauchyPartnerWeight(weights: [Complex<Double>], poles: [Complex<Double>], points: [Complex<Double>]) throws
        -> [Complex<Double>]
    {
        points.map { z in poles.indices.reduce(Complex<Double>.zero) { $0 + weights[$1] / (z - poles[$1]) + weights[$1] / (z - poles[$1].conjugate) } }
    }

    /// 03.2 adds the correction.
    static func woodburyPlus(kCB: [Complex<Double>], kCP: [Complex<Double>], kPB: [Complex<Double>], kPP: [Complex<Double>],
                             scale c: [Complex<Double>]) throws -> [Complex<Double>] {
        kCB.indices.map { c[$0] * (kCB[$0] + kCP[$0] * kPB[$0] / (1 + kPP[$0])) }
    }

    /// 03.2 forgets c.
    static func woodburyNoScale(kCB: [Complex<Double>], kCP: [Complex<Double>], kPB: [Complex<Double>], kPP: [Complex<Double>],
                                scale c: [Complex<Double>]) throws -> [Complex<Double>] {
        kCB.indices.map { kCB[$0] - kCP[$0] * kPB[$0] / (1 + kPP[$0]) }
    }

    /// 03.3 without the Woodbury term (the limit at ω = −1 is the same for S: C̃B̃ does not involve P̃).
    static func s4NoCorrection(lambda: [Complex<Double>], p: [Complex<Double>], b: [Complex<Double>], cTilde: [Complex<Double>],
                               step: Double, length: Int) throws -> [Double] {
        let zero = [Complex<Double>](repeating: .zero, count: p.count)
        return Mistaken03.inverse(try Mistaken03.spectrum(lambda, zero, b, cTilde, step, length), sign: 1, divisor: Double(length))
    }

    /// 03.3 sums only k = 0 … ⌊L/2⌋.
    static func s4HalfSpectrum(lambda: [Complex<Double>], p: [Complex<Double>], b: [Complex<Double>], cTilde: [Complex<Double>],
                               step: Double, length: Int) throws -> [Double] {
        let full = try Mistaken03.spectrum(lambda, p, b, cTilde, step, length)
        let half = Array(full.prefix(length / 2 + 1))
        return (0..<length).map { j in
            half.indices.reduce(0.0) { s, k in
                let angle = 2 * Double.pi * Double((j * k) % length) / Double(length)
                return s + half[k].real * cos(angle) - half[k].imaginary * sin(angle)
            } / Double(length)
        }
    }

    /// 04.1 Euler's B̄ = ΔB.
    static func kernelEulerB(a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>], step: Double, length: Int) throws -> [Double] {
        Mistaken04.kernel(a, c, step, length, factor: 2) { n, _ in b[n].multiplied(by: step) }
    }

    /// 04.2 real part −1.
    static func polesRealPart(stateSize n: Int) throws -> [Complex<Double>] {
        try Reference.inversePoles(stateSize: n).map { Complex(-1, $0.imaginary) }
    }

    /// 04.3 Euler's B̄ = ΔB.
    static func stepEulerB(state: [Complex<Double>], a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>], step: Double,
                           input u: Double) throws -> (state: [Complex<Double>], output: Double) {
        let next = a.indices.map { Complex.exp(a[$0].multiplied(by: step)) * state[$0] + b[$0].multiplied(by: step * u) }
        return (next, 2 * a.indices.reduce(0.0) { $0 + (c[$1] * next[$1]).real })
    }

    /// 05.1 Ā = exp(A).
    static func stepUndiscretisedA(state h: [Double], x: [Double], delta: [Double], a: [Double], b: [Double], c: [Double], skip: [Double])
        throws -> (state: [Double], y: [Double])
    {
        let n = b.count
        var next = h, y = [Double](repeating: 0, count: x.count)
        for d in x.indices {
            for i in 0..<n { next[d * n + i] = exp(a[d * n + i]) * h[d * n + i] + delta[d] * b[i] * x[d] }
            y[d] = (0..<n).reduce(skip[d] * x[d]) { $0 + c[$1] * next[d * n + $1] }
        }
        return (next, y)
    }

    /// 05.1 y read from the old state.
    static func stepLate(state h: [Double], x: [Double], delta: [Double], a: [Double], b: [Double], c: [Double], skip: [Double]) throws
        -> (state: [Double], y: [Double])
    {
        let n = b.count
        let y = x.indices.map { d in (0..<n).reduce(skip[d] * x[d]) { $0 + c[$1] * h[d * n + $1] } }
        return (try Reference.selectiveStep(state: h, x: x, delta: delta, a: a, b: b, c: c, skip: skip).state, y)
    }

    /// 05.2 decays added.
    static func combineSummedDecay(_ first: (a: Double, b: Double), _ second: (a: Double, b: Double)) throws -> (a: Double, b: Double) {
        (first.a + second.a, second.a * first.b + second.b)
    }

    /// 05.3 B_s without Δ_s.
    static func matrixRawB(delta: [Double], a: [Double], b: [Double], c: [Double]) throws -> [Double] {
        let (l, n) = (delta.count, a.count)
        let m = try Reference.selectiveMatrix(delta: delta, a: a, b: b, c: c)
        _ = n
        return (0..<l * l).map { delta[$0 % l] == 0 ? 0 : m[$0] / delta[$0 % l] }
    }

    /// 06.2 every s, with the decay between t and s in either direction.
    static func quadraticFuture(a: [Double], b: [Double], c: [Double], x: [Double], stateSize n: Int, headDim p: Int) throws -> [Double] {
        let t = a.count
        var y = [Double](repeating: 0, count: t * p)
        for row in 0..<t {
            for s in 0..<t {
                let decay = (min(row, s) + 1..<max(row, s) + 1).reduce(1.0) { $0 * a[$1] }
                let w = decay * (0..<n).reduce(0.0) { $0 + c[row * n + $1] * b[s * n + $1] }
                for i in 0..<p { y[row * p + i] += w * x[s * p + i] }
            }
        }
        return y
    }

    /// 06.3 decays the chunk's own state too.
    static func passDecayedTwice(chunkStates: [Double], chunkDecays: [Double]) throws -> [Double] {
        let size = chunkStates.count / chunkDecays.count
        var h = [Double](repeating: 0, count: size), out: [Double] = []
        for k in chunkDecays.indices {
            out += h
            h = (0..<size).map { chunkDecays[k] * (h[$0] + chunkStates[k * size + $0]) }
        }
        return out
    }
}
