import Course
import StateSpace

/// The graders of chapter 01's exercises (`Exercises/Chapter01/`).
public enum Chapter01Grading {
    public static let title = "HiPPO: memory as polynomial projection"

    public static func exercises<S: Chapter01Exercises>(_: S.Type) -> [Exercise] {
        [
            Exercise(id: "01.1", title: "the HiPPO-LegT matrices") { legT(S.legT, seed: $0) },
            Exercise(id: "01.2", title: "the HiPPO-LegS matrices") { legS(S.legS, seed: $0) },
            Exercise(id: "01.3", title: "reconstructing the window from a LegT state") { reconstruction(S.legTReconstruction, seed: $0) },
        ]
    }

    public enum Hints {
        public static let legTTransposed = Hint(
            "01.1/transposed", "the (−1)^{n−k} sign belongs above the diagonal (n < k, row n, column k); yours is below: "
                + "A is transposed (entry (n, k) is a[n·N + k])")
        public static let legTWindow = Hint("01.1/window", "off by a factor θ everywhere: both A and B carry 1/θ (a window of θ time units)")
        public static let legTSign = Hint("01.1/sign", "sign flipped: with the stable convention A's entries are −(1/θ)√(2n+1)√(2k+1)·(…)")
        public static let legSDiagonal = Hint(
            "01.2/diagonal", "diagonal off by one: A_nn = −(n + 1) with n counted from 0 (eigenvalues −1 … −N)")
        public static let legSTransposed = Hint("01.2/transposed", "A is lower triangular: its nonzeros are at n > k (row n, column k)")
        public static let legSB = Hint("01.2/b", "B_n = √(2n+1), not 1")
        public static let flipped = Hint(
            "01.3/flipped", "flipped window: age 0 (now) is x = +1 and age θ (the oldest moment) is x = −1; yours is the "
                + "reconstruction of the window played backwards")
        public static let normalisation = Hint(
            "01.3/normalisation", "normalisation: the state holds coefficients of the orthonormal basis √(2n+1)·P_n(x), not P_n(x)")
    }

    typealias Matrices = (a: [Double], b: [Double])

    /// Cases: N ∈ {1, 2, 3, 8, 33}, θ log-uniform in [0.2, 5]. Tolerance 1e-13: the same closed
    /// form, a few roundings per entry.
    public static func legT(_ f: (Int, Double) throws -> (a: [Double], b: [Double]), seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "01.1")
        let cases = [8, 33, 3, 2, 1].map { n in
            let theta = draw.logUniform(0.2, 5)
            return GradingCase(label: "N = \(n), θ = \(Judge.short(theta))", input: (n: n, theta: theta))
        }
        func library(_ n: Int, _ theta: Double) throws -> Matrices {
            let t = try legTTransition(stateSize: n, window: theta)
            return (t.a.elements, t.b)
        }
        return Judge.grade(
            cases, tolerance: 1e-13, shape: "A (N·N, row-major), then B (N)",
            reference: { let t = try library($0.n, $0.theta); return t.a + t.b },
            student: { i in
                let r = try f(i.n, i.theta)
                try requireCount(r.a, i.n * i.n, "A")
                try requireCount(r.b, i.n, "B")
                return r.a + r.b
            },
            mistakes: [
                Mistake(hint: Hints.legTTransposed) { let t = try library($0.n, $0.theta); return transposed(t.a, $0.n) + t.b },
                Mistake(hint: Hints.legTWindow) { i in let t = try library(i.n, i.theta); return (t.a + t.b).map { $0 * i.theta } },
                Mistake(hint: Hints.legTSign) { let t = try library($0.n, $0.theta); return t.a.map { -$0 } + t.b },
            ])
    }

    /// Cases: N ∈ {1, 2, 5, 16, 64}. Tolerance 1e-13 (the same closed form).
    public static func legS(_ f: (Int) throws -> (a: [Double], b: [Double]), seed: UInt64) -> Verdict {
        let cases = [5, 16, 64, 2, 1].map { GradingCase(label: "N = \($0)", input: $0) }
        func library(_ n: Int) throws -> Matrices {
            let t = try legSTransition(stateSize: n)
            return (t.a.elements, t.b)
        }
        return Judge.grade(
            cases, tolerance: 1e-13, shape: "A (N·N, row-major), then B (N)",
            reference: { let t = try library($0); return t.a + t.b },
            student: { n in
                let r = try f(n)
                try requireCount(r.a, n * n, "A")
                try requireCount(r.b, n, "B")
                return r.a + r.b
            },
            mistakes: [
                Mistake(hint: Hints.legSDiagonal) { n in
                    var t = try library(n)
                    for i in 0..<n { t.a[i * n + i] += 1 }
                    return t.a + t.b
                },
                Mistake(hint: Hints.legSTransposed) { let t = try library($0); return transposed(t.a, $0) + t.b },
                Mistake(hint: Hints.legSB) { let t = try library($0); return t.a + t.b.map { _ in 1 } },
            ])
    }

    typealias ReconstructionInput = (c: [Double], theta: Double, ages: [Double])

    /// Cases: N ∈ {1, 2, 8, 32}, θ log-uniform in [0.1, 10], ages uniform in [0, θ] plus both
    /// ends. Tolerance 1e-11, relative to the terms' size Σ_n √(2n+1)|c_n| (≥ max|f̂|, as
    /// |P_n| ≤ 1 on [−1, 1]; f̂ can cancel below it): Legendre values by the three-term recurrence
    /// are accurate to a few ε·N, so the two sums agree to ≈ N·ε of the terms.
    public static func reconstruction(_ f: ([Double], Double, [Double]) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "01.3")
        let cases = [8, 32, 2, 1].map { n in
            let theta = draw.logUniform(0.1, 10)
            let ages = [0, theta] + (0..<9).map { _ in draw.uniform(0...theta) }
            return GradingCase(label: "N = \(n), θ = \(Judge.short(theta))", input: (c: draw.gaussians(n), theta: theta, ages: ages))
        }
        let now = 0.0                                                 // times = −age: no rounding in now − age
        func library(_ i: ReconstructionInput) throws -> [Double] {
            try HiPPOMeasure.legT(window: i.theta).reconstruct(state: i.c, at: i.ages.map { now - $0 }, now: now)
        }
        return Judge.grade(
            cases, tolerance: 1e-11, shape: "f̂ at each age (J)",
            scale: { i in i.c.indices.reduce(0.0) { $0 + (2 * Double($1) + 1).squareRoot() * abs(i.c[$1]) } },
            reference: library,
            student: { try f($0.c, $0.theta, $0.ages) },
            mistakes: [
                Mistake(hint: Hints.flipped) { i in
                    try library((i.c.indices.map { $0 % 2 == 0 ? i.c[$0] : -i.c[$0] }, i.theta, i.ages))   // P_n(−x) = (−1)ⁿP_n(x)
                },
                Mistake(hint: Hints.normalisation) { i in
                    try library((i.c.indices.map { i.c[$0] / (2 * Double($0) + 1).squareRoot() }, i.theta, i.ages))
                },
            ])
    }
}
