import Course
import Foundation
import Numerics
import StateSpace

/// The graders of chapter 03's exercises (`Exercises/Chapter03/`).
public enum Chapter03Grading {
    public static let title = "S4: diagonal plus low rank and the Cauchy kernel"

    public static func exercises<S: Chapter03Exercises>(_: S.Type) -> [Exercise] {
        [
            Exercise(id: "03.1", title: "the Cauchy kernel with conjugate pairs") { cauchy(S.cauchy, seed: $0) },
            Exercise(id: "03.2", title: "the Woodbury correction") { woodbury(S.woodbury, seed: $0) },
            Exercise(id: "03.3", title: "the S4 kernel from its generating function") { s4Kernel(S.s4Kernel, seed: $0) },
        ]
    }

    public enum Hints {
        public static let noPartner = Hint(
            "03.1/no-partner", "only half the poles: each stored λ_n also stands for its conjugate λ̄_n, with weight w̄_n — "
                + "add w̄_n/(z − λ̄_n)")
        public static let sign = Hint("03.1/sign", "sign flipped: the kernel is Σ w/(z − λ), not Σ w/(λ − z)")
        public static let partnerWeight = Hint(
            "03.1/partner-weight", "the conjugate partner's weight is w̄_n (the conjugate of w_n), not w_n")
        public static let noCorrection = Hint(
            "03.2/no-correction", "no Woodbury correction: c·k(C̃V, B̃) alone is the kernel of the normal part S = A + PPᵀ, "
                + "not of A = S − PPᵀ")
        public static let missingOne = Hint(
            "03.2/missing-one", "(1 + k(P̃*, P̃))⁻¹: the 1 (the identity in Woodbury's (I + V*R U)⁻¹) is missing")
        public static let correctionSign = Hint("03.2/correction-sign", "sign of the correction: A = V(Λ − P̃P̃*)V* makes Woodbury subtract")
        public static let missingScale = Hint("03.2/missing-scale", "missing the factor c = 2/(1 + ω) of the bilinear map")
        public static let s4NoCorrection = Hint(
            "03.3/no-correction", "this is the kernel of the normal part S = A + PPᵀ: the Woodbury correction (exercise 03.2) is missing")
        public static let missingOneOverL = Hint("03.3/missing-1-over-L", "off by a factor L everywhere: the inverse DFT divides by L")
        public static let reversed = Hint(
            "03.3/reversed", "reversed in time (K_{L−j}): K̂ is evaluated at ω_k = e^{−2πik/L}, and the inverse DFT uses e^{+2πijk/L}")
        public static let halfSpectrum = Hint(
            "03.3/half-spectrum", "only the frequencies k ≤ L/2 are summed: K is real, so K̂_{L−k} = conj K̂_k — sum all L "
                + "(conjugate symmetry), or count each k = 1 … ⌈L/2⌉−1 twice")
        public static let evenLength = Hint(
            "03.3/even-length", "fails only for even L: at k = L/2, ω = −1, where g and c have a pole; use the limit "
                + "K̂ = (Δ/2)·C̃B̃ = Δ·Re Σ_n C̃V_n B̃_n there")
    }

    // MARK: 03.1

    typealias CauchyInput = (w: [Complex<Double>], poles: [Complex<Double>], z: [Complex<Double>])

    /// Cases: M ∈ {1, 3, 16} poles −½ + iμ or random in the left half plane, J ∈ {1, 5, 20}
    /// points on the imaginary axis (where S4 evaluates) or anywhere. Tolerance 1e-12: a sum of
    /// 2M terms, each formed to a few ε; the sum's condition number (Σ|terms|/|sum|) stays
    /// ≤ ~100 for these points.
    public static func cauchy(_ f: ([Complex<Double>], [Complex<Double>], [Complex<Double>]) throws -> [Complex<Double>],
                              seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "03.1")
        let cases = [(16, 20), (3, 5), (16, 1), (1, 5), (1, 1)].enumerated().map { index, size in
            let (m, j) = size
            let poles = (0..<m).map { _ in Complex(index % 2 == 0 ? -0.5 : -draw.uniform(0.1...2), draw.uniform(0.5...30)) }
            let z = (0..<j).map { _ in index % 2 == 0 ? Complex(0, draw.uniform(-40...40)) : Complex(draw.uniform(0...3), draw.uniform(-40...40)) }
            return GradingCase(label: "M = \(m), J = \(j)", input: (w: draw.complexGaussians(m), poles: poles, z: z))
        }
        func library(_ i: CauchyInput, pairs: Bool) throws -> [Double] {
            interleaved(try cauchyKernel(weights: i.w, poles: i.poles, points: i.z, conjugatePairs: pairs))
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "k (J complex)",
            reference: { try library($0, pairs: true) },
            student: { i in
                let r = try f(i.w, i.poles, i.z)
                try requireCount(r, i.z.count, "k")
                return interleaved(r)
            },
            mistakes: [
                Mistake(hint: Hints.noPartner) { try library($0, pairs: false) },
                Mistake(hint: Hints.sign) { try library($0, pairs: true).map { -$0 } },
                Mistake(hint: Hints.partnerWeight) { i in
                    let a = try cauchyKernel(weights: i.w, poles: i.poles, points: i.z, conjugatePairs: false)
                    let b = try cauchyKernel(weights: i.w, poles: i.poles.map(\.conjugate), points: i.z, conjugatePairs: false)
                    return interleaved(zip(a, b).map { $0 + $1 })
                },
            ])
    }

    // MARK: 03.2 and 03.3 share LegS systems.

    struct S4Case {
        let dplr: DPLR
        let cTilde: [Double]                                          // (N), real
        let ct: [Complex<Double>]                                     // (N/2): C̃V
        let step: Double
        let length: Int
    }

    static func s4Case(_ draw: inout Draw, n: Int, length: Int) -> S4Case {
        let dplr = try! DPLR.legS(stateSize: n)
        let cTilde = draw.gaussians(n)
        return S4Case(dplr: dplr, cTilde: cTilde, ct: try! dplr.rowInEigenbasis(cTilde), step: draw.logUniform(1e-3, 0.1), length: length)
    }

    typealias WoodburyInput = (sums: [[Complex<Double>]], scale: [Complex<Double>], s4: S4Case)

    /// The four Cauchy sums (by the library) and c at g_k = i(2/Δ)tan(πk/L), k = 0 … ⌊L/2⌋, k ≠ L/2.
    static func woodburyInput(_ s: S4Case) throws -> WoodburyInput {
        let ks = (0...(s.length / 2)).filter { 2 * $0 != s.length }
        let tangents = ks.map { tan(Double.pi * Double($0) / Double(s.length)) }
        let g = tangents.map { Complex(0, 2 * $0 / s.step) }
        let (p, b, m) = (s.dplr.p, s.dplr.b, s.dplr.lambda.indices)
        let weights = [m.map { s.ct[$0] * b[$0] }, m.map { s.ct[$0] * p[$0] }, m.map { p[$0].conjugate * b[$0] }, m.map { p[$0].conjugate * p[$0] }]
        let sums = try weights.map { try cauchyKernel(weights: $0, poles: s.dplr.lambda, points: g, conjugatePairs: true) }
        return (sums, tangents.map { Complex(1, $0) }, s)
    }

    /// The library's generating function at the same k (k ≠ L/2).
    static func generating(_ i: WoodburyInput, lowRank: Bool = true) throws -> [Double] {
        let s = i.s4
        let all = try s4GeneratingFunction(s.dplr, cTilde: s.cTilde, step: s.step, length: s.length, lowRankTerm: lowRank)
        return interleaved(all.indices.filter { 2 * $0 != s.length }.map { all[$0] })
    }

    /// Cases: LegS with N ∈ {2, 8, 32}, L ∈ {8, 17, 64}, Δ log-uniform in [1e-3, 0.1]. Tolerance
    /// 1e-10: the same complex arithmetic in a different order; near the poles of g the sums are
    /// large and K̂ is a difference of them, which costs up to ~100× ε·|sums|/|K̂|.
    public static func woodbury(_ f: ([Complex<Double>], [Complex<Double>], [Complex<Double>], [Complex<Double>], [Complex<Double>]) throws
        -> [Complex<Double>], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "03.2")
        let cases = [(8, 17), (32, 64), (2, 8)].map { n, l in
            GradingCase(label: "LegS N = \(n), L = \(l)", input: try! woodburyInput(s4Case(&draw, n: n, length: l)))
        }
        func combine(_ i: WoodburyInput, _ rule: (Complex<Double>, Complex<Double>, Complex<Double>, Complex<Double>) -> Complex<Double>)
            -> [Double] {
            interleaved(i.scale.indices.map { j in i.scale[j] * rule(i.sums[0][j], i.sums[1][j], i.sums[2][j], i.sums[3][j]) })
        }
        return Judge.grade(
            cases, tolerance: 1e-10, shape: "K̂ (J complex), one per point",
            reference: { try generating($0) },
            student: { i in
                let r = try f(i.sums[0], i.sums[1], i.sums[2], i.sums[3], i.scale)
                try requireCount(r, i.scale.count, "K̂")
                return interleaved(r)
            },
            mistakes: [
                Mistake(hint: Hints.noCorrection) { try generating($0, lowRank: false) },
                Mistake(hint: Hints.missingOne) { combine($0) { cb, cp, pb, pp in cb - cp * pb / pp } },
                Mistake(hint: Hints.correctionSign) { combine($0) { cb, cp, pb, pp in cb + cp * pb / (1 + pp) } },
                Mistake(hint: Hints.missingScale) { i in
                    interleaved(i.scale.indices.map { j in i.sums[0][j] - i.sums[1][j] * i.sums[2][j] / (1 + i.sums[3][j]) })
                },
            ])
    }

    // MARK: 03.3

    static func libraryKernel(_ s: S4Case, lowRank: Bool = true) throws -> [Double] {
        try StateSpace.s4Kernel(s.dplr, cTilde: s.cTilde, step: s.step, length: s.length, lowRankTerm: lowRank)
    }

    /// Cases: LegS N ∈ {2, 8, 16, 64}; odd L first (17, 33, 101), then the edges L = 1, 2, 16, 64
    /// (even: the ω = −1 limit). Tolerance 1e-9: the library inverts K̂ by FFTW, the solution by
    /// an O(L²) DFT; both sum L terms of size ≤ max|K̂| (≈ L·ε·max|K̂|/max|K|, and max|K̂| ≤ L·max|K|).
    public static func s4Kernel(_ f: ([Complex<Double>], [Complex<Double>], [Complex<Double>], [Complex<Double>], Double, Int) throws
        -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "03.3")
        var cases = [(8, 17), (16, 33), (64, 101), (2, 1)].map { n, l in
            GradingCase(label: "LegS N = \(n), L = \(l)", input: s4Case(&draw, n: n, length: l))
        }
        cases += [(8, 2), (16, 16), (64, 64)].map { n, l in
            GradingCase(label: "LegS N = \(n), L = \(l)", input: s4Case(&draw, n: n, length: l), edgeHint: Hints.evenLength)
        }
        return Judge.grade(
            cases, tolerance: 1e-9, shape: "K (L)",
            reference: { try libraryKernel($0) },
            student: { s in try f(s.dplr.lambda, s.dplr.p, s.dplr.b, s.ct, s.step, s.length) },
            mistakes: [
                Mistake(hint: Hints.s4NoCorrection) { try libraryKernel($0, lowRank: false) },
                Mistake(hint: Hints.missingOneOverL) { s in try libraryKernel(s).map { $0 * Double(s.length) } },
                Mistake(hint: Hints.reversed) { s in let k = try libraryKernel(s); return (0..<s.length).map { k[(s.length - $0) % s.length] } },
                Mistake(hint: Hints.halfSpectrum) { s in
                    let spectrum = try s4GeneratingFunction(s.dplr, cTilde: s.cTilde, step: s.step, length: s.length)
                    return (0..<s.length).map { j in
                        spectrum.indices.reduce(0.0) { sum, k in
                            let angle = 2 * Double.pi * Double((j * k) % s.length) / Double(s.length)
                            return sum + spectrum[k].real * cos(angle) - spectrum[k].imaginary * sin(angle)
                        } / Double(s.length)
                    }
                },
            ])
    }
}
