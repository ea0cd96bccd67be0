import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter02", title: "LSSL: one SSM, three views", abstract: """
    LSSL: one discretised SSM is at once a recurrence, a convolution with the kernel K_k = C Āᵏ \
    B̄ and a lower-triangular Toeplitz matrix; the chapter checks that the three agree, shows \
    how the step Δ sets the timescale, measures the error of Euler, bilinear and zero-order-hold \
    discretisations against the continuous solution, and times each view.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        The Linear State Space Layer (Gu, Johnson, Goel, Saab, Dao, Rudra & Ré, 2021) made one
        observation the centre of a deep-learning layer: a single discretised SSM
        x_k = Ā x_{k−1} + B̄ u_k, y_k = C x_k + D u_k is at once

        - **recurrent** — O(N²) work and O(N) memory per step: how you *generate*;
        - **convolutional** — y = K ∗ u with K_k = C Āᵏ B̄, parallel over the whole sequence: how
          you *train*;
        - **a matrix** — y = T u with T the L×L lower-triangular Toeplitz matrix of K: the
          attention-like view.

        And before any of those, a **continuous** system x' = A x + B u that the discrete one
        approximates. How well depends on the discretisation and the step Δ — which is also how the
        model chooses its timescale. This chapter measures all of it, with HiPPO-LegS as A.

        Glossary: N state size, L sequence length, Δ step, h the hold interval of a piecewise-constant
        input, m RK4 substeps per hold interval.
        """)
}

/// The LegS systems (N = 16 and 64) of every later cell, the held input and its continuous output.
struct LegSSystems {
    let models: [Int: StateSpaceModel]
    let references: [Int: [Double]]                            // N → (holds): continuous y at the hold times
    let levels: [Double]                                       // (holds): the held input
    let hold: Double                                           // h, seconds
    let rk4Change: [Int: Double]                               // N → relative difference of RK4 at m and m/2
}

/// LegS as A, a seeded C ~ 𝒩(0, 1/N) like S4's random C. Two injectable wrong LegS: the
/// diagonal −n instead of −(n+1) (an off-by-one in the HiPPO formula), and the entries below
/// the diagonal scaled by 0.995. Every view and the reference share A: only the check of (A, B)
/// against their derivation by quadrature (cell 1) can see either.
func legSModel(_ book: Notebook, _ n: Int) throws -> StateSpaceModel {
    var (a, b) = try legSTransition(stateSize: n)                                   // (N, N), (N)
    if book.injects("legs-diagonal-off-by-one", "LegS with diagonal −n instead of −(n+1)") {
        for i in 0..<n { a[i, i] += 1 }
    }
    if book.injects("legs-offdiagonal", "LegS with its entries below the diagonal scaled by 0.995") {
        for i in 0..<n { for j in 0..<i { a[i, j] *= 0.995 } }
    }
    let c = (0..<n).map { _ in book.rng.nextGaussian() / Double(n).squareRoot() }   // (N)
    return try StateSpaceModel(a: a, b: b, c: c)
}

/// The ZOH model of `model` at step Δ — or, when injected, Euler's B̄ = ΔB in place of ZOH's.
func zoh(_ book: Notebook, _ model: StateSpaceModel, step: Double) throws -> DiscreteStateSpaceModel {
    let exact = try model.discretized(step: step, method: .zoh)
    guard book.injects("euler-for-zoh", "Euler's ΔB in place of ZOH's B̄ = ∫₀^Δ e^{sA}B ds") else { return exact }
    return try DiscreteStateSpaceModel(aBar: exact.aBar, bBar: model.b.map { step * $0 }, c: model.c, d: model.d,
                                       step: step, method: .zoh)
}

func continuousReference(_ book: Notebook) throws -> LegSSystems {
    book.cell("1. Three discretisations, and the continuous reference", """
        | method | Ā | B̄ | exact when | order |
        |---|---|---|---|---|
        | forward Euler | I + ΔA | ΔB | never | 1 |
        | bilinear | (I − Δ/2·A)⁻¹(I + Δ/2·A) | (I − Δ/2·A)⁻¹ΔB | never | 2 |
        | zero-order hold | e^{ΔA} | A⁻¹(e^{ΔA} − I)B = ∫₀^Δ e^{sA}B ds | input constant on each step | exact |

        ZOH's B̄ comes from the exponential of the augmented matrix Δ[A B; 0 0], which needs no
        A⁻¹ (see `ZeroOrderHold.swift`). Take HiPPO-LegS as A (the matrix S4 starts from), a seeded
        C, and an input held constant for h = 0.04 s at a time. Every computation of this chapter
        shares that A and B, so no agreement between them can see a wrong entry: (A, B) are
        checked first against their derivation in Chapter 01, by Gauss–Legendre quadrature of
        g_n'·g_k (`legendreTransitionByQuadrature`), never from the closed form. The reference every discretisation
        is measured against is the continuous solution itself, computed by an ODE integrator
        (`continuousOutput`): classical RK4, which evaluates x' = Ax + Bu four times per substep in
        its own loop — no exponential, no Ā, no B̄, not the recurrence `scan` — with m substeps per
        hold. Its own error is measured by halving m: RK4 is fourth order, so the error at m is
        about 1/15 of the difference between m and m/2.
        """)
    let hold = 0.04, holds = 50
    var models: [Int: StateSpaceModel] = [:], references: [Int: [Double]] = [:], rk4Change: [Int: Double] = [:]
    let levels = (0..<holds).map { _ in Double.random(in: -1...1, using: &book.rng) }    // (50): the held input
    let late = book.injects("state-read-before-update", "the recurrence's output read before its state update (y_k = C x_{k−1})")
    for (n, m) in [(16, 512), (64, 2048)] {
        let model = try legSModel(book, n)
        let derived = try legendreTransitionByQuadrature(.legS, stateSize: n)
        book.check(.agreement("LegS N = \(n): A, B = derived by quadrature (measure → projection → d/dt, Chapter 01)",
                              model.a.elements + model.b, derived.a.elements + derived.b, tolerance: 1e-12,
                              reason: n == 16 ? "A has no random part: measured ≤ 1e-14 relative at every seed; a wrong entry is off by ≥ 1e-3" : nil))
        let reference = try model.continuousOutput(heldInput: levels, holdInterval: hold, substeps: m)     // (50)
        let halfAsFine = try model.continuousOutput(heldInput: levels, holdInterval: hold, substeps: m / 2)
        var zohOutput = try zoh(book, model, step: hold).scan(levels)                                       // (50)
        if late { zohOutput = [0] + zohOutput.dropLast() }
        rk4Change[n] = relativeDifference(halfAsFine, reference)
        book.show(String(format: "N = %d: RK4 with m = %d vs m = %d differ by %.1e (relative): the error at m is ≈ 1/15 of it",
                         n, m, m / 2, rk4Change[n]!))
        book.check(.agreement("N = \(n): ZOH recurrence (Δ = h) = continuous solution (RK4, m = \(m))", zohOutput, reference,
                              tolerance: 1e-10,
                              reason: n == 16 ? "ZOH is exact for a held input; what is left is RK4's error, ≈ 1/15 of the m vs m/2 difference: measured ≤ 1e-11 over seeds 0–19" : nil))
        (models[n], references[n]) = (model, reference)
    }
    return LegSSystems(models: models, references: references, levels: levels, hold: hold, rk4Change: rk4Change)
}

func threeViews(_ book: Notebook, _ systems: LegSSystems) throws {
    book.cell("2. Recurrent = convolutional = matmul", """
        Now fix Δ = 0.01 and compute y three ways: the recurrence (`scan`), the kernel
        K_k = C Āᵏ B̄ by stepping v ← Āv and an FFTW convolution (`convolve`), and the L×L
        Toeplitz matrix of K times u (`matmul`, one BLAS call). All three are exact rewritings of
        one another, so the check tolerance is rounding. The same holds for any discretisation: we
        check bilinear's recurrence against bilinear's own kernel too. `three-views.png` draws, for
        a white-noise input, the output's size and how far the two other views are from the
        recurrence, step by step, on a log scale (the matmul's differences multiplied by 10⁻³, or
        they would hide under the FFT's: both are rounding, of the same size).
        """)
    let step = 0.01
    var shown: (y: [Double], fft: [Double], toeplitz: [Double])?
    for (n, length) in [(16, 256), (64, 1024), (64, 4096)] {
        let ssm = try zoh(book, systems.models[n]!, step: step)
        try ssm.requireStable()
        let u = (0..<length).map { _ in book.rng.nextGaussian() }                   // (L)
        let scanned = try ssm.scan(u), convolved = try ssm.convolve(u), multiplied = try ssm.matmul(u)  // (L) each
        let why = "exact rewritings; FFT rounding ≈ ε·log₂L·‖K‖₁ relative"
        book.check(.agreement("ZOH N = \(n), L = \(length): FFT convolution = recurrence", convolved, scanned,
                              tolerance: 1e-10, reason: length == 256 ? why : nil))
        book.check(.agreement("ZOH N = \(n), L = \(length): Toeplitz matmul = recurrence", multiplied, scanned, tolerance: 1e-10))
        if length == 4096 {
            shown = (scanned, convolved, multiplied)
            let bilinear = try systems.models[64]!.discretized(step: step, method: .bilinear, requireStable: true)
            book.check(.agreement("bilinear N = 64, L = 4096: FFT convolution with its kernel = its recurrence",
                                  try bilinear.convolve(u), try bilinear.scan(u), tolerance: 1e-10))
        }
    }
    guard let v = shown else { return }
    func series(_ title: String, _ values: [Double], _ style: String) -> Figure.Series {
        let kept = values.indices.filter { values[$0] != 0 }                        // a logarithm needs |·| > 0
        return .init(title, x: kept.map { Double($0) * step }, y: kept.map { abs(values[$0]) }, style: style)
    }
    var figure = Figure(
        name: "three-views", title: "LegS N = 64, ZOH, Δ = \(step), white-noise input: the three views differ by rounding only",
        xLabel: "t = kΔ (s)", yLabel: "magnitude (output units)",
        series: [
            series("|y_k| (recurrence)", v.y, "lines lw 1 lc rgb 'gray60'"),
            series("|FFT convolution − recurrence|", zip(v.fft, v.y).map { $0 - $1 }, "points pt 7 ps 0.3 lc rgb '#2ca02c'"),
            series("|Toeplitz matmul − recurrence| × 10^{-3} (shifted down to be seen)", zip(v.toeplitz, v.y).map { ($0 - $1) * 1e-3 },
                   "points pt 7 ps 0.3 lc rgb '#d62728'"),
        ])
    figure.logY = true
    try book.figure(figure)
}

func timescale(_ book: Notebook, _ systems: LegSSystems) throws {
    book.cell("3. Δ sets the timescale", """
        The same (A, B, C) with a different Δ is a different kernel. What does K_k sample? With
        B̄ = ∫₀^Δ e^{sA}B ds,

            K_k = C e^{kΔA} B̄ = ∫_{kΔ}^{(k+1)Δ} C e^{sA}B ds,

        the continuous impulse response h(t) = C e^{tA}B *averaged* over step k, times Δ. So the
        kernel's amplitude scales with Δ, and K_k/Δ ≈ h(kΔ + Δ/2) wherever h changes little within
        a step (the midpoint rule) — not near t = 0 at Δ = 0.01, where LegS's fast modes (rates up
        to N = 64 per second) move h within a step. The check compares K_k with the integral
        itself, by Gauss–Legendre quadrature of h: no Ā, no B̄. Plotted as K_k/Δ at the middle of
        each step, the three kernels fall on one curve, h(t) (by `matrixExponential` at each t), as
        far as each Δ resolves it: Δ = 0.1 averages the fast modes away. A small Δ spreads the
        memory over many steps; a large one squeezes it into a few. S4 and Mamba learn Δ (per
        channel, and for Mamba per token): it is the model's knob for "how long to remember".
        """)
    let model = systems.models[64]!
    let kernelLength = 4096
    var series: [Figure.Series] = []
    for delta in [0.1, 0.01, 0.001] {
        let kernel = try zoh(book, model, step: delta).kernel(length: kernelLength)           // (4096)
        let energy = kernel.reduce(0) { $0 + $1 * $1 }
        var running = 0.0
        let halfEnergy = kernel.firstIndex { running += $0 * $0; return running >= 0.5 * energy } ?? kernelLength
        book.show(String(format: "Δ = %-6g: half the kernel's energy lies in its first %4d steps (t = %.3g s)",
                         delta, halfEnergy + 1, Double(halfEnergy + 1) * delta))
        let drawn = (0..<kernelLength).filter { (Double($0) + 0.5) * delta <= 8 }          // the first 8 s
        series.append(.init("K_k/Δ, Δ = \(delta)", x: drawn.map { (Double($0) + 0.5) * delta }, y: drawn.map { kernel[$0] / delta }))
        guard delta < 0.1 else { continue }
        // K_k against ∫ over step k of h, by Gauss–Legendre on `pieces` sub-steps (each node one expm).
        let taps = Array(Set((0...12).map { Int(pow(Double(kernelLength - 1), Double($0) / 12)) })).sorted()
        let pieces = delta == 0.01 ? 4 : 1
        let quadrature = try taps.map { try stepIntegral(model, from: Double($0) * delta, over: delta, pieces: pieces) }
        book.check(.agreement("Δ = \(delta): K_k = ∫_{kΔ}^{(k+1)Δ} C e^{sA}B ds (Gauss–Legendre, expm at each node), \(taps.count) taps",
                              taps.map { kernel[$0] }, quadrature.map(\.integral), tolerance: 1e-10,
                              reason: delta == 0.01 ? "an identity; 5-point Gauss–Legendre is exact to degree 9, so its error shrinks like (Δ/pieces)¹⁰: measured ≤ 5e-12 over seeds 0–19" : nil))
        book.show(String(format: "Δ = %g: K_k/Δ vs the midpoint value h(kΔ + Δ/2): relative difference %.1e (the midpoint rule)",
                         delta, relativeDifference(zip(taps, quadrature).map { kernel[$0.0] / delta }, quadrature.map(\.midpoint))))
    }
    if !book.options.figuresOff {
        let t = (0...200).map { 5e-4 * pow(16000.0, Double($0) / 200) }                    // log-spaced, 0.5 ms … 8 s
        series.append(.init("h(t) = C e^{tA} B (continuous)", x: t, y: try t.map { try impulseResponse(model, at: $0) },
                            style: "lines lw 1 dt 2 lc rgb 'black'"))
    }
    var figure = Figure(name: "legs-kernels", title: "LegS N = 64: K_k/Δ at three steps Δ (ZOH) and the continuous impulse response h(t)",
                        xLabel: "t = (k + ½)Δ (s): the middle of step k", yLabel: "K_k / Δ (output per unit input per second)", series: series)
    figure.logX = true
    try book.figure(figure)
}

/// ∫_t^{t+Δ} C e^{sA} B ds by 5-point Gauss–Legendre quadrature on `pieces` equal sub-steps, each node
/// by `matrixExponential` (no Ā, no B̄); and h at the step's midpoint t + Δ/2.
func stepIntegral(_ model: StateSpaceModel, from t: Double, over delta: Double, pieces: Int)
    throws -> (integral: Double, midpoint: Double) {
    let nodes = [-0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831, 0.9061798459386640]
    let weights = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891]
    var sum = 0.0
    let width = delta / Double(pieces)
    for p in 0..<pieces {
        let centre = t + (Double(p) + 0.5) * width
        for (x, w) in zip(nodes, weights) { sum += w * width / 2 * (try impulseResponse(model, at: centre + x * width / 2)) }
    }
    return (sum, try impulseResponse(model, at: t + delta / 2))
}

/// h(t) = C e^{tA} B, the continuous impulse response, by one matrix exponential.
func impulseResponse(_ model: StateSpaceModel, at t: Double) throws -> Double {
    zip(model.c, try matrixExponential(t * model.a) * model.b).reduce(0) { $0 + $1.0 * $1.1 }
}

func discretisationError(_ book: Notebook, _ systems: LegSSystems) throws {
    book.cell("4. Discretisation error vs Δ (observed order)", """
        Refine Δ = h/2ʲ under the same held input (N = 16) and compare with the continuous
        solution at the hold times. A method of order p has error ≈ C·Δᵖ: a line of slope p on
        log-log axes. We fit the slope and assert it. ZOH is exact for a held input, whatever the
        step, so its row is flat: what it shows is the reference's own error — RK4's truncation
        error at m = 512 substeps, about 1/15 of the m vs m/2 difference of section 1 — not ZOH's.
        """)
    let refinements = Array(4...10)
    var errorSeries: [Figure.Series] = [], rows: [[String]] = []
    var slopes: [DiscretizationMethod: Double] = [:]
    var worstZOH = 0.0
    for method in DiscretizationMethod.allCases {
        var deltas: [Double] = [], errors: [Double] = []
        for j in refinements {
            let substeps = 1 << j
            let delta = systems.hold / Double(substeps)
            let fine = systems.levels.flatMap { [Double](repeating: $0, count: substeps) }   // (50·2ʲ)
            let model = systems.models[16]!
            let y = try (method == .zoh ? zoh(book, model, step: delta) : model.discretized(step: delta, method: method)).scan(fine)
            let atHolds = systems.levels.indices.map { y[$0 * substeps + substeps - 1] }       // (50)
            deltas.append(delta)
            errors.append(relativeDifference(atHolds, systems.references[16]!))
        }
        if method == .zoh { worstZOH = errors.max()! } else { slopes[method] = try logLogSlope(deltas, errors) }
        rows.append(["\(method)"] + errors.map { String(format: "%.2e", $0) } + [slopes[method].map { String(format: "%.3f", $0) } ?? "—"])
        errorSeries.append(.init("\(method)", x: deltas, y: errors, style: "linespoints lw 2 pt 7"))
    }
    book.table(header: ["method"] + refinements.map { "Δ = h/\(1 << $0)" } + ["slope"], rows: rows)
    book.finding(String(format: "ZOH's largest error, %.1e, is RK4's: the m = 512 vs 256 difference was %.1e, and %.1e/15 = %.1e.",
                        worstZOH, systems.rk4Change[16]!, systems.rk4Change[16]!, systems.rk4Change[16]! / 15))
    book.check(.bound("forward Euler: observed order (log-log slope) ≥ 0.9", slopes[.euler]!, .greaterOrEqual, 0.9,
                      reason: "first order: slope 1 once Δ is in the asymptotic range; the band [0.9, 1.1] allows the fit's curvature"))
    book.check(.bound("forward Euler: observed order ≤ 1.1", slopes[.euler]!, .lessOrEqual, 1.1))
    book.check(.bound("bilinear: observed order ≥ 1.9", slopes[.bilinear]!, .greaterOrEqual, 1.9,
                      reason: "second order: slope 2 (trapezoidal rule with the input constant on each step)"))
    book.check(.bound("bilinear: observed order ≤ 2.1", slopes[.bilinear]!, .lessOrEqual, 2.1))
    book.check(.bound("zero-order hold: error at every Δ ≤ 1e-10 (exact for a held input)", worstZOH, .lessOrEqual, 1e-10))
    var errorFigure = Figure(name: "discretization-error", title: "Error vs Δ against the continuous solution (LegS N = 16, held input)",
                             xLabel: "Δ (s)", yLabel: "relative error at the hold times", series: errorSeries)
    errorFigure.logX = true
    errorFigure.logY = true
    try book.figure(errorFigure)
}

func eulerIsFragile(_ book: Notebook, _ systems: LegSSystems) throws {
    book.cell("5. Euler and a non-normal A", """
        LegS's A is lower triangular, and so is Euler's Ā = I + ΔA: its eigenvalues are its
        diagonal, 1 + Δλ = 1 − (n + 1)Δ, read off rather than measured. At Δ = h/16 = 2.5 ms and
        N = 64 they all lie inside the unit disc, yet Euler's output is far from the continuous
        one. The eigenvalues do not tell the whole story because LegS is highly non-normal.

        The continuous system is a contraction. With v_n = √(2n+1), A + Aᵀ = −(I + vvᵀ), so along
        any solution of x' = Ax, d‖x‖²/dt = xᵀ(A + Aᵀ)x ≤ −‖x‖², hence ‖e^{tA}‖₂ ≤ e^{−t/2} ≤ 1: no
        state ever grows. Euler's step is not: (I + ΔA)ᵀ(I + ΔA) = I + Δ(A + Aᵀ) + Δ²AᵀA, and ‖A‖₂
        is far larger than A's eigenvalues, so the Δ² term wins and ‖(I + ΔA)ᵏ‖₂ *grows* for a few
        steps before the eigenvalues make it decay — a transient that the recurrence feeds with
        every new input. `euler-transient.png` draws both norms (the largest singular value, by
        LAPACK) step by step. At Δ = 0.05 the eigenvalue 1 − 64Δ = −2.2 lies outside the disc and
        the library refuses the model. S4 never uses Euler.
        """)
    let model = systems.models[64]!
    let step = systems.hold / 16
    let eulerN64 = try model.discretized(step: step, method: .euler)
    let fineN64 = systems.levels.flatMap { [Double](repeating: $0, count: 16) }          // (800)
    let eulerN64Output = try eulerN64.scan(fineN64)                                       // (800)
    let eulerN64Error = relativeDifference(systems.levels.indices.map { eulerN64Output[$0 * 16 + 15] }, systems.references[64]!)
    let steps = 80                                                                        // 0.2 s
    var euler = Matrix.identity(64), exact = Matrix.identity(64)                          // (N, N): Āᵏ, e^{kΔA}
    let eulerStep = eulerN64.aBar, exactStep = try matrixExponential(step * model.a)      // (N, N) each
    var eulerNorms: [Double] = [], exactNorms: [Double] = []                               // (steps + 1)
    for k in 0...steps {
        if k > 0 { (euler, exact) = (eulerStep * euler, exactStep * exact) }
        eulerNorms.append(try singularValues(euler)[0])
        exactNorms.append(try singularValues(exact)[0])
    }
    let peak = eulerNorms.indices.max { eulerNorms[$0] < eulerNorms[$1] }!
    let contraction = exactNorms.indices.dropFirst().map { exactNorms[$0] * exp(Double($0) * step / 2) }.max()!  // ‖e^{tA}‖₂·e^{t/2}, t > 0
    book.finding(String(format: "LegS N = 64, Euler at Δ = h/16: relative error %.2g against the continuous solution, "
                        + "although ρ(Ā) = %.3f < 1. The largest ‖(I + ΔA)ᵏ‖₂ is %.1f, at k = %d (t = %.1f ms); "
                        + "the largest ‖e^{tA}‖₂ over the same times t > 0 is %.4f.", eulerN64Error, try spectralRadius(eulerN64.aBar),
                        eulerNorms[peak], peak, Double(peak) * step * 1000, exactNorms.dropFirst().max()!))
    book.check(.bound("Euler Δ = 2.5 ms, LegS N = 64: transient growth, largest ‖(I + ΔA)ᵏ‖₂ over k ≤ 80, ≥ 10", eulerNorms[peak], .greaterOrEqual, 10,
                      reason: "A and Δ hold no random draw, so this number is the same at every seed (≈ 30); a normal Ā with these eigenvalues would give ≤ 1"))
    book.check(.bound("continuous LegS N = 64: ‖e^{tA}‖₂·e^{t/2} ≤ 1 at the same times t > 0 (a contraction)", contraction, .lessOrEqual, 1 + 1e-9,
                      reason: "proven: A + Aᵀ = −(I + vvᵀ) ⪯ −I; 1e-9 allows the rounding of 80 products of e^{ΔA}"))
    let t = (0...steps).map { Double($0) * step * 1000 }
    var figure = Figure(name: "euler-transient", title: "LegS N = 64, Δ = 2.5 ms: Euler's powers grow before they decay; the continuous system never grows",
                        xLabel: "t = kΔ (ms)", yLabel: "‖·‖₂ (largest singular value)", series: [
                            .init("‖(I + ΔA)^k‖₂ (Euler)", x: t, y: eulerNorms, style: "linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728'"),
                            .init("‖e^{kΔA}‖₂ (continuous, = ZOH's Ā^k)", x: t, y: exactNorms, style: "linespoints lw 2 pt 5 ps 0.5 lc rgb '#1f77b4'"),
                            .init("1", x: [t.first!, t.last!], y: [1, 1], style: "lines lw 1 dt 2 lc rgb 'black'"),
                        ])
    figure.logY = true
    try book.figure(figure)
    let coarseEuler = try model.discretized(step: 0.05, method: .euler)
    book.checkThrows("Euler Δ = 0.05 is refused as unstable (requireStable)") { try coarseEuler.requireStable() }
}

func cost(_ book: Notebook, _ systems: LegSSystems) throws {
    book.cell("6. What each view costs", """
        The recurrence does L matrix-vector products: O(L·N²), sequential. The convolution needs
        the kernel — computed here by stepping, which is *also* L matrix-vector products, O(L·N²) —
        and then one FFT convolution, O(L log L). So for a single SISO SSM the convolution view is
        no cheaper than the recurrence until the kernel itself is cheap: that is what S4
        (Chapter 03) achieves, O(N·L) for the kernel with the Cauchy sums. The matmul view is O(L²)
        time and memory: 2¹⁶ steps would need a 32 GiB matrix, so it runs up to L = 4096 only.
        Timings are medians of three after a warm-up, debug or release as you ran it (the release
        measurements: `swift run -c release Bench`); on a log-log plot an exponent is a slope.
        """)
    let model = try systems.models[64]!.discretized(step: 0.01, method: .zoh)
    let sizes = (10...16).map { 1 << $0 }
    var inputs: [Int: [Double]] = [:], kernels: [Int: [Double]] = [:]
    for length in sizes {
        inputs[length] = (0..<length).map { _ in book.rng.nextGaussian() }       // (L)
        kernels[length] = try model.kernel(length: length)                       // (L)
    }
    guard let result = try book.timingSweep(name: "view-cost", title: "Cost of each view vs L (LegS N = 64, ZOH)",
                                            parameter: "L (steps)", sizes: sizes, methods: [
        TimedMethod("recurrence") { _ = try model.scan(inputs[$0]!) },
        TimedMethod("kernel by stepping") { _ = try model.kernel(length: $0) },
        TimedMethod("FFT convolution") { _ = try causalConvolution(kernels[$0]!, inputs[$0]!) },
        TimedMethod("Toeplitz matmul", upTo: 4096) { _ = try model.matmul(inputs[$0]!) },
    ]) else { return }
    let lengths = sizes.map(Double.init)
    let slopes = try ["recurrence", "kernel by stepping", "FFT convolution"].map { label in
        (label, try logLogSlope(lengths, result[label]))
    }
    book.finding("Measured growth exponents (log-log slope of time against L, 2¹⁰ … 2¹⁶): "
        + slopes.map { String(format: "%@ %.2f", $0.0, $0.1) }.joined(separator: ", ")
        + String(format: ". At L = 2¹⁶ the FFT convolution took %.2g× the recurrence's time, the kernel by stepping %.2g×.",
                 result["FFT convolution"].last! / result["recurrence"].last!,
                 result["kernel by stepping"].last! / result["recurrence"].last!))
    // Expected exponents: 1 for O(L·N²); for O(L log L) the local slope 1 + 1/ln L, at the range's middle.
    let fftExpected = 1 + 1 / log((lengths.first! * lengths.last!).squareRoot())
    let expected = [1, 1, fftExpected]
    let off = zip(slopes, expected).filter { abs($0.0.1 - $0.1) > 0.15 }
    book.finding(String(format: "Expected exponents: 1, 1 and %.2f (L log L over this range). ", fftExpected)
        + (off.isEmpty ? "All three measured within 0.15 of them."
            : off.map { String(format: "%@ is %@ (%.2f)", $0.0.0, $0.0.1 < $0.1 ? "below" : "above", $0.0.1) }.joined(separator: ", ")
                + ": below means fixed per-call costs still weigh at the smaller L, above that the data left the cache "
                + "or the machine was busy — timings on a shared machine are informative only."))
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        One SSM, four faces, the same numbers: a continuous system, a recurrence, a convolution and
        a matrix. The discretisation decides how faithful the discrete faces are (ZOH exact for held
        inputs, bilinear second order, Euler first order and fragile), and Δ decides the timescale.
        What LSSL could not do is compute K fast for large N — stepping costs O(L·N²), as much as
        the recurrence. Chapter 03 (S4) computes it in O(N·L) (Cauchy sums of N/2 terms at L/2 + 1
        frequencies) plus O(L log L) for one inverse FFT, with a diagonal-plus-low-rank A.
        """)
    book.exercises("""
        1. Replace LegS by LegT (`legTTransition(stateSize: 16, window: 1)`) in section 4. Do the
           observed orders change? Does Euler's non-normal transient appear?
        2. Use h = 0.01 instead of 0.04: how many RK4 substeps does the reference need for the same
           accuracy, and why does ZOH not care?
        3. Feed a smooth input instead of a held one: u(t) = sin(2πt), sampled as u_k = u(t_k) at
           t_k = (k + 1)Δ, against the reference `continuousOutput(input: { sin(2 * .pi * $0) },
           sampleInterval: Δ, count: L, substeps: m)`. Redo section 4 at the hold times. What
           order does ZOH show now, and bilinear? Why?
        """)
}

book.run { book in
    introduction(book)
    let systems = try continuousReference(book)
    try threeViews(book, systems)
    try timescale(book, systems)
    try discretisationError(book, systems)
    try eulerIsFragile(book, systems)
    try cost(book, systems)
    whatComesNext(book)
}
