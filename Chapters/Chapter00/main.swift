import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter00", title: "From a spring to a state space model", abstract: """
    A damped mass on a spring written as a two-state state space model (s' = As + Bu, y = Cs), \
    discretised by a zero-order hold with step Δ, and its output computed four ways that must \
    agree: the exact solution, the recurrence, an FFT convolution with the kernel K_k = C Āᵏ B̄, \
    and a Toeplitz matrix.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        Every model in this book — HiPPO, S4, Mamba, Mamba-2 — is a *state space model*: a hidden
        state x that moves under a linear rule and an output y read off it. Before any of the deep
        learning, we meet one in the physical world: a mass on a spring, with a damper, pushed by a
        force. Everything later is this picture with a bigger state and cleverer matrices.

        Glossary (the letters every chapter uses):
        - N — state size (here 2: position and velocity)
        - L — sequence length (number of time steps)
        - Δ — the time step (seconds per sample)
        - A, B, C, D — the continuous-time model; Ā, B̄ — its discrete-time version
        - K — the convolution kernel K_k = C Āᵏ B̄ (the impulse response)

        Run it: `swift run Chapter00` (add `--ascii` to see the figures in the terminal,
        `--seed 7` for another force, `--help` for the rest).
        """)
}

func springModel(_ book: Notebook) throws -> MassSpringDamper {
    book.cell("1. The spring as a state space model", """
        Newton's law for a mass m on a spring of stiffness k with damping c, pushed by a force F(t):

            m x'' + c x' + k x = F(t).

        Second order in x; but if the *state* is the pair (position, velocity), the law becomes
        first order, and linear:

            d/dt [x ]   [  0     1  ] [x ]   [ 0  ]
                 [x'] = [−k/m  −c/m ] [x'] + [1/m ] F(t)      (state equation:       s' = A s + B u)

            y = [1 0] [x; x']                                 (observation equation: y  = C s + D u)

        The whole future of the system is decided by the state and the input — that is what
        "state" means: the observation equation reads the position off it. We pick a 1 Hz spring
        (ω₀ = 2π rad/s) with 10% damping (ζ = 0.1).
        """)
    let spring = try MassSpringDamper(mass: 1, stiffness: 4 * .pi * .pi, damping: 0.2 * 2 * .pi)
    let ssm = spring.stateSpace
    book.show("m = \(spring.mass), k = \(fmt(spring.stiffness)), c = \(fmt(spring.damping)): "
              + "ω₀ = \(fmt(spring.naturalFrequency)) rad/s, ζ = \(fmt(spring.dampingRatio))")
    book.show("A = " + ssm.a.description.replacingOccurrences(of: "\n", with: "\n      "))
    book.show("B = \(ssm.b.map(fmt)),  C = \(ssm.c.map(fmt)),  D = \(fmt(ssm.d))")
    return spring
}

func zeroOrderHold(_ book: Notebook, spring: MassSpringDamper) throws -> DiscreteStateSpaceModel {
    book.cell("2. Discretising with a zero-order hold", """
        A computer sees the force only at samples u_k, one every Δ = 0.01 s. If the force is
        *held* constant over each step (a zero-order hold), the continuous system can be solved
        exactly over one step:

            s(t_k) = e^{ΔA} s(t_{k−1}) + (∫₀^Δ e^{τA} dτ) B u_k  =  Ā s_{k−1} + B̄ u_k.

        Ā = e^{ΔA} is a matrix exponential. The library computes it by scaling and squaring with a
        Padé approximant (`matrixExponential`), and gets B̄ from the exponential of the augmented
        matrix Δ[A B; 0 0], which needs no A⁻¹. We check Ā two independent ways: against
        V e^{ΔΛ} V⁻¹ from LAPACK's eigendecomposition, and its eigenvalues against the closed form
        e^{Δλ}, λ = −ζω₀ ± iω_d.
        """)
    let ssm = spring.stateSpace
    let step = 0.01                                            // Δ, seconds
    let discrete = try ssm.discretized(step: step, method: .zoh)
    book.show("Ā = " + discrete.aBar.description.replacingOccurrences(of: "\n", with: "\n      "))
    book.show("B̄ = \(discrete.bBar.map { String(format: "%.6g", $0) })")

    let aBarByEigen = try diagonalizedExponential(step * ssm.a)  // (2, 2) = V e^{ΔΛ} V⁻¹
    book.check(.agreement("Ā: Padé expm vs V·e^{ΔΛ}·V⁻¹ (LAPACK geev)",
                          discrete.aBar.elements, aBarByEigen.elements, tolerance: 1e-12,
                          reason: "two O(ε)-accurate routes to e^{ΔA} for a well-conditioned 2×2 (cond(V) ≈ 1/√(1−ζ²))"))
    let (mu, _) = try generalEigen(discrete.aBar)              // (2)
    let w0 = spring.naturalFrequency, zeta = spring.dampingRatio
    let wd = w0 * (1 - zeta * zeta).squareRoot()
    let decay = exp(-zeta * w0 * step)
    let expected = [decay * cos(wd * step), decay * sin(wd * step)]
    let found = [mu[0].real, abs(mu[0].imaginary)]
    book.check(.agreement("eig(Ā) vs closed form e^{Δλ} = e^{−ζω₀Δ}(cos ω_dΔ ± i sin ω_dΔ)",
                          found, expected, tolerance: 1e-12,
                          reason: "eigenvalues of a 2×2 with distinct eigenvalues: rounding level"))
    return discrete
}

func impulseResponse(_ book: Notebook, discrete: DiscreteStateSpaceModel) throws {
    book.cell("3. The kernel K_k = C Āᵏ B̄", """
        Unroll the recurrence from rest (s₋₁ = 0): s₀ = B̄u₀, s₁ = ĀB̄u₀ + B̄u₁, … so

            y_k = Σ_{j≤k} C Ā^{k−j} B̄ u_j = (K ∗ u)_k,   K_k = C Āᵏ B̄.

        The SSM is a convolution, and K is the output after a unit kick at step 0: the impulse
        response. For our spring it rings at ~1 Hz and decays like e^{−ζω₀t}. Stepping v ← Āv
        gives all L taps in O(L·N²); a few taps are checked against Āᵏ by repeated squaring
        (about 2·log₂k matrix products each).
        """)
    let step = discrete.step
    let kernelLength = 600                                     // 6 s: the ringing has decayed to e^{−3.8}
    let kernel = try discrete.kernel(length: kernelLength)     // (600)
    let taps = [0, 1, 7, 64, 100, 333, 599]
    let bySquaring = try taps.map { k -> Double in
        let ak = try matrixPower(discrete.aBar, k)             // (2, 2)
        return zip(discrete.c, ak * discrete.bBar).reduce(0) { $0 + $1.0 * $1.1 }
    }
    book.check(.agreement("kernel by stepping vs C·Āᵏ·B̄ by repeated squaring, k ∈ \(taps)",
                          taps.map { kernel[$0] }, bySquaring, tolerance: 1e-12,
                          reason: "both are products of ≤ 600 well-scaled 2×2 factors; errors stay near ε·k"))
    try book.figure(Figure(
        name: "kernel", title: "Kernel of the spring: K_k = C Ā^k B̄ (Δ = \(step) s)",
        xLabel: "t = kΔ (s)", yLabel: "K_k (m per N, per sample)",
        series: [
            .init("K by stepping v ← Āv", x: (0..<kernelLength).map { Double($0) * step }, y: kernel),
            .init("C Ā^k B̄ by repeated squaring", x: taps.map { Double($0) * step }, y: bySquaring,
                  style: "points pt 7 ps 1.2"),
        ]))
}

func fourWays(_ book: Notebook, spring: MassSpringDamper, discrete: DiscreteStateSpaceModel) throws {
    book.cell("4. One output, four ways", """
        The force: a seeded random level held for 0.5 s at a time (so a zero-order hold is exactly
        right and the continuous solution is exactly computable). We compute the position four
        ways and compare the three discrete views against the first:

        1. **exact** — superposing the closed-form step response of the damped oscillator at each
           change of force (no matrices at all);
        2. **recurrence** — s_k = Ā s_{k−1} + B̄ u_k, y_k = C s_k: O(L·N²), constant memory;
        3. **convolution** — y = K ∗ u by FFTW, zero-padded to a power of two ≥ 2L−1 so the circular
           convolution does not wrap: O(L log L);
        4. **matmul** — y = T u with the L×L lower-triangular Toeplitz matrix T_ij = K_{i−j}: O(L²).
           This is the "attention-like" view that Mamba-2 will bring back.
        """)
    let step = discrete.step
    var plotted: (t: [Double], exact: [Double], scan: [Double], conv: [Double], matmul: [Double], force: [Double])?
    for length in [64, 512, 4096] {
        let force = heldRandomForce(length: length, holdSteps: 50, scale: spring.stiffness, rng: &book.rng)  // (L)
        let exact = try spring.exactPosition(force: force, step: step)                                        // (L)
        let scanned = try discrete.scan(force)                                                                // (L)
        let convolved = try discrete.convolve(force)                                                          // (L)
        let multiplied = try discrete.matmul(force)                                                           // (L)
        let why = "exact identities; rounding grows at most like ε·Σ|K_k|·L_hold ≪ 1e-10 for this damped spring"
        book.check(.agreement("L = \(length): recurrence vs exact continuous", scanned, exact, tolerance: 1e-10, reason: length == 64 ? why : nil))
        book.check(.agreement("L = \(length): FFT convolution vs exact continuous", convolved, exact, tolerance: 1e-10))
        book.check(.agreement("L = \(length): Toeplitz matmul vs exact continuous", multiplied, exact, tolerance: 1e-10))
        if length == 4096 {
            let shown = 0..<1000                                                                              // 10 s
            plotted = (shown.map { Double($0) * step }, Array(exact[shown]), Array(scanned[shown]),
                       Array(convolved[shown]), Array(multiplied[shown]), force[shown].map { $0 / spring.stiffness })
        }
    }
    guard let p = plotted else { return }
    let every = stride(from: 0, to: p.t.count, by: 20).map { $0 }
    try book.figure(Figure(
        name: "position", title: "Position of the driven spring, four ways (first 10 s of L = 4096)",
        xLabel: "t (s)", yLabel: "position (m)",
        series: [
            .init("force / k (static displacement)", x: p.t, y: p.force, style: "steps lw 1 lc rgb 'gray60'"),
            .init("exact continuous", x: p.t, y: p.exact, style: "lines lw 3 lc rgb '#1f77b4'"),
            .init("recurrence", x: p.t, y: p.scan, style: "lines lw 1 dt 2 lc rgb '#d62728'"),
            .init("FFT convolution", x: every.map { p.t[$0] }, y: every.map { p.conv[$0] }, style: "points pt 6 ps 1.1 lc rgb '#2ca02c'"),
            .init("Toeplitz matmul", x: every.map { p.t[$0 + 10 < p.t.count ? $0 + 10 : $0] },
                  y: every.map { p.matmul[$0 + 10 < p.t.count ? $0 + 10 : $0] }, style: "points pt 2 ps 1.1 lc rgb '#9467bd'"),
        ]))
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        Four computations that share no code path — a closed-form formula, a loop, FFTW and a
        BLAS matrix-vector product — give the same numbers to rounding. That is the whole story of
        this book in miniature: an SSM is at once a recurrence (cheap per step: generation), a
        convolution (parallel over the sequence: training) and a matrix (attention-like). HiPPO
        (Chapter 01) chooses A so the state *remembers*; S4 makes the kernel cheap to compute;
        Mamba makes Δ, B, C depend on the input — and loses the convolution.
        """)
    book.exercises("""
        1. Double the damping (`damping: 0.4 * 2 * .pi`). Predict how fast the kernel's envelope
           decays now (e^{−ζω₀t}) and how the eigenvalues of Ā move; rerun and check.
        2. Set Δ = 0.1 s. Which checks still pass, and why is the ZOH still exact for this force?
           What would break if the force changed *within* a step?
        3. Make the spring critically damped (ζ = 1: c = 2√(km)). What happens to the kernel's
           ringing, and to the eigenvalues of Ā (real or complex)?
        """)
}

/// A force that holds a random level, uniform in [−scale, scale], for `holdSteps` steps at a time.
/// `scale` = k makes the static displacement force/k lie in [−1, 1] m.
func heldRandomForce(length: Int, holdSteps: Int, scale: Double, rng: inout SplitMix64) -> [Double] {
    var force = [Double](repeating: 0, count: length)          // (L)
    var level = 0.0
    for k in 0..<length {
        if k % holdSteps == 0 { level = scale * Double.random(in: -1...1, using: &rng) }
        force[k] = level
    }
    return force
}

func fmt(_ x: Double) -> String { String(format: "%.4g", x) }

book.run { book in
    introduction(book)
    let spring = try springModel(book)
    let discrete = try zeroOrderHold(book, spring: spring)
    try impulseResponse(book, discrete: discrete)
    try fourWays(book, spring: spring, discrete: discrete)
    whatComesNext(book)
}
