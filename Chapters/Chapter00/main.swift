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

/// The spring's zero-order-hold model, and the same spring critically damped and overdamped.
struct Discretised {
    let model: DiscreteStateSpaceModel                         // ζ = 0.1: the spring of every later cell
    let regimes: [(spring: MassSpringDamper, model: DiscreteStateSpaceModel)]   // ζ = 0.1, 1, 2
}

func zeroOrderHold(_ book: Notebook, spring: MassSpringDamper) throws -> Discretised {
    book.cell("2. Discretising with a zero-order hold", """
        A computer sees the force only at samples u_k, one every Δ = 0.01 s. If the force is
        *held* constant over each step (a zero-order hold), the continuous system can be solved
        exactly over one step:

            s(t_k) = e^{ΔA} s(t_{k−1}) + (∫₀^Δ e^{τA} dτ) B u_k  =  Ā s_{k−1} + B̄ u_k.

        Ā = e^{ΔA} is a matrix exponential. The library computes it by scaling and squaring with a
        Padé approximant (`matrixExponential`), and gets B̄ from the exponential of the augmented
        matrix Δ[A B; 0 0], which needs no A⁻¹. We check both against routes that share none of
        that code, for our spring (ζ = 0.1) and for the same spring critically damped (ζ = 1) and
        overdamped (ζ = 2):

        - **closed form** (`twoByTwoExponential`): a 2×2 matrix satisfies (A − μI)² = δI with
          μ = tr(A)/2 and δ = μ² − det A (Cayley–Hamilton), so
          e^{ΔA} = e^{Δμ}[cosh(Δ√δ)·I + sinh(Δ√δ)/√δ·(A − μI)] — cos and sin when δ < 0 (ringing),
          1 and Δ when δ = 0. No eigenvectors, so it works for every ζ; then B̄ = A⁻¹(Ā − I)B by a
          2×2 solve;
        - **eigenvalues through invariants**: Ā's eigenvalues are e^{Δλ} with
          λ = ω₀(−ζ ± √(ζ² − 1)), so tr Ā = e^{−ζω₀Δ}·2cos(ω_dΔ) (ζ < 1, ω_d = ω₀√(1 − ζ²)),
          2e^{−ω₀Δ} (ζ = 1) or e^{−ζω₀Δ}·2cosh(ω₀√(ζ² − 1)Δ) (ζ > 1), and det Ā = e^{−2ζω₀Δ};
        - **eigendecomposition** V e^{ΔΛ} V⁻¹ (LAPACK `geev`): only where A is diagonalisable.
          At ζ = 1 it is not: the double eigenvalue −ω₀ has a single eigenvector, and the route
          does not exist (the library refuses it, or answers with an error near √ε).
        """)
    let step = 0.01                                            // Δ, seconds
    var regimes: [(spring: MassSpringDamper, model: DiscreteStateSpaceModel)] = []
    for zeta in [spring.dampingRatio, 1, 2] {
        let regime = try MassSpringDamper(mass: spring.mass, stiffness: spring.stiffness,
                                          damping: 2 * zeta * (spring.stiffness * spring.mass).squareRoot())
        let model = try zohModel(book, regime, step: step, injecting: regimes.isEmpty)
        try checkExponential(book, regime, model)
        regimes.append((regime, model))
    }
    let model = regimes[0].model
    book.show("ζ = \(fmt(spring.dampingRatio)): Ā = " + model.aBar.description.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: 19)))
    book.show("ζ = \(fmt(spring.dampingRatio)): B̄ = \(model.bBar.map { String(format: "%.6g", $0) })")
    return Discretised(model: model, regimes: regimes)
}

/// The library's ZOH model of `spring` — or, when injected (first spring only), a wrong one.
func zohModel(_ book: Notebook, _ spring: MassSpringDamper, step: Double, injecting: Bool) throws -> DiscreteStateSpaceModel {
    let ssm = spring.stateSpace
    let zoh = try ssm.discretized(step: step, method: .zoh)
    guard injecting else { return zoh }
    let eulerA = book.injects("euler-for-expm", "Euler's I + ΔA in place of Ā = e^{ΔA}")
    let eulerB = book.injects("euler-for-zoh", "Euler's ΔB in place of ZOH's B̄ = ∫₀^Δ e^{sA}B ds")
    return try DiscreteStateSpaceModel(aBar: eulerA ? Matrix.identity(2) + step * ssm.a : zoh.aBar,
                                       bBar: eulerB ? ssm.b.map { step * $0 } : zoh.bBar,
                                       c: ssm.c, d: ssm.d, step: step, method: .zoh)
}

/// Checks `model`'s Ā and B̄ against the closed-form 2×2 exponential, its invariants against the
/// physics, and — where A is diagonalisable — against V e^{ΔΛ} V⁻¹.
func checkExponential(_ book: Notebook, _ spring: MassSpringDamper, _ model: DiscreteStateSpaceModel) throws {
    let ssm = spring.stateSpace, step = model.step
    let zeta = spring.dampingRatio, w0 = spring.naturalFrequency
    let label = "ζ = \(fmt(zeta))"
    let closedA = try twoByTwoExponential(step * ssm.a)                                     // (2, 2)
    let closedB = try solve(ssm.a, (closedA - Matrix.identity(2)) * ssm.b)                 // (2)
    book.check(.agreement("\(label): Ā (Padé expm) = closed-form 2×2 e^{ΔA}", model.aBar.elements, closedA.elements,
                          tolerance: 1e-13, reason: zeta < 1 ? "two ε-accurate routes, ‖ΔA‖ ≤ 0.5 for every ζ here: measured ≈ 2e-16; 1e-13 leaves room for other Δ" : nil))
    book.check(.agreement("\(label): B̄ (augmented expm) = A⁻¹(e^{ΔA} − I)B, closed-form e^{ΔA}", model.bBar, closedB,
                          tolerance: 1e-12, reason: zeta < 1 ? "Ā − I ≈ ΔA cancels about a digit and A⁻¹ multiplies by cond(A) ≲ 40: ≤ 1e-14 expected, measured ≤ 3e-16" : nil))
    let spread = (zeta * zeta - 1) * w0 * w0                                                // (λ₁ − λ₂)²/4
    let trace = exp(-zeta * w0 * step) * 2 * (spread < 0 ? cos((-spread).squareRoot() * step)
                                                : spread > 0 ? cosh(spread.squareRoot() * step) : 1)
    let aBar = model.aBar
    book.check(.agreement("\(label): (tr Ā, det Ā) = (e^{Δλ₁} + e^{Δλ₂}, e^{Δ(λ₁+λ₂)})",
                          [aBar[0, 0] + aBar[1, 1], aBar[0, 0] * aBar[1, 1] - aBar[0, 1] * aBar[1, 0]],
                          [trace, exp(-2 * zeta * w0 * step)], tolerance: 1e-13,
                          reason: zeta < 1 ? "invariants are well conditioned even at a double eigenvalue (unlike the eigenvalues)" : nil))
    let (mu, _) = try generalEigen(aBar)                                                    // (2)
    book.show("\(label): eig(Ā) by LAPACK = " + mu.map { String(format: "%.15f%+.2ei", $0.real, $0.imaginary) }.joined(separator: ", "))
    if abs(zeta - 1) < 0.05 {
        let byEigen = try? diagonalizedExponential(step * ssm.a)
        book.finding("\(label): A is defective, so V e^{ΔΛ} V⁻¹ is not checked: "
            + (byEigen.map { String(format: "LAPACK's attempt misses Ā by %.1e (relative), near √ε.", relativeDifference($0.elements, closedA.elements)) }
                ?? "the library refuses it (cond(V) > 1/√ε)."))
    } else {
        book.check(.agreement("\(label): Ā (Padé expm) = V·e^{ΔΛ}·V⁻¹ (LAPACK geev)", aBar.elements,
                              try diagonalizedExponential(step * ssm.a).elements, tolerance: 1e-12,
                              reason: zeta < 1 ? "ε·cond(V): V's two columns are far from parallel at ζ = 0.1 and ζ = 2 (measured ≤ 5e-16)" : nil))
    }
}

func impulseResponse(_ book: Notebook, spring: MassSpringDamper, discrete: DiscreteStateSpaceModel) throws -> [Double] {
    book.cell("3. The kernel K_k = C Āᵏ B̄", """
        Unroll the recurrence from rest (s₋₁ = 0): s₀ = B̄u₀, s₁ = ĀB̄u₀ + B̄u₁, … so

            y_k = Σ_{j≤k} C Ā^{k−j} B̄ u_j = (K ∗ u)_k,   K_k = C Āᵏ B̄.

        The SSM is a convolution, and K is the output after a unit force held over the first step:
        the impulse response of the sampled system. Stepping v ← Āv gives all L taps in O(L·N²).
        Two checks: a few taps against Āᵏ by repeated squaring (the same Ā and B̄, another
        algorithm), and every tap against the physics alone — a unit force switched on at −Δ and
        off at 0 is a step up and a step down, so with the closed-form step response s(t),

            K_k = s((k + 1)Δ) − s(kΔ)   (no Ā, no B̄).

        For our spring K rings at ω_d = ω₀√(1 − ζ²) ≈ 1 Hz inside the envelope
        ±Δ·e^{−ζω₀t}/(mω_d): the impulse response e^{−ζω₀t} sin(ω_d t)/(mω_d) of the continuous
        spring, times the Δ seconds the force is held (`kernel.png`).
        """)
    let step = discrete.step
    var kernel = try discrete.kernel(length: 4096)                                  // (4096): cell 4 uses all of it
    if book.injects("kernel-one-step-late", "K_k replaced by K_{k−1} (an off-by-one in the kernel)") {
        kernel = [0] + kernel.dropLast()
    }
    let shown = 600                                                                 // 6 s: the envelope is down to e^{−3.8}
    let physics = try (0..<shown).map { k in
        try spring.stepResponse(at: Double(k + 1) * step) - spring.stepResponse(at: Double(k) * step)
    }
    book.check(.agreement("kernel by stepping = s((k+1)Δ) − s(kΔ) (closed-form step response), k < \(shown)",
                          Array(kernel[..<shown]), physics, tolerance: 1e-12,
                          reason: "s ≈ 1/k is differenced: rounding ε/k against taps of size Δ/(mω_d), ≈ 1e-14 relative"))
    let taps = [0, 1, 7, 64, 100, 333, 599]
    let bySquaring = try taps.map { k -> Double in
        let ak = try matrixPower(discrete.aBar, k)                                  // (2, 2)
        return zip(discrete.c, ak * discrete.bBar).reduce(0) { $0 + $1.0 * $1.1 }
    }
    book.check(.agreement("kernel by stepping = C·Āᵏ·B̄ by repeated squaring, k ∈ \(taps)",
                          taps.map { kernel[$0] }, bySquaring, tolerance: 1e-12,
                          reason: "both are products of ≤ 600 well-scaled 2×2 factors; errors stay near ε·k"))
    let w0 = spring.naturalFrequency, zeta = spring.dampingRatio
    let wd = w0 * (1 - zeta * zeta).squareRoot()
    let t = (0..<shown).map { Double($0) * step }                                   // (600), seconds
    let envelope = t.map { step * exp(-zeta * w0 * ($0 + step / 2)) / (spring.mass * wd) }
    try book.figure(Figure(
        name: "kernel", title: "Kernel of the spring: K_k = C Ā^k B̄ (ζ = \(fmt(zeta)), Δ = \(step) s)",
        xLabel: "t = kΔ (s)", yLabel: "K_k (m per N held for one step)",
        series: [
            .init("± Δ·e^{−ζω₀t}/(m ω_d): the envelope", x: t, y: envelope, style: "lines lw 1 dt 2 lc rgb 'gray40'"),
            .init("", x: t, y: envelope.map { -$0 }, style: "lines lw 1 dt 2 lc rgb 'gray40'"),
            .init("K by stepping v ← Āv", x: t, y: Array(kernel[..<shown]), style: "lines lw 2 lc rgb '#1f77b4'"),
            .init("C Ā^k B̄ by repeated squaring", x: taps.map { Double($0) * step }, y: bySquaring,
                  style: "points pt 7 ps 1.2 lc rgb '#d62728'"),
        ]))
    return kernel
}

/// One output three discrete ways: the recurrence, y = K ∗ u by FFT, y = T u (Toeplitz).
func discreteViews(_ model: DiscreteStateSpaceModel, kernel: [Double], _ u: [Double]) throws
    -> (scan: [Double], fft: [Double], toeplitz: [Double]) {
    let k = Array(kernel[..<u.count])                                               // (L)
    return (try model.scan(u), try causalConvolution(k, u), try toeplitzMatrix(kernel: k) * u)
}

func fourWays(_ book: Notebook, spring: MassSpringDamper, discretised: Discretised, kernel: [Double]) throws {
    book.cell("4. One output, four ways", """
        The force: a seeded random level held for 0.5 s at a time (so a zero-order hold is exactly
        right and the continuous solution is exactly computable). We compute the position four
        ways and compare the three discrete views against the first:

        1. **exact** — superposing the closed-form step response of the damped oscillator at each
           change of force (no matrices at all);
        2. **recurrence** — s_k = Ā s_{k−1} + B̄ u_k, y_k = C s_k: O(L·N²), constant memory;
        3. **convolution** — y = K ∗ u by FFTW with the kernel of section 3, zero-padded to a power
           of two ≥ 2L−1 so the circular convolution does not wrap: O(L log L);
        4. **matmul** — y = T u with the L×L lower-triangular Toeplitz matrix T_ij = K_{i−j}: O(L²).
           This is the "attention-like" view that Mamba-2 will bring back.

        Our spring runs at three lengths; the critically damped and overdamped springs of section 2
        at one. `position.png` shows the motion, `position-difference.png` how far each view is
        from the exact solution (on a log scale: the curves would hide each other on a linear one).
        """)
    let late = book.injects("force-one-step-late", "the discrete views fed u_{k−1} instead of u_k (a timing error)")
    let runs = [64, 512, 4096].map { (0, $0) } + [(1, 512), (2, 512)]               // (regime, L)
    var plotted: (t: [Double], force: [Double], exact: [Double], views: (scan: [Double], fft: [Double], toeplitz: [Double]))?
    for (r, length) in runs {
        let (regime, model) = discretised.regimes[r]
        let force = heldRandomForce(length: length, holdSteps: 50, scale: regime.stiffness, rng: &book.rng)  // (L)
        let exact = try regime.exactPosition(force: force, step: model.step)                                 // (L)
        let fed = late ? [0] + force.dropLast() : force                                                      // (L)
        let views = try discreteViews(model, kernel: r == 0 ? kernel : try model.kernel(length: length), fed)
        let label = "ζ = \(fmt(regime.dampingRatio)), L = \(length)"
        let why = "exact identities; rounding grows at most like ε·Σ|K_k|·L_hold ≪ 1e-10 for a damped spring"
        book.check(.agreement("\(label): recurrence = exact continuous", views.scan, exact, tolerance: 1e-10, reason: length == 64 ? why : nil))
        book.check(.agreement("\(label): FFT convolution = exact continuous", views.fft, exact, tolerance: 1e-10))
        book.check(.agreement("\(label): Toeplitz matmul = exact continuous", views.toeplitz, exact, tolerance: 1e-10))
        if r == 0 && length == 4096 { plotted = (force.indices.map { Double($0) * model.step }, force, exact, views) }
    }
    if let p = plotted { try drawPositions(book, spring: spring, p.t, p.force, p.exact, p.views) }
}

/// `position.png` (the motion) and `position-difference.png` (|view − exact|, log scale), first 1000 steps.
func drawPositions(_ book: Notebook, spring: MassSpringDamper, _ t: [Double], _ force: [Double], _ exact: [Double],
                   _ views: (scan: [Double], fft: [Double], toeplitz: [Double])) throws {
    let shown = 0..<1000                                                            // 10 s at Δ = 0.01
    let time = Array(t[shown])
    let span = fmt(t[shown.upperBound - 1] + t[1])                                  // seconds shown
    try book.figure(Figure(
        name: "position", title: "Position of the driven spring (ζ = \(fmt(spring.dampingRatio)), first \(span) s of L = 4096)",
        xLabel: "t (s)", yLabel: "position (m)",
        series: [
            .init("force / k (static displacement)", x: time, y: force[shown].map { $0 / spring.stiffness }, style: "steps lw 1 lc rgb 'gray60'"),
            .init("exact continuous", x: time, y: Array(exact[shown]), style: "lines lw 5 lc rgb '#9ecae1'"),
            .init("recurrence (on top of it: see position-difference.png)", x: time, y: Array(views.scan[shown]),
                  style: "lines lw 2 dt 2 lc rgb '#d62728'"),
        ]))
    var differences = Figure(
        name: "position-difference", title: "|view − exact| over the same \(span) s (the position itself is of order 1 m)",
        xLabel: "t (s)", yLabel: "|view − exact| (m)",
        series: [("recurrence", views.scan, "#d62728"), ("FFT convolution", views.fft, "#2ca02c"),
                 ("Toeplitz matmul", views.toeplitz, "#9467bd")].map { title, view, colour in
            let kept = shown.filter { view[$0] != exact[$0] }                       // exact zeros have no logarithm
            return .init(title, x: kept.map { t[$0] }, y: kept.map { abs(view[$0] - exact[$0]) },
                         style: "points pt 7 ps 0.4 lc rgb '\(colour)'")
        })
    differences.logY = true
    try book.figure(differences)
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        What is independent of what: the **exact** solution uses only the closed-form step response,
        and shares no code with the other three. The **recurrence**, the **FFT convolution** and the
        **Toeplitz matmul** all use the same Ā and B̄ (Padé), and the last two the same kernel K
        (stepping v ← Āv). Each view is checked against the exact solution only, so each check
        tests one whole chain at once: Ā, B̄ (and K for the last two) together with that view's
        algorithm (a loop, FFTW, a BLAS product). No check compares the views with each other;
        that they agree with each other follows, to within twice the tolerance, from each
        agreeing with the exact solution. Ā and B̄ were also checked on their own, against a
        closed form that needs no eigenvectors, and K against differences of the step response.

        That is the whole story of this book in miniature: an SSM is at once a recurrence (cheap
        per step: generation), a convolution (parallel over the sequence: training) and a matrix
        (attention-like). HiPPO (Chapter 01) chooses A so the state *remembers*; S4 makes the kernel
        cheap to compute; Mamba makes Δ, B, C depend on the input — and loses the convolution.
        """)
    book.exercises("""
        1. Double the damping (`damping: 0.4 * 2 * .pi`). Predict how fast the kernel's envelope
           decays now (e^{−ζω₀t}) and how the eigenvalues of Ā move; rerun and check `kernel.png`.
        2. Set Δ = 0.1 s. Which checks still pass, and why is the ZOH still exact for this force?
           What would break if the force changed *within* a step?
        3. At ζ = 1, Ā has the double eigenvalue e^{−ω₀Δ}, yet LAPACK returns a complex pair
           (printed in section 2), while tr Ā and det Ā match their closed forms to rounding.
           Perturb one entry of Ā by ε and solve the characteristic quadratic by hand: how far
           does a double eigenvalue move, and why do the invariants not care?
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
    let discretised = try zeroOrderHold(book, spring: spring)
    let kernel = try impulseResponse(book, spring: spring, discrete: discretised.model)
    try fourWays(book, spring: spring, discretised: discretised, kernel: kernel)
    whatComesNext(book)
}
