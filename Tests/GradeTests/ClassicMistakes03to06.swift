import Foundation
import Numerics
import Solutions

enum Mistaken03 {
    /// 03.1 forgets the conjugate partners.
    static func cauchyNoPartner(weights: [Complex<Double>], poles: [Complex<Double>], points: [Complex<Double>]) throws -> [Complex<Double>] {
        points.map { z in poles.indices.reduce(Complex<Double>.zero) { $0 + weights[$1] / (z - poles[$1]) } }
    }

    /// 03.1 1/(λ − z).
    static func cauchySign(weights: [Complex<Double>], poles: [Complex<Double>], points: [Complex<Double>]) throws -> [Complex<Double>] {
        points.map { z in
            poles.indices.reduce(Complex<Double>.zero) { $0 + weights[$1] / (poles[$1] - z) + weights[$1].conjugate / (poles[$1].conjugate - z) }
        }
    }

    /// 03.2 (kPP)⁻¹ instead of (1 + kPP)⁻¹.
    static func woodburyNoOne(kCB: [Complex<Double>], kCP: [Complex<Double>], kPB: [Complex<Double>], kPP: [Complex<Double>],
                              scale c: [Complex<Double>]) throws -> [Complex<Double>] {
        kCB.indices.map { c[$0] * (kCB[$0] - kCP[$0] * kPB[$0] / kPP[$0]) }
    }

    /// 03.2 no correction at all.
    static func woodburyNone(kCB: [Complex<Double>], kCP: [Complex<Double>], kPB: [Complex<Double>], kPP: [Complex<Double>],
                             scale c: [Complex<Double>]) throws -> [Complex<Double>] {
        kCB.indices.map { c[$0] * kCB[$0] }
    }

    /// The S4 spectrum at every k (the L/2 limit included unless `skipMiddle`), as the reference builds it.
    static func spectrum(_ lambda: [Complex<Double>], _ p: [Complex<Double>], _ b: [Complex<Double>], _ ct: [Complex<Double>],
                         _ step: Double, _ length: Int, skipMiddle: Bool = false) throws -> [Complex<Double>] {
        (0..<length).map { k in
            if 2 * k == length {
                return skipMiddle ? .zero : Complex(step * lambda.indices.reduce(0.0) { $0 + (ct[$1] * b[$1]).real }, 0)
            }
            let t = tan(Double.pi * Double(k) / Double(length))
            func sum(_ w: [Complex<Double>]) -> Complex<Double> {
                lambda.indices.reduce(Complex<Double>.zero) { s, n in
                    s + w[n] / (Complex(0, 2 * t / step) - lambda[n]) + w[n].conjugate / (Complex(0, 2 * t / step) - lambda[n].conjugate)
                }
            }
            let m = lambda.indices
            let cb = sum(m.map { ct[$0] * b[$0] }), cp = sum(m.map { ct[$0] * p[$0] })
            let pb = sum(m.map { p[$0].conjugate * b[$0] }), pp = sum(m.map { p[$0].conjugate * p[$0] })
            return Complex(1, t) * (cb - cp * pb / (1 + pp))
        }
    }

    /// Re Σ_k K̂_k e^{sign·2πijk/L} / divisor.
    static func inverse(_ spectrum: [Complex<Double>], sign: Double, divisor: Double) -> [Double] {
        let l = spectrum.count
        return (0..<l).map { j in
            spectrum.indices.reduce(0.0) { s, k in
                let angle = sign * 2 * Double.pi * Double((j * k) % l) / Double(l)
                return s + spectrum[k].real * cos(angle) - spectrum[k].imaginary * sin(angle)
            } / divisor
        }
    }

    /// 03.3 forgets 1/L.
    static func s4NoOneOverL(lambda: [Complex<Double>], p: [Complex<Double>], b: [Complex<Double>], cTilde: [Complex<Double>],
                             step: Double, length: Int) throws -> [Double] {
        inverse(try spectrum(lambda, p, b, cTilde, step, length), sign: 1, divisor: 1)
    }

    /// 03.3 inverts with e^{−2πijk/L}.
    static func s4Reversed(lambda: [Complex<Double>], p: [Complex<Double>], b: [Complex<Double>], cTilde: [Complex<Double>],
                           step: Double, length: Int) throws -> [Double] {
        inverse(try spectrum(lambda, p, b, cTilde, step, length), sign: -1, divisor: Double(length))
    }

    /// 03.3 skips ω = −1 (K̂_{L/2} = 0): right for odd L only.
    static func s4SkipsMiddle(lambda: [Complex<Double>], p: [Complex<Double>], b: [Complex<Double>], cTilde: [Complex<Double>],
                              step: Double, length: Int) throws -> [Double] {
        inverse(try spectrum(lambda, p, b, cTilde, step, length, skipMiddle: true), sign: 1, divisor: Double(length))
    }
}

enum Mistaken04 {
    /// 04.1 with a caller's B̄ and factor.
    static func kernel(_ a: [Complex<Double>], _ c: [Complex<Double>], _ step: Double, _ length: Int, factor: Double,
                       bBar: (Int, Complex<Double>) -> Complex<Double>) -> [Double] {
        (0..<length).map { l in
            a.indices.reduce(0.0) { s, n in
                let z = Complex.exp(a[n].multiplied(by: step))
                return s + factor * (c[n] * bBar(n, z) * Complex.exp(a[n].multiplied(by: step * Double(l)))).real
            }
        }
    }

    /// 04.1 Re without the 2.
    static func kernelHalf(a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>], step: Double, length: Int) throws -> [Double] {
        kernel(a, c, step, length, factor: 1) { n, z in (z - 1) / a[n] * b[n] }
    }

    /// 04.1 B in place of B̄.
    static func kernelRawB(a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>], step: Double, length: Int) throws -> [Double] {
        kernel(a, c, step, length, factor: 2) { n, _ in b[n] }
    }

    /// 04.2 n counted from 1.
    static func polesFromOne(stateSize n: Int) throws -> [Complex<Double>] {
        (1...(n / 2)).map { Complex(-0.5, Double(n) / .pi * (Double(n) / (2 * Double($0) + 1) - 1)) }
    }

    /// 04.2 without the −1.
    static func polesNoMinusOne(stateSize n: Int) throws -> [Complex<Double>] {
        (0..<(n / 2)).map { Complex(-0.5, Double(n) / .pi * Double(n) / (2 * Double($0) + 1)) }
    }

    /// 04.3 reads y before the update.
    static func stepLate(state: [Complex<Double>], a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>], step: Double,
                         input u: Double) throws -> (state: [Complex<Double>], output: Double) {
        let y = 2 * a.indices.reduce(0.0) { $0 + (c[$1] * state[$1]).real }
        return (try Reference.recurrentStep(state: state, a: a, b: b, c: c, step: step, input: u).state, y)
    }

    /// 04.3 Re without the 2.
    static func stepHalf(state: [Complex<Double>], a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>], step: Double,
                         input u: Double) throws -> (state: [Complex<Double>], output: Double) {
        let r = try Reference.recurrentStep(state: state, a: a, b: b, c: c, step: step, input: u)
        return (r.state, r.output / 2)
    }
}

enum Mistaken05 {
    /// 05.1 with a caller's B̄ rule and optional skip.
    static func step(_ h: [Double], _ x: [Double], _ delta: [Double], _ a: [Double], _ b: [Double], _ c: [Double], _ skip: [Double],
                     withSkip: Bool = true, bBar: (Double, Double) -> Double) -> (state: [Double], y: [Double]) {
        let n = b.count
        var next = h, y = [Double](repeating: 0, count: x.count)
        for d in x.indices {
            for i in 0..<n { next[d * n + i] = exp(delta[d] * a[d * n + i]) * h[d * n + i] + bBar(delta[d], a[d * n + i]) * b[i] * x[d] }
            y[d] = (0..<n).reduce(withSkip ? skip[d] * x[d] : 0) { $0 + c[$1] * next[d * n + $1] }
        }
        return (next, y)
    }

    static func stepRawB(state h: [Double], x: [Double], delta: [Double], a: [Double], b: [Double], c: [Double], skip: [Double]) throws
        -> (state: [Double], y: [Double]) { step(h, x, delta, a, b, c, skip) { _, _ in 1 } }

    static func stepNoSkip(state h: [Double], x: [Double], delta: [Double], a: [Double], b: [Double], c: [Double], skip: [Double]) throws
        -> (state: [Double], y: [Double]) { step(h, x, delta, a, b, c, skip, withSkip: false) { delta, _ in delta } }

    /// 05.1 the paper's ZOH B̄ = (e^{ΔA} − 1)/A·B.
    static func stepZOH(state h: [Double], x: [Double], delta: [Double], a: [Double], b: [Double], c: [Double], skip: [Double]) throws
        -> (state: [Double], y: [Double]) { step(h, x, delta, a, b, c, skip) { delta, a in (exp(delta * a) - 1) / a } }

    /// 05.2 composed backwards in time.
    static func combineReversed(_ first: (a: Double, b: Double), _ second: (a: Double, b: Double)) throws -> (a: Double, b: Double) {
        (first.a * second.a, first.a * second.b + first.b)
    }

    /// 05.2 b₁ not decayed.
    static func combineUndecayed(_ first: (a: Double, b: Double), _ second: (a: Double, b: Double)) throws -> (a: Double, b: Double) {
        (first.a * second.a, first.b + second.b)
    }

    /// 05.3 the product includes Ā_s.
    static func matrixExtraDecay(delta: [Double], a: [Double], b: [Double], c: [Double]) throws -> [Double] {
        let (l, n) = (delta.count, a.count)
        var m = [Double](repeating: 0, count: l * l)
        for t in 0..<l {
            var product = [Double](repeating: 1, count: n)
            for s in stride(from: t, through: 0, by: -1) {
                for i in 0..<n { product[i] *= exp(delta[s] * a[i]) }
                m[t * l + s] = (0..<n).reduce(0.0) { $0 + c[t * n + $1] * product[$1] * delta[s] * b[s * n + $1] }
            }
        }
        return m
    }

    /// 05.3 entry (t, s) stored at s·L + t.
    static func matrixTransposed(delta: [Double], a: [Double], b: [Double], c: [Double]) throws -> [Double] {
        let m = try Reference.selectiveMatrix(delta: delta, a: a, b: b, c: c), l = delta.count
        return (0..<l * l).map { m[($0 % l) * l + $0 / l] }
    }
}

enum Mistaken06 {
    /// 06.1 differences of cumulative sums.
    static func segsumNaive(logA: [Double]) throws -> [Double] {
        var cumulative: [Double] = [], running = 0.0
        for v in logA { running += v; cumulative.append(running) }
        let t = logA.count
        return (0..<t * t).map { $0 / t < $0 % t ? -.infinity : cumulative[$0 / t] - cumulative[$0 % t] }
    }

    /// 06.1 the range s … t.
    static func segsumExtraTerm(logA: [Double]) throws -> [Double] {
        let t = logA.count
        return (0..<t * t).map { i in i / t < i % t ? -.infinity : (i % t...i / t).reduce(0.0) { $0 + logA[$1] } }
    }

    /// 06.1 zeros above the diagonal.
    static func segsumZeroAbove(logA: [Double]) throws -> [Double] {
        try Reference.segsum(logA: logA).map { $0 == -.infinity ? 0 : $0 }
    }

    /// 06.2 with a caller's decay over (t, s).
    static func quadratic(_ a: [Double], _ b: [Double], _ c: [Double], _ x: [Double], _ n: Int, _ p: Int,
                          mask: (Int, Int) -> Double) -> [Double] {
        let t = a.count
        var y = [Double](repeating: 0, count: t * p)
        for row in 0..<t {
            for s in 0...row {
                let w = mask(row, s) * (0..<n).reduce(0.0) { $0 + c[row * n + $1] * b[s * n + $1] }
                for i in 0..<p { y[row * p + i] += w * x[s * p + i] }
            }
        }
        return y
    }

    static func quadraticNoMask(a: [Double], b: [Double], c: [Double], x: [Double], stateSize n: Int, headDim p: Int) throws -> [Double] {
        quadratic(a, b, c, x, n, p) { _, _ in 1 }
    }

    /// 06.2 L_ts = a_t ⋯ a_s.
    static func quadraticExtraDecay(a: [Double], b: [Double], c: [Double], x: [Double], stateSize n: Int, headDim p: Int) throws -> [Double] {
        quadratic(a, b, c, x, n, p) { t, s in (s...t).reduce(1.0) { $0 * a[$1] } }
    }

    /// 06.3 returns the state leaving each chunk.
    static func passLeaving(chunkStates: [Double], chunkDecays: [Double]) throws -> [Double] {
        let size = chunkStates.count / chunkDecays.count
        var h = [Double](repeating: 0, count: size), out: [Double] = []
        for k in chunkDecays.indices {
            h = (0..<size).map { chunkDecays[k] * h[$0] + chunkStates[k * size + $0] }
            out += h
        }
        return out
    }

    /// 06.3 never decays the carried state.
    static func passUndecayed(chunkStates: [Double], chunkDecays: [Double]) throws -> [Double] {
        let size = chunkStates.count / chunkDecays.count
        var h = [Double](repeating: 0, count: size), out: [Double] = []
        for k in chunkDecays.indices {
            out += h
            h = (0..<size).map { h[$0] + chunkStates[k * size + $0] }
        }
        return out
    }
}
