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
}

/// LegS as A, a seeded C ~ 𝒩(0, 1/N) like S4's random C.
func legSModel(_ n: Int, rng: inout SplitMix64) throws -> StateSpaceModel {
    let (a, b) = try legSTransition(stateSize: n)
    let c = (0..<n).map { _ in rng.nextGaussian() / Double(n).squareRoot() }   // (N)
    return try StateSpaceModel(a: a, b: b, c: c)
}

func continuousReference(_ book: Notebook) throws -> LegSSystems {
    book.cell("1. Three discretisations, and the continuous reference", """
        | method | Ā | B̄ | exact when | order |
        |---|---|---|---|---|
        | forward Euler | I + ΔA | ΔB | never | 1 |
        | bilinear | (I − Δ/2·A)⁻¹(I + Δ/2·A) | (I − Δ/2·A)⁻¹ΔB | never | 2 |
        | zero-order hold | e^{ΔA} | A⁻¹(e^{ΔA} − I)B | input constant on each step | exact |

        ZOH's B̄ comes from the exponential of the augmented matrix Δ[A B; 0 0], which needs no
        A⁻¹ (see `ZeroOrderHold.swift`). Take HiPPO-LegS as A (the matrix S4 starts from), a seeded
        C, and an input held constant for h = 0.04 s at a time. The reference every discretisation
        is measured against is the continuous solution itself, computed by an ODE integrator that
        shares no code with any of them: classical RK4 with m substeps per hold
        (`continuousOutput`), whose own error we measure by doubling m.
        """)
    let hold = 0.04, holds = 50
    var models: [Int: StateSpaceModel] = [:], references: [Int: [Double]] = [:]
    let levels = (0..<holds).map { _ in Double.random(in: -1...1, using: &book.rng) }    // (50): the held input
    for (n, m) in [(16, 512), (64, 2048)] {
        let model = try legSModel(n, rng: &book.rng)
        let reference = try model.continuousOutput(heldInput: levels, holdInterval: hold, substeps: m)     // (50)
        let halfAsFine = try model.continuousOutput(heldInput: levels, holdInterval: hold, substeps: m / 2)
        let zoh = try model.discretized(step: hold, method: .zoh).scan(levels)                             // (50)
        book.show(String(format: "N = %d: RK4 with m = %d vs m = %d differ by %.1e (relative): the reference's own error",
                         n, m, m / 2, relativeDifference(halfAsFine, reference)))
        book.check(.agreement("N = \(n): ZOH recurrence (Δ = h) = continuous solution (RK4, m = \(m))", zoh, reference,
                              tolerance: 1e-10,
                              reason: n == 16 ? "ZOH is exact for a held input; what is left is RK4's error, ≈ |τρ(A)|⁴ per unit time, measured above at ≤ 1e-11" : nil))
        (models[n], references[n]) = (model, reference)
    }
    return LegSSystems(models: models, references: references, levels: levels, hold: hold)
}

func threeViews(_ book: Notebook, _ systems: LegSSystems) throws {
    book.cell("2. Recurrent = convolutional = matmul", """
        Now fix Δ and compute y three ways: the recurrence (`scan`), the kernel K_k = C Āᵏ B̄ by
        stepping v ← Āv and an FFTW convolution (`convolve`), and the L×L Toeplitz matrix of K
        times u (`matmul`, one BLAS call). All three are exact rewritings of one another, so the
        check tolerance is rounding. The same holds for any discretisation: we check bilinear's
        recurrence against bilinear's own kernel too.
        """)
    let step = 0.01
    var threeViews: (t: [Double], scan: [Double], conv: [Double], matmul: [Double])?
    for (n, length) in [(16, 256), (64, 1024), (64, 4096)] {
        let ssm = try systems.models[n]!.discretized(step: step, method: .zoh, requireStable: true)
        let u = (0..<length).map { _ in book.rng.nextGaussian() }                   // (L)
        let scanned = try ssm.scan(u), convolved = try ssm.convolve(u), multiplied = try ssm.matmul(u)  // (L) each
        let why = "exact rewritings; FFT rounding ≈ ε·log₂L·‖K‖₁ relative"
        book.check(.agreement("ZOH N = \(n), L = \(length): FFT convolution = recurrence", convolved, scanned,
                              tolerance: 1e-10, reason: length == 256 ? why : nil))
        book.check(.agreement("ZOH N = \(n), L = \(length): Toeplitz matmul = recurrence", multiplied, scanned, tolerance: 1e-10))
        if length == 4096 {
            let shown = 0..<400
            threeViews = (shown.map { Double($0) * step }, Array(scanned[shown]), Array(convolved[shown]), Array(multiplied[shown]))
            let bilinear = try systems.models[64]!.discretized(step: step, method: .bilinear, requireStable: true)
            book.check(.agreement("bilinear N = 64, L = 4096: FFT convolution with its kernel = its recurrence",
                                  try bilinear.convolve(u), try bilinear.scan(u), tolerance: 1e-10))
        }
    }
    guard let v = threeViews else { return }
    let every = Array(stride(from: 0, to: v.t.count, by: 8))
    try book.figure(Figure(
        name: "three-views", title: "LegS N = 64, ZOH, Δ = \(step): one output, three views (first 400 steps)",
        xLabel: "t = kΔ (s)", yLabel: "y_k",
        series: [
            .init("recurrence", x: v.t, y: v.scan, style: "lines lw 3 lc rgb '#1f77b4'"),
            .init("FFT convolution", x: every.map { v.t[$0] }, y: every.map { v.conv[$0] }, style: "points pt 6 ps 1 lc rgb '#2ca02c'"),
            .init("Toeplitz matmul", x: every.map { v.t[min($0 + 4, v.t.count - 1)] }, y: every.map { v.matmul[min($0 + 4, v.t.count - 1)] },
                  style: "points pt 2 ps 1 lc rgb '#d62728'"),
        ]))
}

func timescale(_ book: Notebook, _ systems: LegSSystems) throws {
    book.cell("3. Δ sets the timescale", """
        The same (A, B, C) with a different Δ is a different kernel: K_k = C e^{kΔA} B̄ samples the
        continuous impulse response C e^{tA}B at t = kΔ. A small Δ spreads the memory over many
        steps; a large one squeezes it into a few. S4 and Mamba learn Δ (per channel, and for
        Mamba per token) — it is the model's knob for "how long to remember".
        """)
    let kernelLength = 4096
    var kernelSeries: [Figure.Series] = []
    for delta in [0.1, 0.01, 0.001] {
        let kernel = try systems.models[64]!.discretized(step: delta, method: .zoh).kernel(length: kernelLength)  // (4096)
        let energy = kernel.reduce(0) { $0 + $1 * $1 }
        var running = 0.0
        let halfEnergy = kernel.firstIndex { running += $0 * $0; return running >= 0.5 * energy } ?? kernelLength
        book.show(String(format: "Δ = %-6g: half the kernel's energy lies in its first %d steps (t = %.3g s)", delta, halfEnergy + 1,
                         Double(halfEnergy + 1) * delta))
        kernelSeries.append(.init("Δ = \(delta)", x: (1...kernelLength).map(Double.init), y: kernel))
    }
    var kernelFigure = Figure(name: "legs-kernels", title: "LegS N = 64 kernel K_k = C Ā^k B̄ at three steps Δ (ZOH)",
                              xLabel: "step k", yLabel: "K_k", series: kernelSeries)
    kernelFigure.logX = true
    try book.figure(kernelFigure)
}

func discretisationError(_ book: Notebook, _ systems: LegSSystems) throws {
    book.cell("4. Discretisation error vs Δ (observed order)", """
        Refine Δ = h/2ʲ under the same held input (N = 16) and compare with the continuous
        solution at the hold times. A method of order p has error ≈ C·Δᵖ: a line of slope p on
        log-log axes. We fit the slope and assert it. ZOH sits at the reference's rounding level
        for every Δ — it is exact for a held input, whatever the step.
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
            let y = try systems.models[16]!.discretized(step: delta, method: method).scan(fine)
            let atHolds = systems.levels.indices.map { y[$0 * substeps + substeps - 1] }       // (50)
            deltas.append(delta)
            errors.append(relativeDifference(atHolds, systems.references[16]!))
        }
        if method == .zoh { worstZOH = errors.max()! } else { slopes[method] = try logLogSlope(deltas, errors) }
        rows.append(["\(method)"] + errors.map { String(format: "%.2e", $0) } + [slopes[method].map { String(format: "%.3f", $0) } ?? "—"])
        errorSeries.append(.init("\(method)", x: deltas, y: errors, style: "linespoints lw 2 pt 7"))
    }
    book.table(header: ["method"] + refinements.map { "Δ = h/\(1 << $0)" } + ["slope"], rows: rows)
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
        A warning the numbers give for free: with N = 64, Euler's error at Δ = h/16 = 2.5 ms is
        large, although every eigenvalue of I + ΔA lies inside the unit disc. LegS is highly
        non-normal, and Euler lets transients grow before they decay. At a larger step Euler's Ā
        has eigenvalues outside the unit disc, and the library refuses it. S4 never uses Euler.
        """)
    let model = systems.models[64]!
    let eulerN64 = try model.discretized(step: systems.hold / 16, method: .euler)
    let fineN64 = systems.levels.flatMap { [Double](repeating: $0, count: 16) }
    let eulerN64Output = try eulerN64.scan(fineN64)
    let eulerN64Error = relativeDifference(systems.levels.indices.map { eulerN64Output[$0 * 16 + 15] }, systems.references[64]!)
    book.show(String(format: "non-normal transient: LegS N = 64, Euler, Δ = h/16: relative error %.2g, spectral radius of Ā %.3f",
                     eulerN64Error, try spectralRadius(eulerN64.aBar)))
    let coarseEuler = try model.discretized(step: 0.05, method: .euler)
    book.check(.agreement("Euler Δ = 0.05, LegS N = 64: spectral radius of I + ΔA (LAPACK) = max|1 + Δλ| = |1 − 64Δ|",
                          [try spectralRadius(coarseEuler.aBar)], [abs(1 - 64 * 0.05)], tolerance: 1e-12,
                          reason: "LegS's eigenvalues are exactly −1…−N, so Euler's are 1 − kΔ"))
    book.checkThrows("Euler Δ = 0.05 is refused as unstable (requireStable)") { try coarseEuler.requireStable() }
}

func cost(_ book: Notebook, _ systems: LegSSystems) throws {
    book.cell("6. What each view costs", """
        The recurrence does L matrix-vector products: O(L·N²), sequential. The convolution needs
        the kernel — computed here by stepping, which is *also* L matrix-vector products — and then
        one FFT convolution, O(L log L). So for a single SISO SSM the convolution view is no cheaper
        than the recurrence until the kernel itself is cheap: that is exactly what S4 (Chapter 03)
        achieves with the Cauchy kernel. The matmul view is O(L²) time and memory: 2¹⁶ steps would
        need a 32 GiB matrix, so it is run up to L = 4096 only. Timings are informative (medians of
        three after a warm-up, debug or release as you ran it); the release measurements live in
        `swift run -c release Bench`.
        """)
    let model = try systems.models[64]!.discretized(step: 0.01, method: .zoh)
    var inputs: [Int: [Double]] = [:], kernels: [Int: [Double]] = [:]
    for length in (12...16).map({ 1 << $0 }) {
        inputs[length] = (0..<length).map { _ in book.rng.nextGaussian() }       // (L)
        kernels[length] = try model.kernel(length: length)                       // (L)
    }
    try book.timingSweep(name: "view-cost", title: "Cost of each view vs L (LegS N = 64, ZOH)", parameter: "L (steps)",
                         sizes: (12...16).map { 1 << $0 }, methods: [
                             TimedMethod("recurrence") { _ = try model.scan(inputs[$0]!) },
                             TimedMethod("kernel by stepping") { _ = try model.kernel(length: $0) },
                             TimedMethod("FFT convolution") { _ = try causalConvolution(kernels[$0]!, inputs[$0]!) },
                             TimedMethod("Toeplitz matmul", upTo: 4096) { _ = try model.matmul(inputs[$0]!) },
                         ])
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        One SSM, four faces, the same numbers: a continuous system, a recurrence, a convolution and
        a matrix. The discretisation decides how faithful the discrete faces are (ZOH exact for held
        inputs, bilinear second order, Euler first order and fragile), and Δ decides the timescale.
        What LSSL could not do is compute K fast for large N — stepping costs as much as the
        recurrence. Chapter 03 (S4) makes the kernel cost nearly O(N + L log L) with a
        diagonal-plus-low-rank A and a Cauchy kernel.
        """)
    book.exercises("""
        1. Replace LegS by LegT (`legTTransition(stateSize: 16, window: 1)`) in section 4. Do the
           observed orders change? Does Euler's non-normal transient appear?
        2. Use h = 0.01 instead of 0.04: how many RK4 substeps does the reference need for the same
           accuracy, and why does ZOH not care?
        3. Feed a smooth input (a sine sampled at each step, not held) and redo section 4. What
           order does ZOH show now, and why?
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
