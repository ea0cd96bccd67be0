import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter01", title: "HiPPO: memory as online polynomial projection", abstract: """
    HiPPO: a fixed-size state remembers a signal's past as the coefficients of its best \
    approximation under a measure (LegS, LegT, LagT, FouT), which obey a linear ODE c' = Ac + \
    Bf; the chapter builds each A and B, checks their basis functions, runs one memory three \
    ways and reconstructs a signal from the final state.
    """)

/// The window θ of the translated memories (LegT, FouT), in seconds.
let theta = 1.0

func introduction(_ book: Notebook) {
    book.introduction("""
        A recurrent model must squeeze the whole past of its input into a fixed-size state. HiPPO
        (Gu, Dao, Ermon, Rudra & Ré, 2020) answers *how*, exactly: choose a measure μ over the past
        (which part matters, and how much) and keep, at every instant, the coefficients of the best
        polynomial approximation of the past under μ. Those coefficients c(t) obey a linear ODE,
        c'(t) = A c(t) + B f(t), so the memory is a state space model — and the chapters that follow
        (LSSL, S4) are about running exactly these A and B fast.

        Glossary:
        - N — state size = number of basis functions kept
        - θ — window length of the translated measures (LegT, FouT)
        - f — the input signal; c(t) (N) — the state, the coefficients of f's past
        - g_n — the n-th basis function; f̂(s) = Σ_n c_n(t) g_n(s) is the reconstruction
        - Δ, L — time step and number of steps

        Run: `swift run Chapter01` (`--ascii` to see figures in the terminal, `--seed` for another
        signal).
        """)
}

func fourMemories(_ book: Notebook) throws {
    book.cell("1. Four memories and their matrices", """
        | measure | remembers | basis |
        |---|---|---|
        | LegS | the whole history [0, t], rescaled as t grows | Legendre on [0, t] |
        | LegT | a sliding window [t − θ, t] | Legendre on the window |
        | LagT | everything, fading like e^{−age} | Laguerre functions |
        | FouT | a sliding window | Fourier on the window |

        Each gives (A, B) in closed form (`legSTransition`, `legTTransition`, `lagTTransition`,
        `fouTTransition`; the formulas and their derivations are in the doc comments). LegS is
        lower triangular with diagonal −1…−N, so its eigenvalues are exactly −1, …, −N; FouT is a
        rotation (skew-symmetric) minus a rank-one correction. HiPPO-LegS for N = 6:
        """)
    let (legS8, legSB8) = try legSTransition(stateSize: 6)
    book.show("A =\n" + legS8.description)
    book.show("B = \(legSB8.map { String(format: "%.4f", $0) })")

    let n64 = 64
    let (legS, _) = try legSTransition(stateSize: n64)              // (64, 64)
    let eigenvalues = try generalEigen(legS).values                 // (64)
    book.check(.agreement("LegS N = 64: eigenvalues (LAPACK geev) = −1, −2, …, −N",
                          eigenvalues.map(\.real).sorted(by: >), (1...n64).map { -Double($0) }, tolerance: 1e-12,
                          reason: "A is triangular: after balancing LAPACK reads the eigenvalues off the diagonal, up to rounding"))
    let (fouT, fouTB) = try fouTTransition(stateSize: 33, window: theta)
    let symmetricPart = (fouT + fouT.transposed).elements            // (33·33): A + Aᵀ
    let e = fouTB.map { $0 * theta / 2 }                            // (33): g_n(0) = (1, √2, 0, √2, 0, …)
    let rankOne = (0..<33 * 33).map { -4 / theta * e[$0 / 33] * e[$0 % 33] }  // (33·33): −(4/θ)·e·eᵀ
    book.check(.agreement("FouT N = 33: A + Aᵀ = −(4/θ)·e·eᵀ (the rest of A is skew: a rotation)",
                          symmetricPart, rankOne, tolerance: 1e-14,
                          reason: "entrywise identity of the construction; only rounding of 2πk/θ"))
}

func basisFunctions(_ book: Notebook) throws {
    book.cell("2. The basis functions e^{tA}B", """
        Kick the memory with a unit impulse at time 0; its state afterwards is e^{tA}B. Component
        n is how strongly an event of age t registers in coefficient n — the basis functions as
        the state sees them. For LegT, the ideal answer is the Legendre basis on the window read
        backwards in time, (1/θ)·g_n(1 − 2t/θ) for t < θ, and 0 once the impulse has left the window;
        the plot overlays it (dashed). The LTI LegS kernels stretch without end: an impulse is never
        forgotten, only blurred. FouT's are sinusoids that switch off after θ.

        We sample e^{tA}B on a grid by stepping v ← e^{ΔA}v (one matrix exponential, then
        matrix-vector products) and check a few samples against e^{tA}B from a fresh matrix
        exponential at that t.
        """)
    let basisStep = 1e-3, basisLength = 1500, shown = 4
    let basisTimes = (0..<basisLength).map { Double($0) * basisStep }  // (1500)
    for (name, measure, n) in [("legs", HiPPOMeasure.legS, 16), ("legt", .legT(window: theta), 16), ("fout", .fouT(window: theta), 17)] {
        let (a, b) = try measure.transition(stateSize: n)
        let impulse = try hippoImpulseResponse(a: a, b: b, step: basisStep, length: basisLength)  // (1500, N)
        let probes = [1, 250, 999]
        var stepped: [Double] = [], direct: [Double] = []
        for k in probes {
            stepped += impulse.row(k)
            direct += try matrixExponential(Double(k) * basisStep * a) * b
        }
        book.check(.agreement("\(measure): e^{tA}B by stepping = by a fresh expm, t ∈ \(probes.map { Double($0) * basisStep })",
                              stepped, direct, tolerance: 1e-10,
                              reason: name == "legs" ? "k-fold products of e^{ΔA} vs one scaled-and-squared Padé: rounding grows with k and ‖A‖" : nil))
        var series = (0..<shown).map { i in
            Figure.Series("n = \(i)", x: basisTimes, y: impulse.column(i), style: "lines lw 2 lc \(i + 1)")
        }
        if name == "legt" {
            let inside = basisTimes.filter { $0 < theta }
            let ideal = try legendreBasis(stateSize: shown, at: inside.map { 1 - 2 * $0 / theta })  // (P, 4)
            series += (0..<shown).map { i in
                Figure.Series("ideal n = \(i)", x: inside, y: ideal.column(i).map { $0 / theta }, style: "lines lw 1 dt 2 lc \(i + 1)")
            }
        }
        try book.figure(Figure(name: "basis-\(name)", title: "\(measure), N = \(n): first \(shown) components of e^{tA}B",
                               xLabel: "age t (s)", yLabel: "e^{tA}B", series: series))
    }
}

/// Returns the band-limited signal every later cell feeds to the memories.
func oneMemoryThreeWays(_ book: Notebook) throws -> BandLimitedSignal {
    book.cell("3. One memory, three ways (recurrence, FFT convolution, matmul)", """
        With a fixed step Δ, LegT (and LegS used as S4 uses it) is an LTI recurrence
        c_k = Ā c_{k−1} + B̄ f_k. Its state is then a convolution of the input with the state kernel
        Āᵏ B̄ (one kernel per coefficient, by FFT), and a matrix product: stacking the states,
        C = T(f)·𝒦 where T(f) is the L×L lower-triangular Toeplitz matrix of the input and 𝒦 the L×N
        kernel. Three computations, one state trajectory.

        The *true* LegS is time-varying, c' = (1/t)(A c + B f): at step k its update depends on k,
        not just on the distance between steps, so there is no kernel. The numbers: delay the input
        by s steps; an LTI memory's states are delayed by exactly s steps, LegS's are not.
        """)
    let n64 = 64
    let signal = try BandLimitedSignal(maxFrequency: 30, rng: &book.rng)  // f: 32 sinusoids up to 30 Hz
    let viewLength = 2048, viewStep = 1e-3
    let viewInput = try signal.sample((0..<viewLength).map { (Double($0) - 0.5) * viewStep })  // (2048), midpoint samples
    for (measure, step) in [(HiPPOMeasure.legT(window: theta), viewStep), (.legS, 1.0 / Double(viewLength))] {
        let (a, b) = try measure.transition(stateSize: n64)
        let ssm = try StateSpaceModel(a: a, b: b, c: [Double](repeating: 0, count: n64))
            .discretized(step: step, method: .bilinear, requireStable: true)
        let byRecurrence = try ssm.states(viewInput)                // (L, N)
        let byConvolution = try ssm.statesByConvolution(viewInput)  // (L, N)
        let byMatmul = try ssm.statesByMatmul(viewInput)            // (L, N)
        let why = "exact identities; rounding of L = 2048 accumulated products"
        book.check(.agreement("\(measure) LTI, N = 64, L = 2048: FFT convolution = recurrence",
                              byConvolution.elements, byRecurrence.elements, tolerance: 1e-10, reason: why))
        book.check(.agreement("\(measure) LTI, N = 64, L = 2048: Toeplitz matmul = recurrence",
                              byMatmul.elements, byRecurrence.elements, tolerance: 1e-10))
    }
    let delay = 300
    let delayed = [Double](repeating: 0, count: delay) + viewInput[0..<(viewLength - delay)]  // (2048)
    let (legSA, legSB) = try legSTransition(stateSize: n64)
    let legSLTI = try StateSpaceModel(a: legSA, b: legSB, c: [Double](repeating: 0, count: n64))
        .discretized(step: 1.0 / Double(viewLength), method: .bilinear)
    let ltiShift = try delayError(states: legSLTI.states, input: viewInput, delayed: delayed, delay: delay)
    let tvShift = try delayError(states: { try legSTimeVaryingStates(signal: $0, stateSize: n64) },
                                 input: viewInput, delayed: delayed, delay: delay)
    book.show(String(format: "delay the input by %d steps: LTI LegS state moves with it (error %.1e); time-varying LegS does not (error %.2f)",
                     delay, ltiShift, tvShift))
    book.check(.bound("LTI LegS: state of delayed input = delayed state (shift-invariant)", ltiShift, .lessOrEqual, 1e-12,
                      reason: "a kernel exists, so delaying commutes with the memory up to rounding"))
    book.check(.bound("time-varying LegS: delaying the input changes the state (no kernel exists)", tvShift, .greaterOrEqual, 0.05,
                      reason: "LegS rescales its window to [0, t]: a delayed input is a different fraction of the history"))
    return signal
}

/// The reconstruction experiment's grid: 2 s at Δ = 0.25 ms, and the last window θ.
struct ReconstructionGrid {
    let step = 2.5e-4, duration = 2.0
    let times: [Double]                                             // (L): t_k, L = 8001
    let samples: [Double]                                           // (L): f(t_k − Δ/2), the midpoints
    let truth: [Double]                                             // (L): f(t_k), what we compare with
    let windowTimes: [Double], windowTruth: [Double]                // (W): the last θ
    var now: Double { times[times.count - 1] }

    init(signal: BandLimitedSignal) throws {
        let step = 2.5e-4, length = Int((2.0 / step).rounded()) + 1
        let times = (0..<length).map { Double($0) * step }
        let truth = try signal.sample(times)
        let now = times[length - 1]
        let window = times.indices.filter { times[$0] >= now - theta }
        self.times = times
        self.truth = truth
        samples = try signal.sample(times.map { $0 - step / 2 })
        (windowTimes, windowTruth) = (window.map { times[$0] }, window.map { truth[$0] })
    }
}

/// One memory's reconstruction at one N: the errors, and the curves the figures draw.
struct Reconstruction {
    let stateSize: Int
    let best: Double, state: Double, gap: Double                    // relative errors
    let values: [Double]                                            // (span): f̂ from the state
    let flipped: [Double]?                                          // (span): LegT read with the window reversed
}

/// Runs `measure` with N = `stateSize` over the grid and compares its final state with f's projection.
func reconstruct(_ signal: BandLimitedSignal, _ grid: ReconstructionGrid, measure: HiPPOMeasure, stateSize: Int,
                 quadrature: (nodes: [Double], weights: [Double])) throws -> Reconstruction {
    let now = grid.now
    let final: [Double]                                             // (N): the state at t = now
    let spanTimes: [Double], spanTruth: [Double]
    let support: ClosedRange<Double>                                // where the measure lives
    if case .legS = measure {
        final = try legSTimeVaryingStates(signal: grid.samples, stateSize: stateSize).row(grid.times.count - 1)
        (spanTimes, spanTruth, support) = (grid.times, grid.truth, 0...now)
    } else {
        let (a, b) = try measure.transition(stateSize: stateSize)
        let ssm = try StateSpaceModel(a: a, b: b, c: [Double](repeating: 0, count: stateSize))
            .discretized(step: grid.step, method: .bilinear, requireStable: true)
        final = try ssm.finalState(grid.samples)
        (spanTimes, spanTruth, support) = (grid.windowTimes, grid.windowTruth, (now - theta)...now)
    }
    // The best the state could hold: f's projection on the first N basis functions, by quadrature (no A, no B).
    let best = try projection(of: signal, on: measure, stateSize: stateSize, over: support, now: now, quadrature: quadrature)  // (N)
    let values = try measure.reconstruct(state: final, at: spanTimes, now: now)
    var flipped: [Double]?
    if case .legT = measure {
        // The same state read with the window reversed: s ↦ (now − θ) + (now − s).
        flipped = try measure.reconstruct(state: final, at: spanTimes.map { 2 * now - theta - $0 }, now: now)
    }
    return Reconstruction(stateSize: stateSize,
                          best: relativeRMS(try measure.reconstruct(state: best, at: spanTimes, now: now), spanTruth),
                          state: relativeRMS(values, spanTruth),
                          gap: relativeRMS(final, best),             // = ‖f̂_state − f̂*‖_μ / ‖f̂*‖_μ (orthonormal basis)
                          values: values, flipped: flipped)
}

/// Returns the grid and the N = 64 reconstructions (by measure name), which the next cell draws.
func rememberingASignal(_ book: Notebook, signal: BandLimitedSignal) throws -> (ReconstructionGrid, [String: Reconstruction]) {
    book.cell("4. Remembering a signal: the state is the projection", """
        Feed a band-limited random signal (a seeded sum of 32 sinusoids up to 30 Hz, see
        `BandLimitedSignal`) for 2 s through each memory (bilinear, Δ = 0.25 ms), then ask each
        memory to reconstruct what it remembers from its final state alone: LegT and FouT the last
        θ = 1 s, LegS the whole 2 s. (FouT takes N + 1: whole (cos, sin) pairs.) Errors are relative
        RMS over the reconstructed span.

        How good could a state of N numbers be? The best is the orthogonal projection of f on the
        first N basis functions, with coefficients c*_n = ∫ f g_n dμ over the measure's window. We
        compute c* *independently* of A and B — by Gauss–Legendre quadrature of f·g_n over the window
        (768 nodes: exact for polynomials of degree ≤ 1535; f·g_n at N = 257 needs ≈ 600) — and
        compare. First the signal: N = 16 functions cannot follow 30 Hz over a second (you need a
        degree of roughly π·f_max·θ ≈ 94; twice that for LegS's 2 s), N = 256 can, to rounding. Then
        HiPPO's claim: the state *is* c*. We measure ‖c − c*‖/‖c*‖, which by orthonormality is also
        the distance between the two reconstructions. LegS's ODE is exact for every N, so its state
        is the projection even at N = 64, where the projection itself is useless for reconstructing.
        LegT and FouT replace f(t − θ), the value leaving the window, by what the state reconstructs
        there — right only once N is large enough. What remains at large N is the discretisation's
        error (bilinear at Δ = 0.25 ms; the time-varying LegS step freezes A/t at t_k and is first
        order). Each tolerance below comes from a sweep over seeds, its range given in the reason.
        """)
    let grid = try ReconstructionGrid(signal: signal)
    var rows: [[String]] = []
    var results: [String: [Int: Reconstruction]] = [:]              // "LegT", "FouT", "LegS" → N → result
    var shownAt64: [String: Reconstruction] = [:]
    let sizes = [16, 64, 256]
    let quadrature = gaussLegendre(points: 768)                     // exact for degree ≤ 1535: f·g_n at N = 257 needs ≈ 600
    var progress = Progress("reconstruction sweep", total: sizes.count * 3, quiet: book.skipsTimings)
    for n in sizes {
        for measure in [HiPPOMeasure.legT(window: theta), .fouT(window: theta), .legS] {
            let stateSize = { if case .fouT = measure { return n + 1 } else { return n } }()  // FouT: whole (cos, sin) pairs
            let r = try reconstruct(signal, grid, measure: measure, stateSize: stateSize, quadrature: quadrature)
            results[String(measure.description.prefix(4)), default: [:]][stateSize] = r
            let flippedText = r.flipped.map { String(format: "flipped window: %.3f", relativeRMS($0, grid.windowTruth)) } ?? ""
            rows.append(["\(measure)", "\(stateSize)", String(format: "%.2e", r.best), String(format: "%.2e", r.state),
                         String(format: "%.2e", r.gap), flippedText])
            if n == 64 { shownAt64[measure.description] = r }
            progress.advance()
        }
    }
    book.table(header: ["memory", "N", "best possible (projection)", "HiPPO state", "‖c − c*‖/‖c*‖", "pitfall"], rows: rows)
    let (legT, fouT, legS) = (results["LegT"]!, results["FouT"]!, results["LegS"]!)
    book.check(.bound("N = 16 cannot follow 30 Hz: best possible error ≥ 0.3 (least of LegT, FouT, LegS)",
                      min(legT[16]!.best, fouT[17]!.best, legS[16]!.best), .greaterOrEqual, 0.3,
                      reason: "16 functions resolve ≈ 16/π ≈ 5 Hz over 1 s; 104 seeds: ≥ 0.60"))
    book.check(.bound("N = 256 can: best possible error ≤ 1e-10 (largest of LegT, LegS)",
                      max(legT[256]!.best, legS[256]!.best), .lessOrEqual, 1e-10,
                      reason: "degree 256 > π·f_max·(window) ≈ 94 (LegT), 188 (LegS): the tail is at rounding level; 104 seeds: ≤ 1.4e-13"))
    for (name, n, gaps, tolerance, range) in [("LegT", 256, legT, 3e-2, "3.4e-3–1.3e-2"), ("LegS", 256, legS, 3e-2, "6.8e-3–1.5e-2"),
                                              ("LegS", 64, legS, 2e-2, "2.8e-3–9.8e-3"), ("FouT", 257, fouT, 0.2, "3.5e-2–8.3e-2")] {
        book.check(.bound("\(name) N = \(n): HiPPO state = projection c* by quadrature, ‖c − c*‖/‖c*‖", gaps[n]!.gap, .lessOrEqual, tolerance,
                          reason: "the discretisation's error\(name == "FouT" ? " plus FouT's Gibbs-limited guess of f(t − θ)" : ""); 104 seeds: \(range)"))
    }
    return (grid, shownAt64)
}

func twoPitfalls(_ book: Notebook, grid: ReconstructionGrid, shown: [String: Reconstruction]) throws {
    book.cell("5. Two pitfalls, and what the state remembers", """
        Two pitfalls, both with numbers:
        - **Time orientation.** LegT's coefficient basis is g_n(x) with x = +1 *now* and x = −1 at
          θ ago. Read the window the wrong way round and the same state reconstructs nonsense (the
          table's last column, and the dashed curve of the LegT figure).
        - **The half step.** The recurrence treats sample f_k as the input over the step ending at
          t_k. Feeding f(t_k) rather than f(t_k − Δ/2) delays the memory by Δ/2: an error ∝ Δ·|f'|
          that no amount of N can remove. We sample at the midpoints; the chapter measures the
          difference on a slow signal, where nothing else hides it.
        """)
    // The half-step pitfall, where it is not hidden by an unconverged N: a 5 Hz signal, LegT N = 64, Δ = 1 ms.
    let now = grid.now
    let slow = try BandLimitedSignal(maxFrequency: 5, rng: &book.rng)
    let slowStep = 1e-3, slowLength = Int((grid.duration / slowStep).rounded()) + 1
    let slowTimes = (0..<slowLength).map { Double($0) * slowStep }     // (2001)
    let slowWindow = slowTimes.filter { $0 >= now - theta }
    let slowTruth = try slow.sample(slowWindow)
    let (legT64, legTB64) = try legTTransition(stateSize: 64, window: theta)
    let legT64Model = try StateSpaceModel(a: legT64, b: legTB64, c: [Double](repeating: 0, count: 64))
        .discretized(step: slowStep, method: .bilinear)
    func slowError(offset: Double) throws -> Double {
        let fed = try slow.sample(slowTimes.map { $0 - offset })        // (2001)
        let state = try legT64Model.finalState(fed)
        return relativeRMS(try HiPPOMeasure.legT(window: theta).reconstruct(state: state, at: slowWindow, now: now), slowTruth)
    }
    let midpointError = try slowError(offset: slowStep / 2), endError = try slowError(offset: 0)
    book.show(String(format: "half-step pitfall (5 Hz signal, LegT N = 64, Δ = 1 ms): samples f(t_k) give %.2e, midpoints f(t_k − Δ/2) give %.2e",
                     endError, midpointError))
    book.check(.bound("LegT: end-of-step samples err ≥ 5× more than midpoint samples (the Δ/2 delay)",
                      endError / midpointError, .greaterOrEqual, 5,
                      reason: "the delay costs ≈ (Δ/2)·|f'| ∝ Δ, bilinear's own error ∝ Δ²: at Δ = 1 ms the first dominates"))

    let shade = "set object 1 rect from \(now - theta), graph 0 to \(now), graph 1 fc rgb '#eeeeee' fs solid 1.0 noborder behind"
    for (name, measure) in [("legt", HiPPOMeasure.legT(window: theta)), ("fout", .fouT(window: theta)), ("legs", .legS)] {
        guard let f = shown[measure.description] else { continue }
        let span = name == "legs" ? grid.times : grid.windowTimes
        var series = [
            Figure.Series("signal f", x: grid.times, y: grid.truth, style: "lines lw 1 lc rgb 'gray40'"),
            Figure.Series("\(measure) reconstruction, N = \(f.stateSize)", x: span, y: f.values, style: "lines lw 2 lc rgb '#d62728'"),
        ]
        if let flipped = f.flipped {
            series.append(.init("same state, window flipped (the bug)", x: span, y: flipped, style: "lines lw 1 dt 2 lc rgb '#1f77b4'"))
        }
        var figure = Figure(name: "reconstruction-\(name)", title: "\(measure): what the final state remembers (N = \(f.stateSize))",
                            xLabel: "t (s)", yLabel: "f(t)", series: series)
        if name != "legs" { figure.extraCommands = [shade] }
        try book.figure(figure)
    }
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        The memories are SSMs, so everything Chapter 00 showed holds for them: the LTI ones are a
        recurrence, a convolution and a matrix at once (section 3). LegS is the odd one out —
        time-varying, so no kernel — and that is why S4 *uses LegS's matrices as an LTI system*
        with a learned Δ: it keeps the good memory and gains the convolution. Chapter 02 studies
        that step Δ, and how to discretise.
        """)
    book.exercises("""
        1. Shrink the window to θ = 0.25 s. How small can N be for LegT's error to stay under 1e-2?
           Compare with the rule of thumb N ≈ π·f_max·θ.
        2. Replace bilinear by `.zoh` in section 4. Which errors change, and why does ZOH not
           remove the half-step bias on its own?
        3. Change FouT's correction from 2·e·eᵀ to e·eᵀ (and B from 2e/θ to e/θ) in `FouT.swift`.
           What happens to its error, and why does the Gibbs midpoint explain it?
        """)
}

book.run { book in
    introduction(book)
    try fourMemories(book)
    try basisFunctions(book)
    let signal = try oneMemoryThreeWays(book)
    let (grid, shown) = try rememberingASignal(book, signal: signal)
    try twoPitfalls(book, grid: grid, shown: shown)
    whatComesNext(book)
}

/// ‖a − b‖₂ / ‖b‖₂.
func relativeRMS(_ a: [Double], _ b: [Double]) -> Double {
    (zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / b.reduce(0) { $0 + $1 * $1 }).squareRoot()
}

/// Gauss–Legendre nodes x_j and weights w_j on [−1, 1]: Σ w_j p(x_j) = ∫ p for every polynomial
/// of degree ≤ 2m − 1. Newton's method on P_m from the guesses cos(π(j + ¾)/(m + ½)); P_m and
/// P_m' by Bonnet's recurrence. - Complexity: O(m²).
func gaussLegendre(points m: Int) -> (nodes: [Double], weights: [Double]) {
    var nodes: [Double] = [], weights: [Double] = []
    for j in 0..<m {
        var x = cos(Double.pi * (Double(j) + 0.75) / (Double(m) + 0.5))
        for _ in 0..<20 {
            let (p, dp) = legendreAndDerivative(m, at: x)
            let dx = p / dp
            x -= dx
            if abs(dx) <= 1e-16 { break }
        }
        let dp = legendreAndDerivative(m, at: x).derivative
        nodes.append(x)
        weights.append(2 / ((1 - x * x) * dp * dp))
    }
    return (nodes, weights)
}

/// P_m(x) and P_m'(x) (m ≥ 1, |x| < 1) by Bonnet's recurrence. - Complexity: O(m).
func legendreAndDerivative(_ m: Int, at x: Double) -> (value: Double, derivative: Double) {
    var previous = 1.0, current = x                                 // P_0, P_1
    for k in stride(from: 2, through: m, by: 1) {
        (previous, current) = (current, ((2 * Double(k) - 1) * x * current - Double(k - 1) * previous) / Double(k))
    }
    return (current, Double(m) * (x * current - previous) / (x * x - 1))
}

/// c*_n = ∫ f(s) g_n(s) dμ(s): the coefficients of f's orthogonal projection on the measure's
/// first N basis functions, μ uniform on `support` (the window, or [0, t] for LegS). Computed by
/// Gauss–Legendre quadrature mapped to the support — from f and the basis alone, never from A
/// or B, so it is an independent reference for the HiPPO state.
/// - Complexity: O(M·(N + J)) for M nodes and J sinusoids in f.
func projection(of f: BandLimitedSignal, on measure: HiPPOMeasure, stateSize n: Int, over support: ClosedRange<Double>,
                now: Double, quadrature: (nodes: [Double], weights: [Double])) throws -> [Double] {
    let (low, high) = (support.lowerBound, support.upperBound)
    let s = quadrature.nodes.map { low + (high - low) * ($0 + 1) / 2 }  // (M): nodes on the support
    let weighted = zip(quadrature.weights, try f.sample(s)).map { $0 * $1 / 2 }  // (M): w_j/2 · f(s_j), dμ = ds/(high − low)
    return try measure.basis(stateSize: n, at: s, now: now).transposed * weighted  // (N)
}

/// Relative difference between the last state for `delayed` and the state `delay` steps
/// earlier for `input`: 0 for a shift-invariant (LTI) memory.
func delayError(states: ([Double]) throws -> Matrix, input: [Double], delayed: [Double], delay: Int) throws -> Double {
    let original = try states(input)                                // (L, N)
    let shifted = try states(delayed)                               // (L, N)
    return relativeDifference(shifted.row(input.count - 1), original.row(input.count - 1 - delay))
}
