import Course
import Numerics
import StateSpace

/// The graders of chapter 04's exercises (`Exercises/Chapter04/`).
public enum Chapter04Grading {
    public static let title = "S4 at length: S4D and the RNN view"

    public static func exercises<S: Chapter04Exercises>(_: S.Type) -> [Exercise] {
        [
            Exercise(id: "04.1", title: "the S4D Vandermonde kernel") { vandermondeKernel(S.vandermondeKernel, seed: $0) },
            Exercise(id: "04.2", title: "the S4D-Inv initialisation") { inversePoles(S.inversePoles, seed: $0) },
            Exercise(id: "04.3", title: "S4D as an RNN: one step") { recurrentStep(S.recurrentStep, seed: $0) },
        ]
    }

    public enum Hints {
        public static let half = Hint(
            "04.1/half", "half the kernel: each stored mode stands for a conjugate pair, so K_l = 2·Re Σ_n (…), not Re Σ_n (…)")
        public static let eulerB = Hint("04.1/euler-b", "B̄ = ΔB is Euler's input rule; S4D's zero-order hold has B̄ = (e^{ΔA} − 1)/A·B")
        public static let rawB = Hint(
            "04.1/raw-b", "off by a factor ≈ Δ everywhere: did you use B instead of B̄ = (e^{ΔA} − 1)/A·B?")
        public static let offByOne = Hint("04.2/off-by-one", "n counts from 0: the first pole has N/(2·0 + 1) = N, i.e. Im A_0 = (N/π)(N − 1)")
        public static let missingMinusOne = Hint(
            "04.2/missing-minus-one", "every imaginary part is N/π too large: the law is (N/π)(N/(2n+1) − 1)")
        public static let realPart = Hint("04.2/real-part", "the real part of every S4D-Inv pole is −½")
        public static let late = Hint("04.3/late", "one step late: read y = 2·Re Σ C_n x_n after updating x with this step's input")
        public static let stepHalf = Hint("04.3/half", "half the output: each mode stands for a conjugate pair, y = 2·Re Σ_n C_n x_n")
        public static let stepEulerB = Hint("04.3/euler-b", "B̄ = ΔB is Euler's input rule; use ZOH's (e^{ΔA} − 1)/A·B as in 04.1")
    }

    /// A random S4D system: Lin, Inv (random C, B = 1) or LegS (B = ½B̃, random complex C).
    static func system(_ draw: inout Draw, _ kind: Int, n: Int) -> S4D {
        switch kind {
        case 0: return try! S4D(.lin, stateSize: n, rng: &draw.rng)
        case 1: return try! S4D(.inv, stateSize: n, rng: &draw.rng)
        default:
            let dplr = try! DPLR.legS(stateSize: n)
            return try! S4D(legS: dplr, c: draw.complexGaussians(n / 2))
        }
    }

    static let kinds = ["Lin", "Inv", "LegS"]

    typealias KernelInput = (s4d: S4D, step: Double, length: Int)

    /// 2Σ_n |C_n B̄_n|: the largest |K_l| could be, the size of what K_l is summed from.
    static func termSize(_ i: KernelInput) -> Double {
        let (_, bBar) = i.s4d.discretized(step: i.step)
        return 2 * i.s4d.c.indices.reduce(0.0) { $0 + (i.s4d.c[$1] * bBar[$1]).length }
    }

    /// Σ_n weight_n·z_nˡ with a caller's B̄ (for the mistakes' models). (L)
    static func kernel(_ s: S4D, step: Double, length: Int, factor: Double, bBar: (Int) -> Complex<Double>) -> [Double] {
        var k = [Double](repeating: 0, count: length)
        for n in s.a.indices {
            let z = Complex.exp(s.a[n].multiplied(by: step))
            var w = s.c[n] * bBar(n)
            for l in 0..<length { k[l] += factor * w.real; w = w * z }
        }
        return k
    }

    /// Cases: S4D-Lin, -Inv, -LegS with N ∈ {2, 8, 32}, Δ log-uniform in [1e-3, 0.1], L ∈ {1, 10, 200}.
    /// Tolerance 1e-10, relative to the terms' size 2Σ_n|C_n B̄_n| (≥ max|K|; K_l can cancel far
    /// below it — seed 34's S4D-Inv at L = 1 has K_0 ≈ 1e-5 of it): the library anchors zˡ every 64
    /// steps, a solution multiplies L times, ≈ L·ε of the terms apart.
    public static func vandermondeKernel(_ f: ([Complex<Double>], [Complex<Double>], [Complex<Double>], Double, Int) throws -> [Double],
                                         seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "04.1")
        let cases = [(0, 8, 200), (1, 32, 200), (2, 32, 10), (0, 2, 10), (1, 8, 1)].map { kind, n, l in
            let step = draw.logUniform(1e-3, 0.1)
            return GradingCase(label: "S4D-\(kinds[kind]) N = \(n), L = \(l), Δ = \(Judge.short(step))",
                               input: (s4d: system(&draw, kind, n: n), step: step, length: l))
        }
        return Judge.grade(
            cases, tolerance: 1e-10, shape: "K (L)", scale: termSize,
            reference: { try $0.s4d.kernel(step: $0.step, length: $0.length) },
            student: { try f($0.s4d.a, $0.s4d.b, $0.s4d.c, $0.step, $0.length) },
            mistakes: [
                Mistake(hint: Hints.half) { try $0.s4d.kernel(step: $0.step, length: $0.length).map { $0 / 2 } },
                Mistake(hint: Hints.eulerB) { i in var e = i.s4d; e.inputRule = .euler; return try e.kernel(step: i.step, length: i.length) },
                Mistake(hint: Hints.rawB) { i in kernel(i.s4d, step: i.step, length: i.length, factor: 2) { i.s4d.b[$0] } },
            ])
    }

    /// Cases: N ∈ {2, 4, 16, 64, 256}. Tolerance 1e-14: one closed form.
    public static func inversePoles(_ f: (Int) throws -> [Complex<Double>], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "04.2")
        let cases = [16, 64, 256, 4, 2].map { GradingCase(label: "N = \($0)", input: $0) }
        func library(_ n: Int) throws -> [Complex<Double>] { try S4D(.inv, stateSize: n, rng: &draw.rng).a }
        func law(_ n: Int, _ im: (Double, Double) -> Double) -> [Double] {
            interleaved((0..<n / 2).map { Complex(-0.5, im(Double(n), Double($0))) })
        }
        return Judge.grade(
            cases, tolerance: 1e-14, shape: "A (N/2 complex)",
            reference: { interleaved(try library($0)) },
            student: { n in let r = try f(n); try requireCount(r, n / 2, "A"); return interleaved(r) },
            mistakes: [
                Mistake(hint: Hints.offByOne) { law($0) { nn, k in nn / .pi * (nn / (2 * k + 3) - 1) } },
                Mistake(hint: Hints.missingMinusOne) { law($0) { nn, k in nn / .pi * nn / (2 * k + 1) } },
                Mistake(hint: Hints.realPart) { n in
                    try library(n).flatMap { [-1, $0.imaginary] }
                },
            ])
    }

    typealias StepInput = (s4d: S4D, step: Double, u: [Double])

    /// Cases: as 04.1, with a Gaussian input of L ∈ {1, 5, 100}. The student's step runs L times
    /// from x = 0. Tolerance 1e-10 (the same recurrence; e^{ΔA} and B̄ formed a little
    /// differently, ≈ L·ε).
    public static func recurrentStep(_ f: ([Complex<Double>], [Complex<Double>], [Complex<Double>], [Complex<Double>], Double, Double) throws
        -> (state: [Complex<Double>], output: Double), seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "04.3")
        let cases = [(0, 8, 100), (1, 16, 100), (2, 8, 5), (0, 2, 1)].map { kind, n, l in
            let step = draw.logUniform(1e-3, 0.1)
            return GradingCase(label: "S4D-\(kinds[kind]) N = \(n), L = \(l), Δ = \(Judge.short(step))",
                               input: (s4d: system(&draw, kind, n: n), step: step, u: draw.gaussians(l)))
        }
        func run(_ i: StepInput) throws -> [Double] {
            var state = [Complex<Double>](repeating: .zero, count: i.s4d.a.count)
            return try i.u.map { u in
                let r = try f(state, i.s4d.a, i.s4d.b, i.s4d.c, i.step, u)
                try requireCount(r.state, i.s4d.a.count, "the new state")
                state = r.state
                return r.output
            }
        }
        return Judge.grade(
            cases, tolerance: 1e-10, shape: "the new state (M complex) and y",
            reference: { try $0.s4d.scan($0.u, step: $0.step) },
            student: run,
            mistakes: [
                Mistake(hint: Hints.late) { [0] + (try $0.s4d.scan($0.u, step: $0.step)).dropLast() },
                Mistake(hint: Hints.stepHalf) { try $0.s4d.scan($0.u, step: $0.step).map { $0 / 2 } },
                Mistake(hint: Hints.stepEulerB) { i in var e = i.s4d; e.inputRule = .euler; return try e.scan(i.u, step: i.step) },
            ])
    }
}
