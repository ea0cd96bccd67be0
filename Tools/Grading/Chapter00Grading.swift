import Course
import StateSpace

/// The graders of chapter 00's exercises (`Exercises/Chapter00/`).
public enum Chapter00Grading {
    public static let title = "From a spring to a state space model"

    public static func exercises<S: Chapter00Exercises>(_: S.Type) -> [Exercise] {
        [
            Exercise(id: "00.1", title: "zero-order hold of a 2×2 system") { zeroOrderHold(S.zeroOrderHold, seed: $0) },
            Exercise(id: "00.2", title: "the recurrent view") { recurrence(S.recurrence, seed: $0) },
            Exercise(id: "00.3", title: "causal convolution, directly") { causalConvolution(S.causalConvolution, seed: $0) },
        ]
    }

    public enum Hints {
        public static let euler = Hint("00.1/euler", "first order: Ā = I + ΔA, B̄ = ΔB is forward Euler; ZOH is exact: Ā = e^{ΔA}")
        public static let eulerB = Hint(
            "00.1/euler-b", "Ā is right but B̄ = ΔB is Euler's input rule (what Mamba's code uses); the zero-order hold "
                + "integrates the held input: B̄ = ∫₀^Δ e^{sA} ds·B = A⁻¹(e^{ΔA} − I)B")
        public static let transposedA = Hint("00.1/transposed", "this is the ZOH of Aᵀ: entry (i, j) of a row-major 2×2 is a[2i + j]")
        public static let singular = Hint(
            "00.1/singular", "fails only when A is singular (a spring with no stiffness): A⁻¹(e^{ΔA} − I)B cannot be formed "
                + "there; take the exponential of the augmented matrix [[ΔA, ΔB], [0, 0]], or sum Σ_k Δᵏ⁺¹Aᵏ/(k+1)!·B")
        public static let late = Hint("00.2/late", "one step late: read y_k = C x_k after the update, so y_0 = C B̄ u_0 (not 0)")
        public static let transposedAbar = Hint("00.2/transposed", "this is the recurrence with Āᵀ: Ā's entry (i, j) is aBar[i·N + j]")
        public static let decayedInput = Hint(
            "00.2/decayed-input", "the new input is decayed too: x_k = Ā x_{k−1} + B̄ u_k, not Ā(x_{k−1} + B̄ u_k)")
        public static let circular = Hint(
            "00.3/circular", "wraps around: terms with k − j < 0 must be dropped (this is a circular convolution; with "
                + "FFTs, pad to ≥ 2L − 1 first)")
        public static let future = Hint(
            "00.3/future", "reads the future: y_k = Σ_j K_j u_{k+j} is a correlation; a causal y_k only sees u_0 … u_k")
        public static let late3 = Hint("00.3/late", "one step late: the j = 0 term K_0 u_k belongs to y_k")
    }

    // MARK: 00.1

    typealias ZOHInput = (a: [Double], b: [Double], step: Double)

    /// Cases: springs (mass, stiffness, damping random), random 2×2 systems, and the edges: a free
    /// mass (singular A), A = 0, a critically damped spring (repeated eigenvalue).
    /// Tolerance 1e-10: both sides compute e^{ΔA} of a 2×2 with ‖ΔA‖∞ ≤ 44 to ≈ 1e-14 (Padé or a
    /// scaled series); Euler or ΔB are off by ≈ Δ²‖A‖²/2 ≥ ~1e-6 at these Δ.
    public static func zeroOrderHold(_ f: ([Double], [Double], Double) throws -> (aBar: [Double], bBar: [Double]),
                                     seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "00.1")
        var cases: [GradingCase<ZOHInput>] = []
        for i in 0..<4 {
            let (m, k, c) = (draw.uniform(0.5...2), draw.uniform(1...40), draw.uniform(0.1...4))
            let step = draw.logUniform(0.01, 0.5)
            cases.append(GradingCase(label: "spring \(i + 1), Δ = \(Judge.short(step))", input: ([0, 1, -k / m, -c / m], [0, 1 / m], step)))
        }
        for i in 0..<3 {
            cases.append(GradingCase(label: "random A \(i + 1)", input: (draw.gaussians(4), draw.gaussians(2), draw.logUniform(0.05, 1))))
        }
        let freeMass: ZOHInput = ([0, 1, 0, -0.5], [0, 1], 0.1)
        cases.append(GradingCase(label: "free mass (k = 0: A singular)", input: freeMass, edgeHint: Hints.singular))
        cases.append(GradingCase(label: "A = 0", input: ([0, 0, 0, 0], [1, 2], 0.3), edgeHint: Hints.singular))
        let w = 2 * Double.pi
        cases.append(GradingCase(label: "critically damped (repeated eigenvalue)", input: ([0, 1, -w * w, -2 * w], [0, 1], 0.05)))
        func library(_ a: [Double], _ b: [Double], _ step: Double, _ method: DiscretizationMethod) throws -> [Double] {
            let d = try discretize(a: try Matrix(rows: 2, cols: 2, elements: a), b: b, step: step, method: method)
            return d.a.elements + d.b
        }
        return Judge.grade(
            cases, tolerance: 1e-10, shape: "Ā (2·2, row-major), then B̄ (2)",
            reference: { try library($0.a, $0.b, $0.step, .zoh) },
            student: { input in
                let r = try f(input.a, input.b, input.step)
                try requireCount(r.aBar, 4, "Ā")
                try requireCount(r.bBar, 2, "B̄")
                return r.aBar + r.bBar
            },
            mistakes: [
                Mistake(hint: Hints.euler) { try library($0.a, $0.b, $0.step, .euler) },
                Mistake(hint: Hints.eulerB) { i in try Array(library(i.a, i.b, i.step, .zoh).prefix(4)) + i.b.map { $0 * i.step } },
                Mistake(hint: Hints.transposedA) { try library(transposed($0.a, 2), $0.b, $0.step, .zoh) },
            ])
    }

    // MARK: 00.2

    typealias RecurrenceInput = (aBar: [Double], bBar: [Double], c: [Double], u: [Double])

    static func scan(_ input: RecurrenceInput) throws -> [Double] {
        let n = input.bBar.count
        return try DiscreteStateSpaceModel(aBar: try Matrix(rows: n, cols: n, elements: input.aBar), bBar: input.bBar, c: input.c,
                                           step: 1, method: .zoh).scan(input.u)
    }

    /// Cases: N ∈ {1, 2, 3, 5, 8}, L ∈ {1, 2, 17, 64}, a random stable Ā. Tolerance 1e-12: both
    /// run the same recurrence in a different summation order (≈ L·N·ε relative).
    public static func recurrence(_ f: ([Double], [Double], [Double], [Double]) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "00.2")
        var cases: [GradingCase<RecurrenceInput>] = []
        for (n, l) in [(3, 17), (2, 64), (5, 40), (8, 64), (1, 17), (1, 1), (4, 2)] {
            cases.append(GradingCase(label: "N = \(n), L = \(l)",
                                     input: (draw.stableMatrix(n), draw.gaussians(n), draw.gaussians(n), draw.gaussians(l))))
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "y (L)",
            reference: scan,
            student: { try f($0.aBar, $0.bBar, $0.c, $0.u) },
            mistakes: [
                Mistake(hint: Hints.late) { [0] + (try scan($0)).dropLast() },
                Mistake(hint: Hints.transposedAbar) { try scan((transposed($0.aBar, $0.bBar.count), $0.bBar, $0.c, $0.u)) },
                Mistake(hint: Hints.decayedInput) { input in
                    let n = input.bBar.count
                    let decayed = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + input.aBar[i * n + $1] * input.bBar[$1] } }
                    return try scan((input.aBar, decayed, input.c, input.u))
                },
            ])
    }

    // MARK: 00.3

    /// Cases: L ∈ {1, 2, 3, 16, 100, 257}. Tolerance 1e-10: the library convolves by FFT, whose
    /// error is ≈ ε·log L·‖K‖‖u‖ against a direct sum's; relative to max|y| that stays ≤ 1e-12 at these L.
    public static func causalConvolution(_ f: ([Double], [Double]) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "00.3")
        let cases = [16, 100, 257, 3, 2, 1].map { l in
            GradingCase(label: "L = \(l)", input: (kernel: draw.gaussians(l), u: draw.gaussians(l)))
        }
        func sum(_ k: [Double], _ u: [Double], _ term: (Int, Int) -> Double?) -> [Double] {
            (0..<u.count).map { t in (0..<u.count).reduce(0.0) { $0 + (term(t, $1) ?? 0) } }
        }
        return Judge.grade(
            cases, tolerance: 1e-10, shape: "y (L)",
            reference: { try StateSpace.causalConvolution($0.kernel, $0.u) },
            student: { try f($0.kernel, $0.u) },
            mistakes: [
                Mistake(hint: Hints.circular) { i in
                    let l = i.u.count
                    return sum(i.kernel, i.u) { t, j in i.kernel[j] * i.u[((t - j) % l + l) % l] }
                },
                Mistake(hint: Hints.future) { i in sum(i.kernel, i.u) { t, j in t + j < i.u.count ? i.kernel[j] * i.u[t + j] : nil } },
                Mistake(hint: Hints.late3) { i in sum(i.kernel, i.u) { t, j in j >= 1 && j <= t ? i.kernel[j - 1] * i.u[t - j] : nil } },
            ])
    }
}
