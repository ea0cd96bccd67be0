import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter01", title: "HiPPO: memory as online polynomial projection", abstract: """
    HiPPO: a fixed-size state remembers a signal's past as the coefficients of its best \
    approximation under a measure (LegT, LegS, LagT, FouT), and those coefficients obey a linear \
    ODE c' = Ac + Bf. The chapter derives A and B, checks each memory's basis functions e^{tA}B, \
    runs one memory three ways (recurrence, FFT convolution, Toeplitz matmul), and checks that the \
    state is the projection computed independently by quadrature — separating what N limits \
    from what the step Δ limits.
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
        - c* — the coefficients of f's best approximation, computed without A or B
        - Δ, L — time step and number of steps

        Run: `swift run Chapter01` (`--ascii` to see figures in the terminal, `--seed` for another
        signal, `--inject nope` to list the wrong ingredients the checks must catch).
        """)
}

/// The four memories' matrices, made in one place — where `--inject` swaps in a wrong one.
struct Memories {
    let legSOffDiagonal: Bool, legSDiagonal: Bool, legSBOnes: Bool
    let legTFlipped: Bool, fouTNoRankOne: Bool, fouTEWithoutRoot2: Bool, fouTFrequencyOffByOne: Bool

    init(_ book: Notebook) {
        legSOffDiagonal = book.injects("legs-offdiagonal", "LegS with its off-diagonal entries scaled by 0.995")
        legSDiagonal = book.injects("legs-diagonal", "LegS with diagonal −n in place of −(n + 1) (eigenvalues 0…−(N−1))")
        legSBOnes = book.injects("legs-b-ones", "LegS with B = 1 in place of √(2n+1)")
        legTFlipped = book.injects("legt-flipped", "LegT with the window flipped (the A and B of g_n(−x))")
        fouTNoRankOne = book.injects("fout-no-rank-one", "FouT without its rank-one correction −2eeᵀ/θ")
        fouTEWithoutRoot2 = book.injects("fout-e-without-root2", "FouT built from e = (1, 1, 0, 1, 0, …), the √2 forgotten, in A and B alike")
        fouTFrequencyOffByOne = book.injects("fout-frequency-off-by-one", "FouT rotating pair k at 2π(k + 1)/θ in place of 2πk/θ")
    }

    /// (A, B) of `measure` at state size N, with this run's wrong ingredient if it is one of its.
    func transition(_ measure: HiPPOMeasure, stateSize n: Int) throws -> (a: Matrix, b: [Double]) {
        var (a, b) = try measure.transition(stateSize: n)            // (N, N), (N)
        switch measure {
        case .legS:
            for row in 0..<n {
                if legSDiagonal { a[row, row] = -Double(row) }
                for col in 0..<row where legSOffDiagonal { a[row, col] *= 0.995 }
            }
            if legSBOnes { b = [Double](repeating: 1, count: n) }
        case .legT where legTFlipped:                                // g_n(−x) = (−1)ⁿ g_n(x): conjugate by diag((−1)ⁿ)
            let sign = (0..<n).map { $0 % 2 == 0 ? 1.0 : -1.0 }
            for row in 0..<n { for col in 0..<n { a[row, col] *= sign[row] * sign[col] } }
            b = zip(b, sign).map { $0 * $1 }
        case let .fouT(window) where fouTFrequencyOffByOne:
            for k in 1...max(1, (n - 1) / 2) where 2 * k < n {
                a[2 * k - 1, 2 * k] += 2 * .pi / window
                a[2 * k, 2 * k - 1] -= 2 * .pi / window
            }
        case let .fouT(window) where fouTNoRankOne || fouTEWithoutRoot2:
            let e = b.map { $0 * window / 2 }                         // (N): g_n(0), as fouTTransition made it
            let wrong = fouTEWithoutRoot2 ? e.map { $0 == 0 ? 0 : 1 } : e
            for row in 0..<n {
                for col in 0..<n {
                    a[row, col] += 2 * e[row] * e[col] / window       // the rotation S/θ alone
                    if !fouTNoRankOne { a[row, col] -= 2 * wrong[row] * wrong[col] / window }
                }
            }
            b = wrong.map { 2 * $0 / window }
        default: break
        }
        return (a, b)
    }
}

func fromMeasureToODE(_ book: Notebook) throws -> Memories {
    book.cell("1. From a measure to an ODE", """
        Take LegT, the memory of the last θ seconds. Its measure is uniform on the window
        [t − θ, t], its basis the Legendre polynomials fitted to the window,
        g_n(x) = √(2n+1)·P_n(x) with x = 2(s − t)/θ + 1 (x = +1 is *now*, x = −1 is θ ago),
        orthonormal for dx/2. The best approximation of f's recent past by N of them has the
        coefficients

            c_n(t) = (1/θ) ∫_{t−θ}^{t} f(s) g_n(x(s, t)) ds.

        Differentiate in t. The window's two ends move (Leibniz's rule), and x depends on t:

            c_n'(t) = (1/θ)[g_n(1)·f(t) − g_n(−1)·f(t − θ)] − (2/θ)·(1/θ)∫ f(s) g_n'(x) ds.

        g_n' is a polynomial of degree n − 1, so g_n' = Σ_{k<n} D_nk g_k with
        D_nk = √(2n+1)√(2k+1) for n − k odd (0 otherwise), so (1/θ)∫ f(s) g_n'(x) ds = Σ_k D_nk c_k:
        the state again. One unknown is left, f(t − θ), the value leaving the window; LegT
        replaces it by what the state reconstructs there, Σ_k g_k(−1) c_k. With g_n(±1) = (±1)ⁿ√(2n+1)
        everything is linear in c and f:

            c' = A c + B f,   A = −(1/θ)[g(−1)g(−1)ᵀ + 2D],   B = g(1)/θ,

        which is `legTTransition`: A_nk = −(1/θ)√(2n+1)√(2k+1)·(1 if n ≥ k, else (−1)^{n−k}). The
        memory is a state space model. The same steps give the other three:

        | measure | remembers | basis | ODE |
        |---|---|---|---|
        | LegT | the window [t − θ, t] | Legendre on the window | c' = Ac + Bf, one approximation (f(t − θ)) |
        | LegS | all of [0, t], rescaled as t grows | Legendre on [0, t] | c' = (1/t)(Ac + Bf), exact |
        | LagT | everything, fading like e^{−age} | Laguerre functions of the age | c' = Ac + Bf, exact |
        | FouT | the window [t − θ, t] | Fourier on the window | c' = Ac + Bf, one approximation |

        LegS needs no approximation: its window [0, t] starts where f starts. Our LagT is the HiPPO
        code repository's `transition('lagt')`, A = −(½I + strictly lower ones), B = 1 (Laguerre
        *functions* L_n(a)e^{−a/2}, orthonormal for da); the HiPPO paper's LagT puts 1 on the
        diagonal (Laguerre polynomials under the measure e^{−a}). FouT (`fouTTransition`) is a
        rotation S/θ (cos ↔ sin) minus a rank-one correction 2eeᵀ/θ, with e = g(0) its basis at the
        window's edge.

        The checks below redo the derivation numerically — D and its LegS counterpart from
        Gauss–Legendre quadrature of g_n'·g_k (`legendreTransitionByQuadrature`); for FouT, D from
        the midpoint rule on g_n'·g_k, where the rotation frequencies 2πk/θ come from, plus the
        boundary terms g(0) and g(1) (`fouTTransitionByQuadrature`) — never from the closed forms.
        HiPPO-LegS for N = 6:
        """)
    let memories = Memories(book)
    let (legS6, legSB6) = try memories.transition(.legS, stateSize: 6)
    book.show("A =\n" + legS6.description)
    book.show("B = \(legSB6.map { String(format: "%.4f", $0) })")
    for measure in [HiPPOMeasure.legT(window: theta), .legS] {
        let (a, b) = try memories.transition(measure, stateSize: 64)
        let derived = try legendreTransitionByQuadrature(measure, stateSize: 64)
        book.check(.agreement("\(measure) N = 64: A, B in closed form = derived by quadrature (measure → projection → d/dt)",
                              a.elements + b, derived.a.elements + derived.b, tolerance: 1e-12,
                              reason: "65-node Gauss sums of products up to (2N)²: rounding ≈ 1e-14 relative; a wrong entry is off by ≥ 1e-3"))
    }
    try fouTByQuadrature(book, memories: memories)
    return memories
}

/// FouT's (A, B) against their derivation from the Fourier basis and its derivative by quadrature.
func fouTByQuadrature(_ book: Notebook, memories: Memories) throws {
    let n = 33
    let (a, b) = try memories.transition(.fouT(window: theta), stateSize: n)
    let derived = try fouTTransitionByQuadrature(stateSize: n, window: theta)
    book.check(.agreement("FouT N = 33: A, B in closed form = derived by quadrature of g_n'·g_k plus the boundary terms g(0), g(1)",
                          a.elements + b, derived.a.elements + derived.b, tolerance: 1e-12,
                          reason: "the midpoint rule on 66 nodes is exact for these trigonometric products: rounding ≈ 1e-14 relative; a wrong frequency is off by 2π/θ"))
}

/// e^{tA}B sampled on a grid by stepping with e^{ΔA}, plus the two independent checks of it.
func steppedBasis(_ book: Notebook, _ measure: HiPPOMeasure, a: Matrix, b: [Double], step: Double, length: Int,
                  firstOrder: Bool) throws -> Matrix {
    let propagator = firstOrder ? Matrix.identity(b.count) + step * a : try matrixExponential(step * a)  // (N, N): e^{ΔA}
    let impulse = try hippoImpulseResponse(propagator: propagator, b: b, length: length)  // (L, N)
    var taylor = b, term = b                                         // Σ_j (ΔA)^j B / j!, 30 terms: ‖ΔA‖ ≤ 0.06
    for j in 1..<30 {
        term = (step / Double(j)) * a * term
        taylor = zip(taylor, term).map { $0 + $1 }
    }
    book.check(.agreement("\(measure): e^{ΔA}B (scaled-and-squared Padé) = Taylor series Σ (ΔA)ʲB/j!, Δ = \(step)",
                          impulse.row(1), taylor, tolerance: 1e-13,
                          reason: measure.description == "LegS" ? "‖ΔA‖ ≤ 0.06: 30 terms converge to rounding; two unrelated algorithms" : nil))
    let probes = [250, 999]
    var stepped: [Double] = [], direct: [Double] = []
    for k in probes {
        stepped += impulse.row(k)
        direct += try matrixExponential(Double(k) * step * a) * b
    }
    book.check(.agreement("\(measure): e^{tA}B by k steps of e^{ΔA} = by one expm at t, t ∈ \(probes.map { Double($0) * step })",
                          stepped, direct, tolerance: 1e-10,
                          reason: measure.description == "LegS" ? "k-fold products vs one scaled-and-squared Padé: rounding grows with k and ‖A‖" : nil))
    return impulse
}

func basisFunctions(_ book: Notebook, memories: Memories) throws {
    book.cell("2. What the state sees: the basis functions e^{tA}B", """
        Kick the memory with a unit impulse at time 0; its state afterwards is e^{tA}B. Component
        n is how strongly an event of age t registers in coefficient n — the basis functions as
        the state sees them. We sample e^{tA}B by stepping v ← e^{ΔA}v and check the first step
        against a Taylor series and later samples against a fresh matrix exponential at that t.

        - **LegT**: the ideal answer is the window's Legendre basis read backwards in time,
          (1/θ)·g_n(1 − 2t/θ) while t < θ, and 0 once the impulse has left the window (dashed).
          With N = 16 it is approximate: LegT only estimates f(t − θ).
        - **LegS used as an LTI system** (as S4 uses it): the substitution t = eˢ turns the
          time-varying c' = (1/t)(Ac + Bf) into dc/ds = Ac + Bf, so the LTI system's basis is the
          Legendre basis of [0, 1] read in the warped variable x = e^{−t}:
          (e^{tA}B)_n = e^{−t}·g_n(2e^{−t} − 1) (Gu, Johnson, Timalsina, Rudra & Ré 2022, "How to
          Train Your HiPPO"). Its first component is exactly e^{−t}, and every one is at most
          √(2n+1)·e^{−t}: the LTI LegS memory *forgets*, exponentially, at least as fast as e^{−t}
          (its eigenvalues −1…−N say the same). What never forgets is the *time-varying* LegS: an
          impulse at time s₀ stays in its state as (1/t)·g_n(2s₀/t − 1), fading only like 1/t.
          S4 can still use LegS as an LTI system because the warped view holds for any signal: its
          state is the projection of the history on exponentially-warped Legendre polynomials,
          a memory with a timescale (set by Δ) instead of none. The check compares every sample;
          the figure draws |component n|/√(2n+1) on a log scale, under the line e^{−t}.
        - **FouT**: the window's sinusoids read backwards, 1, √2·cos 2πkt/θ, −√2·sin 2πkt/θ (dashed),
          that switch off after θ. At t = 0 the state is B = 2e/θ — component 1 starts at 2√2, twice the basis value √2 —
          because FouT guesses the leaving value as f(t − θ) ≈ 2eᵀc − f(t) (a Fourier series meets
          a jump at its midpoint): B carries that extra f(t). The −2eeᵀ/θ term removes the excess
          within about θ/N, leaving the sinusoids.
        """)
    let step = 1e-3, length = 4000, shown = 4
    let times = (0..<length).map { Double($0) * step }               // (4000): age t, s
    for (name, measure, n) in [("legs", HiPPOMeasure.legS, 16), ("legt", .legT(window: theta), 16), ("fout", .fouT(window: theta), 17)] {
        let (a, b) = try memories.transition(measure, stateSize: n)
        let firstOrder = book.injects("expm-first-order", "e^{ΔA} replaced by its first-order approximation I + ΔA when stepping e^{tA}B")
        let impulse = try steppedBasis(book, measure, a: a, b: b, step: step, length: length, firstOrder: firstOrder)  // (L, N)
        var references: [Figure.Series] = []
        if case .legS = measure {
            let warped = try legSTimeInvariantBasis(stateSize: n, at: times)  // (L, N): e^{−t} g_n(2e^{−t} − 1)
            book.check(.agreement("LTI LegS N = 16: e^{tA}B = e^{−t}·g_n(2e^{−t} − 1) (warped Legendre), 4000 ages in [0, 4) s",
                                  impulse.elements, warped.elements, tolerance: 1e-11,
                                  reason: "closed form vs 4000 products of e^{ΔA}: rounding grows with k; a wrong entry of A is off by ≥ 1e-4"))
            references = (0..<shown).map { i in
                .init(i == 0 ? "closed form e^{-t} g_n(2e^{-t} - 1)" : "", x: times, y: warped.column(i), style: "lines lw 1 dt 2 lc rgb 'black'")
            }
        } else {
            let inside = times.filter { $0 < theta }                  // the window read backwards: g_n at x(now − t)
            let fouT = { if case .fouT = measure { return true } else { return false } }()
            let ideal = fouT ? try fourierBasis(stateSize: shown, at: inside.map { 1 - $0 / theta })       // (P, 4)
                             : try legendreBasis(stateSize: shown, at: inside.map { 1 - 2 * $0 / theta })  // (P, 4)
            references = (0..<shown).map { i in
                .init(i == 0 ? "ideal (1/θ) g_n(now − t), t < θ" : "", x: inside, y: ideal.column(i).map { $0 / theta },
                      style: "lines lw 1 dt 2 lc rgb 'black'")
            }
        }
        try drawBasis(book, name: name, measure: measure, n: n, times: times, impulse: impulse, references: references)
    }
}

func drawBasis(_ book: Notebook, name: String, measure: HiPPOMeasure, n: Int, times: [Double], impulse: Matrix,
               references: [Figure.Series]) throws {
    let fourier = ["n = 0: 1", "n = 1: √2 cos 2πt/θ", "n = 2: −√2 sin 2πt/θ", "n = 3: √2 cos 4πt/θ"]
    let legS = name == "legs"
    let span = legS ? times.count : 1500                             // LegS out to 4 s to show the decay; the windows to 1.5 s
    // LegS: |component n|/√(2n+1) on a log axis, so the bound e^{−t} is one line for every n.
    func drawn(_ x: [Double], _ y: [Double], _ i: Int) -> (x: [Double], y: [Double]) {
        guard legS else { return (x, y) }
        let scaled = y.map { abs($0) / (2 * Double(i) + 1).squareRoot() }
        let kept = scaled.indices.filter { scaled[$0] > 0 }          // a logarithm needs |·| > 0
        return (kept.map { x[$0] }, kept.map { scaled[$0] })
    }
    var series = legS ? [Figure.Series("e^{-t}: the bound on every |component n| / √(2n+1)", x: Array(times[..<span]),
                                       y: times[..<span].map { exp(-$0) }, style: "lines lw 8 lc rgb '#d0d0d0'")] : []
    series += (0..<4).map { i in
        let (x, y) = drawn(Array(times[..<span]), Array(impulse.column(i)[..<span]), i)
        return Figure.Series(name == "fout" ? fourier[i] : "n = \(i)", x: x, y: y, style: "lines lw 2 lc \(i + 1)")
    }
    series += references.enumerated().map { i, reference in
        let kept = reference.x.indices.filter { reference.x[$0] < times[span - 1] }
        let (x, y) = drawn(kept.map { reference.x[$0] }, kept.map { reference.y[$0] }, i)
        return Figure.Series(reference.title, x: x, y: y, style: reference.style)
    }
    var figure = Figure(name: "basis-\(name)", title: "\(measure), N = \(n): components n = 0…3 of e^{tA}B after an impulse at t = 0",
                        xLabel: "age t of the impulse (s)",
                        yLabel: legS ? "|(e^{tA}B)_n| / √(2n+1) (state per unit impulse)" : "(e^{tA}B)_n (state per unit impulse)",
                        series: series)
    figure.extraCommands = ["set key outside right top"] + (legS ? ["set yrange [1e-4:2]"] : [])
    figure.logY = legS
    try book.figure(figure)
}

/// The signals every later cell feeds the memories: a fast one (30 Hz) and a slow one (5 Hz).
struct Signals {
    let fast: BandLimitedSignal, slow: BandLimitedSignal
}

func oneMemoryThreeWays(_ book: Notebook, memories: Memories) throws -> Signals {
    book.cell("3. From ODE to recurrence, and one memory three ways", """
        A computer sees f only at steps t_k = kΔ, so c' = Ac + Bf must become a recurrence
        c_k = Ā c_{k−1} + B̄ f_k — a *discretisation* (Chapter 02 compares the rules at length).
        Two appear in this chapter:

            zero-order hold (ZOH):  Ā = e^{ΔA},   B̄ = A⁻¹(e^{ΔA} − I)B   exact if f is constant over each step
            bilinear (trapezoid):   Ā = (I − ΔA/2)⁻¹(I + ΔA/2),   B̄ = (I − ΔA/2)⁻¹ΔB

        Each sample f_k stands for the whole step (t_{k−1}, t_k]; the best single value for that
        is the midpoint, f_k = f(t_k − Δ/2) (*midpoint sampling*: taking f(t_k) instead delays the
        memory by Δ/2, section 6 measures it). We use ZOH with midpoint samples for the LTI
        memories: both errors are then O(Δ²).

        With a fixed Δ the recurrence is linear and time-invariant, so unrolling it gives
        c_k = Σ_{j≤k} Ā^{k−j} B̄ f_j: each coefficient of the state is the input convolved with
        its own *state kernel* (Āᵏ B̄)_n — N convolutions, one FFT each — and, stacking the states,
        one matrix product C = T(f)·𝒦 with T(f) the L×L lower-triangular Toeplitz matrix of the
        input and 𝒦 the L×N kernel. Three computations, one state trajectory: checked for LegT
        and for LegS used as an LTI system.

        The last checks are the warped view of section 2 on a real signal: the LTI LegS state (time
        scale τ = 1 s, c' = (A/τ)c + (B/τ)f) must equal f's projection on e^{−a}·g_n(2e^{−a} − 1)
        over the age a, computed by quadrature without A or B. The *time-varying* LegS has no
        kernel: its step-k update depends on k itself, so delaying the input by s steps does not
        delay its state.
        """)
    let fast = try BandLimitedSignal(maxFrequency: 30, rng: &book.rng)  // f: 32 sinusoids up to 30 Hz
    let slow = try BandLimitedSignal(maxFrequency: 5, rng: &book.rng)   // the same, up to 5 Hz
    let length = 2048, step = 1e-3, n = 64
    let input = try fast.sample((1...length).map { (Double($0) - 0.5) * step })  // (2048): f(t_k − Δ/2), k = 1…L
    for measure in [HiPPOMeasure.legT(window: theta), .legS] {
        let (a, b) = try memories.transition(measure, stateSize: n)
        let ssm = try StateSpaceModel(a: a, b: b, c: [Double](repeating: 0, count: n))
            .discretized(step: step, method: .zoh, requireStable: true)
        let byRecurrence = try ssm.states(input)                     // (L, N)
        let byConvolution = try ssm.statesByConvolution(input)       // (L, N)
        let byMatmul = try ssm.statesByMatmul(input)                 // (L, N)
        let name = measure.description == "LegS" ? "LTI LegS" : "\(measure)"
        book.check(.agreement("\(name), N = 64, L = 2048: FFT convolution with the state kernel = recurrence",
                              byConvolution.elements, byRecurrence.elements, tolerance: 1e-10,
                              reason: "exact rewritings of one operator; rounding of L = 2048 accumulated products"))
        book.check(.agreement("\(name), N = 64, L = 2048: Toeplitz matmul T(f)·𝒦 = recurrence",
                              byMatmul.elements, byRecurrence.elements, tolerance: 1e-10))
        if case .legS = measure {
            try warpedProjection(book, fast: fast, final: byRecurrence.row(length - 1), now: Double(length) * step)
        }
    }
    try timeVaryingDelay(book, input: input, memories: memories)
    return Signals(fast: fast, slow: slow)
}

/// The LTI LegS state (τ = 1 s, so Δ in units of τ is Δ) against the warped projection by quadrature.
func warpedProjection(_ book: Notebook, fast: BandLimitedSignal, final: [Double], now: Double) throws {
    let projected = try legSTimeInvariantProjection(of: fast.sample, stateSize: final.count, now: now, timescale: 1, points: 1024)
    book.check(.agreement("LTI LegS N = 64 at t = 2.048 s: state = projection on e^{−a}g_n(2e^{−a} − 1) by quadrature (no A, no B)",
                          final, projected, tolerance: 3e-3,
                          reason: "ZOH with midpoint samples at Δ = 1 ms: O((2πf_maxΔ)²/24) ≈ 1.5e-3 at 30 Hz; 100 seeds: 2.1e-4–1.4e-3"))
}

/// Delaying the input of the time-varying LegS changes its state: it has no kernel.
func timeVaryingDelay(_ book: Notebook, input: [Double], memories: Memories) throws {
    let delay = 300, n = 64
    let delayed = [Double](repeating: 0, count: delay) + input[0..<(input.count - delay)]  // (2048)
    let transition = try memories.transition(.legS, stateSize: n)
    let original = try legSTimeVaryingStates(signal: input, transition: transition, scheme: .midpoint)   // (L, N)
    let shifted = try legSTimeVaryingStates(signal: delayed, transition: transition, scheme: .midpoint)  // (L, N)
    let change = relativeDifference(shifted.row(input.count - 1), original.row(input.count - 1 - delay))
    book.finding(String(format: "Delaying the input by %d steps: the time-varying LegS state at the end differs from its state %d steps earlier by %.2f (relative).",
                        delay, delay, change))
    book.check(.bound("time-varying LegS: delaying the input by 300 steps changes the state (no kernel exists)", change, .greaterOrEqual, 0.05,
                      reason: "LegS rescales its window to [0, t]: a delayed input is a different fraction of the history (an LTI memory gives exactly 0); 100 seeds: 0.48–1.8"))
}

/// A grid of steps over [0, 2 s]: times t_k = kΔ and the midpoint samples f(t_k − Δ/2).
struct Grid {
    let step: Double
    let times: [Double]                                              // (L): t_0 = 0 … t_{L−1} = 2 s
    let samples: [Double]                                            // (L): f(t_k − Δ/2), the midpoints
    var now: Double { times[times.count - 1] }

    init(_ signal: BandLimitedSignal, step: Double, endSamples: Bool = false) throws {
        let length = Int((2.0 / step).rounded()) + 1
        let times = (0..<length).map { Double($0) * step }
        self.times = times
        self.step = step
        samples = try signal.sample(times.map { endSamples ? $0 : $0 - step / 2 })
    }
}

/// One memory's final state on a grid, and f's projection c* at the same time.
struct MemoryRun {
    let measure: HiPPOMeasure
    let state: [Double], best: [Double]                              // (N), (N)
    /// ‖c − c*‖/‖c*‖: by orthonormality also the distance between the two reconstructions.
    var gap: Double { relativeRMS(state, best) }
}

/// Runs `measure` over `grid` — LTI memories by `method` from c = 0 at t = 0, LegS by its
/// time-varying recurrence — and projects the signal by quadrature (`points` nodes).
func runMemory(_ measure: HiPPOMeasure, stateSize n: Int, on grid: Grid, signal: BandLimitedSignal, memories: Memories,
               method: DiscretizationMethod = .zoh, legSScheme: LegSStepScheme = .midpoint, points: Int = 768) throws -> MemoryRun {
    let transition = try memories.transition(measure, stateSize: n)
    let state: [Double]                                              // (N): the state at t = now
    if case .legS = measure {
        state = try legSTimeVaryingStates(signal: grid.samples, transition: transition, scheme: legSScheme).row(grid.times.count - 1)
    } else {
        let ssm = try StateSpaceModel(a: transition.a, b: transition.b, c: [Double](repeating: 0, count: n))
            .discretized(step: grid.step, method: method, requireStable: true)
        state = try ssm.finalState(Array(grid.samples.dropFirst()))  // steps 1…L−1: (0, 2 s]
    }
    let best = try hippoProjection(of: signal.sample, on: measure, stateSize: n, now: grid.now, points: points)  // (N)
    return MemoryRun(measure: measure, state: state, best: best)
}

/// The reconstructions of cell 4 that cell 6 draws, and the LegT N = 256 state read backwards.
struct Remembered {
    let grid: Grid
    let runs: [String: [Int: MemoryRun]]                             // "LegT", "LegS", "LagT", "FouT" → N → run
    func span(_ measure: HiPPOMeasure) -> [Double] {                 // what each memory reconstructs
        if case .legS = measure { return grid.times }
        return grid.times.filter { $0 >= grid.now - theta }
    }
}

func stateIsTheProjection(_ book: Notebook, signals: Signals, memories: Memories) throws -> Remembered {
    book.cell("4. The state is the projection", """
        HiPPO's central claim: the state *is* the vector c* of projection coefficients of the
        input's history on the measure's basis. We test it head on. Feed the 30 Hz signal for
        2 s (Δ = 0.25 ms, L = 8001, midpoint samples) to each memory — the LTI ones by ZOH, LegS by
        its time-varying recurrence with A/t frozen at each step's midpoint (a second-order
        scheme, section 5) — and compute c* *independently*, by Gauss–Legendre quadrature of
        f·g_n over what the measure remembers (768 nodes: exact for polynomials of degree ≤ 1535;
        f·g_n at N = 257 needs ≈ 600), from f and the basis alone (`hippoProjection`).

        Two different errors hide in a reconstruction, and the table separates them:
        - **N**: the best N basis functions can do. "best possible" reconstructs from c*: N = 16
          functions cannot follow 30 Hz over a second (that needs a degree of roughly
          π·f_max·θ ≈ 94, twice that for LegS's 2 s); N = 256 can, to rounding.
        - **The memory**: ‖c − c*‖/‖c*‖, how far the state is from c* (also the distance between the
          two reconstructions, by orthonormality). LegS and LagT are exact ODEs for every N, so
          their gap is the discretisation's alone, even at N = 16 where the projection itself is
          useless for reconstructing. LegT and FouT replace f(t − θ) by what the state
          reconstructs there — right only once N resolves the signal, so their gap is large at
          N = 16 and 64 and small at 256 (FouT's stays larger: a Fourier series converges slowly at
          the window's edge, where it meets a jump).

        LagT's basis, Laguerre functions of the age at the unit time scale, spends its N functions
        on the whole fading past: near age 0, ℓ_n(a) ≈ J₀(2√(n·a)), so N = 256 resolves about
        11 Hz at an age of 0.05 s and under 4 Hz at 0.5 s, and its "best possible" stays poor on
        this signal (a faster time scale, A/τ and B/τ, would trade depth for detail) — but its
        state still equals the projection (the gap column). Errors are relative RMS over what each memory
        reconstructs (LegS: all 2 s; the others: the last θ = 1 s).
        """)
    let grid = try Grid(signals.fast, step: 2.5e-4)
    var runs: [String: [Int: MemoryRun]] = [:]
    var rows: [[String]] = []
    var progress = Progress("projection sweep", total: 12, quiet: book.skipsTimings)
    let remembered = Remembered(grid: grid, runs: [:])
    for n in [16, 64, 256] {
        for measure in [HiPPOMeasure.legT(window: theta), .legS, .lagT, .fouT(window: theta)] {
            let size = { if case .fouT = measure { return n + 1 } else { return n } }()  // FouT: whole (cos, sin) pairs
            let run = try runMemory(measure, stateSize: size, on: grid, signal: signals.fast, memories: memories)
            runs[String(measure.description.prefix(4)), default: [:]][size] = run
            let span = remembered.span(measure), truth = try signals.fast.sample(span)
            let bestError = relativeRMS(try measure.reconstruct(state: run.best, at: span, now: grid.now), truth)
            let stateError = relativeRMS(try measure.reconstruct(state: run.state, at: span, now: grid.now), truth)
            rows.append(["\(measure)", "\(size)", String(format: "%.2e", bestError), String(format: "%.2e", stateError),
                         String(format: "%.2e", run.gap)])
            progress.advance()
        }
    }
    book.table(header: ["memory", "N", "best possible (from c*)", "from the HiPPO state c", "‖c − c*‖/‖c*‖"], rows: rows)
    try projectionChecks(book, runs: runs, grid: grid, signal: signals.fast)
    return Remembered(grid: grid, runs: runs)
}

func projectionChecks(_ book: Notebook, runs: [String: [Int: MemoryRun]], grid: Grid, signal: BandLimitedSignal) throws {
    func bestError(_ key: String, _ n: Int) throws -> Double {
        let run = runs[key]![n]!
        let span = key == "LegS" ? grid.times : grid.times.filter { $0 >= grid.now - theta }
        return relativeRMS(try run.measure.reconstruct(state: run.best, at: span, now: grid.now), try signal.sample(span))
    }
    book.check(.bound("N = 16 cannot follow 30 Hz: best possible error ≥ 0.3 (least of LegT, LegS, FouT)",
                      min(try bestError("LegT", 16), try bestError("LegS", 16), try bestError("FouT", 17)), .greaterOrEqual, 0.3,
                      reason: "16 functions resolve ≈ 16/π ≈ 5 Hz over 1 s; 100 seeds: ≥ 0.60"))
    book.check(.bound("N = 256 can: best possible error ≤ 1e-10 (largest of LegT, LegS)",
                      max(try bestError("LegT", 256), try bestError("LegS", 256)), .lessOrEqual, 1e-10,
                      reason: "degree 256 > π·f_max·(window) ≈ 94 (LegT), 188 (LegS): the tail is at rounding level; 100 seeds: ≤ 1.3e-13"))
    for (key, n, tolerance, why) in gapTolerances {
        book.check(.bound("\(key) N = \(n): HiPPO state = projection c* by quadrature, ‖c − c*‖/‖c*‖", runs[key]![n]!.gap, .lessOrEqual, tolerance,
                          reason: why))
    }
}

/// Each gap check's tolerance and why: measured over seeds 0…99, with a margin of ≥ 2 over the worst.
let gapTolerances: [(String, Int, Double, String)] = [
    ("LegS", 16, 1e-4, "time-varying LegS, A/t at the step midpoint, Δ = 0.25 ms: O(Δ²), growing with N; 100 seeds: 1.9e-6–3.5e-5"),
    ("LegS", 64, 1.5e-3, "as N = 16; 100 seeds: 1.6e-4–5.5e-4"),
    ("LegS", 256, 1.5e-2, "as N = 16; 100 seeds: 1.5e-3–5.7e-3"),
    ("LagT", 16, 1e-4, "ZOH with midpoint samples: O(Δ²); 100 seeds: 1.7e-7–4.6e-5"),
    ("LagT", 64, 1e-4, "as N = 16; 100 seeds: 6.1e-7–4.8e-5"),
    ("LagT", 256, 1e-4, "as N = 16; 30 seeds: 2.0e-6–4.7e-5"),
    ("LegT", 256, 1e-3, "ZOH with midpoint samples, f(t − θ) read from a state that resolves f; 100 seeds: 2.7e-5–2.6e-4"),
    ("FouT", 257, 0.2, "ZOH plus FouT's Gibbs-limited guess of f(t − θ); 100 seeds: 3.7e-2–8.8e-2"),
]

func twoErrors(_ book: Notebook, signals: Signals, memories: Memories) throws {
    book.cell("5. Two errors: N limits the projection, Δ limits the memory", """
        The gap ‖c − c*‖/‖c*‖ is what discretisation costs, so it must close as Δ shrinks, at the
        order of the scheme. To see it undisturbed by N, take the slow 5 Hz signal, which N = 64
        resolves over 2 s, and halve Δ from 2 ms to 0.25 ms:
        - LegT by ZOH and by bilinear. Both are second order. ZOH propagates the state exactly
          (Ā = e^{ΔA}); its only error is holding f constant over each step. Bilinear also
          approximates e^{ΔA}, with an error per mode that grows like (Δ|λ|)³ — and LegT's largest
          eigenvalues grow quickly with N, so at large N bilinear's constant is far worse.
        - The time-varying LegS with A/t frozen at each step's *end* (first order: freezing a
          time-varying matrix costs O(Δ) whatever the trapezoid does — this is not the bilinear
          rule, whose error is O(Δ²)) and at its *midpoint* (the implicit midpoint rule, second
          order), the scheme section 4 uses.

        The slope of log(gap) against log(Δ) is the order: the table gives the gaps, the checks
        the fitted slopes — and, once, the gap itself: LegT at N = 64 and Δ = 1 ms must be the
        projection up to ZOH's hold error, since N = 64 resolves this signal.
        """)
    let steps = [2e-3, 1e-3, 5e-4, 2.5e-4]
    let variants: [(label: String, measure: HiPPOMeasure, method: DiscretizationMethod, scheme: LegSStepScheme)] = [
        ("LegT, ZOH", .legT(window: theta), .zoh, .midpoint), ("LegT, bilinear", .legT(window: theta), .bilinear, .midpoint),
        ("LegS, A/t at step end", .legS, .zoh, .frozenAtStepEnd), ("LegS, A/t at midpoint", .legS, .zoh, .midpoint),
    ]
    var gaps = [[Double]](repeating: [], count: variants.count)      // (variants, steps)
    for step in steps {
        let grid = try Grid(signals.slow, step: step)
        for (v, variant) in variants.enumerated() {
            gaps[v].append(try runMemory(variant.measure, stateSize: 64, on: grid, signal: signals.slow, memories: memories,
                                         method: variant.method, legSScheme: variant.scheme).gap)
        }
    }
    book.table(header: ["Δ (s)"] + variants.map(\.label), rows: steps.indices.map { i in
        [String(format: "%.2e", steps[i])] + variants.indices.map { String(format: "%.2e", gaps[$0][i]) }
    })
    let slopes = try variants.indices.map { try logLogSlope(steps, gaps[$0]) }
    book.check(.bound("LegT N = 64, 5 Hz, Δ = 1 ms: HiPPO state = projection c* by quadrature, ‖c − c*‖/‖c*‖", gaps[0][1], .lessOrEqual, 1e-3,
                      reason: "N = 64 resolves 5 Hz, so only ZOH's O(Δ²) hold error is left: ≈ (2π·5 Hz·Δ)²/24 ≈ 4e-5 at the top frequency; 30 seeds: 1.3e-5–2.9e-4"))
    for (v, order) in [(0, 2.0), (1, 2.0), (2, 1.0), (3, 2.0)] {
        book.check(.bound("\(variants[v].label): |slope of log gap vs log Δ − \(Int(order))| (order \(Int(order)))", abs(slopes[v] - order),
                          .lessOrEqual, 0.3, reason: v == 0 ? "fitted over Δ = 2 ms…0.25 ms, N = 64, 5 Hz; 100 seeds: slopes 1.92–2.12 (order 2), 1.01–1.05 (order 1)" : nil))
    }
    var figure = Figure(name: "discretisation-error", title: "Gap between the HiPPO state and the projection c* as Δ shrinks (N = 64, 5 Hz signal)",
                        xLabel: "step Δ", yLabel: "‖c − c*‖ / ‖c*‖ (relative)",
                        series: variants.indices.map { v in
                            .init(String(format: "%@ (slope %.2f)", variants[v].label, slopes[v]), x: steps, y: gaps[v],
                                  style: "linespoints lw 2 pt \([7, 5, 9, 11][v])")
                        })
    (figure.logX, figure.logY) = (true, true)
    figure.extraCommands = ["set xrange [1.8e-4:2.4e-3]", "set xtics ('0.25 ms' 2.5e-4, '0.5 ms' 5e-4, '1 ms' 1e-3, '2 ms' 2e-3)"]
    try book.figure(figure)
}

func bilinearAtLargeN(_ book: Notebook, remembered: Remembered, signals: Signals, memories: Memories) throws {
    let zoh = remembered.runs["LegT"]![256]!.gap
    let bilinear = try runMemory(.legT(window: theta), stateSize: 256, on: remembered.grid, signal: signals.fast, memories: memories,
                                 method: .bilinear).gap
    let (a, _) = try memories.transition(.legT(window: theta), stateSize: 256)
    let largest = try generalEigen(a).values.map(\.length).max() ?? 0
    book.finding(String(format: "At N = 256 and Δ = 0.25 ms (section 4's fast signal), LegT's gap is %.1e by ZOH and %.1e by bilinear: its largest eigenvalue has |λ| = %.2g, so Δ|λ| = %.2g.",
                        zoh, bilinear, largest, largest * remembered.grid.step))
}

func twoPitfalls(_ book: Notebook, remembered: Remembered, signals: Signals, memories: Memories) throws {
    book.cell("6. Two pitfalls, and what the state remembers", """
        Two classic bugs, each with its number:
        - **Time orientation.** LegT's basis is g_n(x) with x = +1 *now* and x = −1 at θ ago. Read
          the window the wrong way round and the same, correct state reconstructs nonsense (the
          dashed curve of the LegT figure). A matrix built the wrong way round — the A and B of
          g_n(−x) — is what `--inject legt-flipped` runs: sections 1 and 4 catch it.
        - **The half step.** The recurrence treats f_k as the input over the step ending at t_k.
          Feeding f(t_k) rather than the midpoint f(t_k − Δ/2) delays the memory by Δ/2: an error
          ∝ Δ·|f'| that no N can remove, and one order worse than the scheme's own. We measure
          it on the slow signal with LegT, N = 64, Δ = 1 ms, where nothing else hides it.

        The figures show what the LegT, LegS and FouT final states remember at N = 64 and at
        N = 256, the N the signal needs (section 4).
        """)
    let grid = try Grid(signals.slow, step: 1e-3), ends = try Grid(signals.slow, step: 1e-3, endSamples: true)
    let window = grid.times.filter { $0 >= grid.now - theta }, truth = try signals.slow.sample(window)
    var errors: [Double] = []
    for fed in [grid, ends] {
        let state = try runMemory(.legT(window: theta), stateSize: 64, on: fed, signal: signals.slow, memories: memories).state
        errors.append(relativeRMS(try HiPPOMeasure.legT(window: theta).reconstruct(state: state, at: window, now: grid.now), truth))
    }
    book.finding(String(format: "Half step (5 Hz, LegT N = 64, ZOH, Δ = 1 ms): end-of-step samples f(t_k) give %.2e, midpoint samples %.2e — %.0f× more.",
                        errors[1], errors[0], errors[1] / errors[0]))
    book.check(.bound("LegT: end-of-step samples err ≥ 8× more than midpoint samples (the Δ/2 delay)", errors[1] / errors[0], .greaterOrEqual, 8,
                      reason: "the delay costs ≈ (Δ/2)·|f'| ∝ Δ, ZOH with midpoints O(Δ²); 100 seeds: 18×–590×"))
    let legT = remembered.runs["LegT"]![256]!
    let span = remembered.span(legT.measure), flippedSpan = span.map { 2 * remembered.grid.now - theta - $0 }
    let flipped = try legT.measure.reconstruct(state: legT.state, at: flippedSpan, now: remembered.grid.now)
    book.finding(String(format: "Time orientation: the LegT N = 256 state read with its window flipped reconstructs the last second with a relative error of %.2f (read the right way: %.1e).",
                        relativeRMS(flipped, try signals.fast.sample(span)),
                        relativeRMS(try legT.measure.reconstruct(state: legT.state, at: span, now: remembered.grid.now), try signals.fast.sample(span))))
    for (key, name) in [("LegT", "legt"), ("LegS", "legs"), ("FouT", "fout")] {
        try drawReconstruction(book, name: name, remembered: remembered, key: key, signal: signals.fast,
                               flipped: key == "LegT" ? flipped : nil)
    }
}

func drawReconstruction(_ book: Notebook, name: String, remembered: Remembered, key: String, signal: BandLimitedSignal,
                        flipped: [Double]?) throws {
    let grid = remembered.grid, sizes = Array(remembered.runs[key]!.keys.sorted().suffix(2))  // N = 64, 256 (FouT: 65, 257)
    let measure = remembered.runs[key]![sizes[0]]!.measure
    let span = remembered.span(measure), shown = grid.times.filter { $0 >= (key == "LegS" ? 0 : grid.now - 1.25 * theta) }
    var series = [Figure.Series("signal f", x: shown, y: try signal.sample(shown), style: "lines lw 6 lc rgb '#c8c8c8'")]
    for (i, n) in sizes.enumerated() {
        let values = try measure.reconstruct(state: remembered.runs[key]![n]!.state, at: span, now: grid.now)
        series.append(.init("from the state, N = \(n)", x: span, y: values, style: "lines lw \(i == 0 ? 1 : 1.5) lc rgb '\(i == 0 ? "#ff7f0e" : "#d62728")'"))
    }
    if let flipped {
        series.append(.init("N = 256 state read with the window flipped (the bug)", x: span, y: flipped, style: "lines lw 1 dt 2 lc rgb '#1f77b4'"))
    }
    var figure = Figure(name: "reconstruction-\(name)", title: "\(measure): what the final state at t = 2 s remembers of the 30 Hz signal",
                        xLabel: "time t (s)", yLabel: "f(t) (signal units)", series: series)
    if key != "LegS" {
        figure.extraCommands = ["set object 1 rect from \(grid.now - theta), graph 0 to \(grid.now), graph 1 fc rgb '#f2f2f2' fs solid 1.0 noborder behind",
                                "set label 1 'reconstructed: the last θ = 1 s' at graph 0.22, graph 0.95"]
    }
    figure.extraCommands.append("set key outside right top")
    try book.figure(figure)
}

func whatComesNext(_ book: Notebook, remembered: Remembered) {
    book.cell("Final check and what comes next", """
        Every memory of this chapter is a state space model, and section 4 set its state against
        the projection of its input's history on its basis, computed by quadrature that never sees
        A or B. How close they are depends on the memory. LegS and LagT are exact ODEs: only the
        discretisation separates state and projection, at every N. LegT and FouT guess the value
        leaving the window, f(t − θ), from the state: they are the projection only once N
        resolves f, and FouT's guess stays Gibbs-limited even then. The LTI ones are a recurrence, a convolution and a matrix product at
        once (section 3); the time-varying LegS has no kernel. S4 takes LegS's matrices as an LTI
        system with a learned Δ: it keeps a good memory — the exponentially-warped Legendre
        projection of section 2, with a timescale set by Δ — and gains the convolution. Chapter 02
        studies that step Δ and the discretisation rules at length.
        """)
    func gaps(_ key: String) -> [Double] { remembered.runs[key]!.keys.sorted().map { remembered.runs[key]![$0]!.gap } }
    func listed(_ key: String) -> String {
        zip(remembered.runs[key]!.keys.sorted(), gaps(key)).map { String(format: "%.1e at N = %d", $1, $0) }.joined(separator: ", ")
    }
    book.finding(String(format: "Section 4's gaps ‖c − c*‖/‖c*‖: LegS and LagT at most %.1e at every N (the discretisation alone); ",
                        (gaps("LegS") + gaps("LagT")).max()!)
                 + "LegT \(listed("LegT")); FouT \(listed("FouT")) — the guess of f(t − θ), not Δ, until N resolves the 30 Hz signal.")
    book.exercises("""
        1. Shrink the window to θ = 0.25 s. How small can N be for LegT's error from the state to
           stay under 1e-2 on the 30 Hz signal? Compare with the rule of thumb N ≈ π·f_max·θ.
           (Add even sizes to section 4's list `[16, 64, 256]` rather than replacing it: the
           checks and figures read N = 16, 64 and 256, and FouT runs at N + 1.)
        2. In section 4, run the LTI memories with `.bilinear` instead of `.zoh`. Which gaps change,
           by how much, and why does LagT barely move while LegT at N = 256 does?
        3. Change FouT's correction from 2·e·eᵀ to e·eᵀ (and B from 2e/θ to e/θ) in `FouT.swift`.
           What happens to its gap, and how does the Gibbs midpoint explain it?
        """)
}

book.run { book in
    introduction(book)
    let memories = try fromMeasureToODE(book)
    try basisFunctions(book, memories: memories)
    let signals = try oneMemoryThreeWays(book, memories: memories)
    let remembered = try stateIsTheProjection(book, signals: signals, memories: memories)
    try twoErrors(book, signals: signals, memories: memories)
    try bilinearAtLargeN(book, remembered: remembered, signals: signals, memories: memories)
    try twoPitfalls(book, remembered: remembered, signals: signals, memories: memories)
    whatComesNext(book, remembered: remembered)
}

/// ‖a − b‖₂ / ‖b‖₂.
func relativeRMS(_ a: [Double], _ b: [Double]) -> Double {
    (zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / b.reduce(0) { $0 + $1 * $1 }).squareRoot()
}
