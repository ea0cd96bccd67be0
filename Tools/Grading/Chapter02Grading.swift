import Course
import StateSpace

/// The graders of chapter 02's exercises (`Exercises/Chapter02/`).
public enum Chapter02Grading {
    public static let title = "LSSL: one SSM, three views"

    public static func exercises<S: Chapter02Exercises>(_: S.Type) -> [Exercise] {
        [
            Exercise(id: "02.1", title: "the bilinear discretisation") { bilinear(S.bilinear, seed: $0) },
            Exercise(id: "02.2", title: "the kernel by stepping") { kernel(S.kernel, seed: $0) },
            Exercise(id: "02.3", title: "the Toeplitz matrix of a kernel") { toeplitz(S.toeplitz, seed: $0) },
        ]
    }

    public enum Hints {
        public static let swapped = Hint(
            "02.1/swapped", "signs swapped: (I + Δ/2·A)⁻¹(I − Δ/2·A) is Ā⁻¹; the matrix inverted is (I − Δ/2·A)")
        public static let missingStep = Hint("02.1/missing-step", "B̄ off by a factor Δ everywhere: did you use B instead of ΔB?")
        public static let euler = Hint("02.1/euler", "first order: Ā = I + ΔA, B̄ = ΔB is forward Euler, not the bilinear transform")
        public static let shifted = Hint("02.2/shifted", "shifted by one step: K_0 = C B̄ (Ā⁰ = I); yours starts at C Ā B̄")
        public static let transposed = Hint("02.2/transposed", "this is the kernel of Āᵀ: Ā's entry (i, j) is aBar[i·N + j]")
        public static let upper = Hint(
            "02.3/upper", "anti-causal: T_ij = K_{i−j} lies below the diagonal (row i ≥ column j); yours is the transpose")
        public static let symmetric = Hint(
            "02.3/symmetric", "nonzero above the diagonal: y_i must not depend on u_j for j > i (T_ij = 0 there)")
    }

    typealias DiscretizeInput = (a: [Double], b: [Double], step: Double)

    static func library(_ i: DiscretizeInput, _ method: DiscretizationMethod) throws -> [Double] {
        let d = try discretize(a: try Matrix(rows: i.b.count, cols: i.b.count, elements: i.a), b: i.b, step: i.step, method: method)
        return d.a.elements + d.b
    }

    /// Cases: HiPPO-LegS (N = 4, 8) and random A (N ∈ {1, 2, 5}), Δ log-uniform in [0.01, 0.5].
    /// Tolerance 1e-10: both solve with (I − Δ/2·A), whose condition number is ≤ ~10 here, by
    /// LU with pivoting (≈ κ·N·ε).
    public static func bilinear(_ f: ([Double], [Double], Double) throws -> (aBar: [Double], bBar: [Double]), seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "02.1")
        var cases: [GradingCase<DiscretizeInput>] = []
        for n in [4, 8] {
            let t = try! legSTransition(stateSize: n)
            let step = draw.logUniform(0.01, 0.5)
            cases.append(GradingCase(label: "LegS N = \(n), Δ = \(Judge.short(step))", input: (t.a.elements, t.b, step)))
        }
        for n in [5, 2, 1] {
            let step = draw.logUniform(0.01, 0.5)
            let a = draw.gaussians(n * n).enumerated().map { $0.offset % (n + 1) == 0 ? $0.element - 2 : $0.element }
            cases.append(GradingCase(label: "random A, N = \(n), Δ = \(Judge.short(step))", input: (a, draw.gaussians(n), step)))
        }
        return Judge.grade(
            cases, tolerance: 1e-10, shape: "Ā (N·N, row-major), then B̄ (N)",
            reference: { try library($0, .bilinear) },
            student: { i in
                let r = try f(i.a, i.b, i.step)
                try requireCount(r.aBar, i.b.count * i.b.count, "Ā")
                try requireCount(r.bBar, i.b.count, "B̄")
                return r.aBar + r.bBar
            },
            mistakes: [
                // (I + Δ/2·A)⁻¹(I − Δ/2·A) and (I + Δ/2·A)⁻¹ΔB: the bilinear map of −A with the same B.
                Mistake(hint: Hints.swapped) { try library(($0.a.map { -$0 }, $0.b, $0.step), .bilinear) },
                Mistake(hint: Hints.missingStep) { i in
                    let r = try library(i, .bilinear)
                    return Array(r.prefix(i.b.count * i.b.count)) + r.suffix(i.b.count).map { $0 / i.step }
                },
                Mistake(hint: Hints.euler) { try library($0, .euler) },
            ])
    }

    typealias KernelInput = (aBar: [Double], bBar: [Double], c: [Double], length: Int)

    static func libraryKernel(_ i: KernelInput) throws -> [Double] {
        let n = i.bBar.count
        return try DiscreteStateSpaceModel(aBar: try Matrix(rows: n, cols: n, elements: i.aBar), bBar: i.bBar, c: i.c, step: 1,
                                           method: .zoh).kernel(length: i.length)
    }

    /// Cases: N ∈ {1, 2, 4, 8}, L ∈ {1, 2, 10, 100}, random stable Ā. Tolerance 1e-12 (the same
    /// products in a different order, ≈ L·N·ε relative to max|K|, which is K's first entries).
    public static func kernel(_ f: ([Double], [Double], [Double], Int) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "02.2")
        let cases = [(4, 100), (8, 10), (2, 100), (1, 10), (3, 2), (2, 1)].map { n, l in
            GradingCase<KernelInput>(label: "N = \(n), L = \(l)", input: (draw.stableMatrix(n), draw.gaussians(n), draw.gaussians(n), l))
        }
        return Judge.grade(
            cases, tolerance: 1e-12, shape: "K (L)",
            reference: libraryKernel,
            student: { try f($0.aBar, $0.bBar, $0.c, $0.length) },
            mistakes: [
                Mistake(hint: Hints.shifted) { i in Array(try libraryKernel((i.aBar, i.bBar, i.c, i.length + 1)).dropFirst()) },
                Mistake(hint: Hints.transposed) { i in try libraryKernel((transposed(i.aBar, i.bBar.count), i.bBar, i.c, i.length)) },
            ])
    }

    /// Cases: L ∈ {1, 2, 5, 31}. Tolerance 1e-15: entries are copied, not computed.
    public static func toeplitz(_ f: ([Double]) throws -> [Double], seed: UInt64) -> Verdict {
        var draw = Draw(seed: seed, exercise: "02.3")
        let cases = [5, 31, 2, 1].map { GradingCase(label: "L = \($0)", input: draw.gaussians($0)) }
        return Judge.grade(
            cases, tolerance: 1e-15, shape: "T (L·L, row-major)",
            reference: { try toeplitzMatrix(kernel: $0).elements },
            student: f,
            mistakes: [
                Mistake(hint: Hints.upper) { try transposed(toeplitzMatrix(kernel: $0).elements, $0.count) },
                Mistake(hint: Hints.symmetric) { k in (0..<k.count * k.count).map { k[abs($0 / k.count - $0 % k.count)] } },
            ])
    }
}
