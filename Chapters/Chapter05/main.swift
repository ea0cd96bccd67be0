import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter05", title: "Mamba: selection, the selective scan three ways, and a Mamba block", abstract: """
    Mamba: Δ, B and C become functions of the input (selection), so the model keeps data tokens \
    and ignores noise, which no convolution can; the selective scan is computed as a recurrence, \
    a parallel (Blelloch) scan and a time-varying matrix that must agree, and a Mamba block's \
    step-by-step generation matches its forward pass.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        Everything so far was *time-invariant*: the same Ā, B̄, C at every step, hence one kernel
        and a convolution. That is also the weakness. An LTI memory cannot decide, token by token,
        what to keep: every input enters the state with the same weight pattern, noise included.
        Mamba (Gu & Dao, 2023) makes Δ, B and C functions of the input. The price: no kernel, no
        convolution. What survives: a recurrence, an associative (parallel) scan, and a matrix —
        now time-varying.

        Glossary (mamba-minimal's letters): L length, D channels (d_inner), N state size,
        R = dt_rank, d_model the block's width; Δ (L, D), B and C (L, N) are *computed from x*;
        A = −exp(A_log) (D, N).
        """)
}

func selection(_ book: Notebook) throws {
    book.cell("1. Selection: Δ, B, C from the input", """
        Per token t and channel d (`SelectiveParameters`):

            (dt, B_t, C_t) = x_t W_x,   Δ_{t,d} = softplus(dt·W_Δ + b_Δ)_d,   A = −exp(A_log)
            h_t = exp(Δ_t A) ⊙ h_{t−1} + Δ_t B_t x_t,    y_t = C_t·h_t + D x_t

        A large Δ_t lets token t overwrite the state (e^{ΔA} ≈ 0, ΔB large); Δ_t ≈ 0 lets the
        state pass through untouched and ignores the token. A is discretised exactly (ZOH), B by
        Euler (ΔB) as in the paper — they agree to first order in ΔA and ΔB needs no division.
        With Mamba's initialisation (Δ bias so that Δ starts log-uniform in [1e-3, 1e-1]), a
        random input already makes each channel's Δ_t change with the content of x_t.
        """)
    let demo = try SelectiveParameters(channels: 64, stateSize: 16, dtRank: 4, rng: &book.rng)
    let demoX = try Matrix(rows: 2048, cols: 64, elements: (0..<2048 * 64).map { _ in book.rng.nextGaussian() })  // (L, D)
    let deltas = try demo.scanInputs(demoX).delta.elements              // (L·D)
    book.finding("Over L = 2048, D = 64 the steps range over \(String(format: "[%.1e, %.1e]", deltas.min()!, deltas.max()!)).")
}

func scanThreeWays(_ book: Notebook) throws {
    book.cell("2. The selective scan three ways", """
        1. **Sequential** (`selectiveScan`): time outer, channels inner; O(L·D·N), depth L.
        2. **Parallel** (`selectiveScanParallel`): the recurrence h_t = a_t h_{t−1} + b_t is an
           associative operator (a₁, b₁) ⊕ (a₂, b₂) = (a₁a₂, a₂b₁ + b₂), so Blelloch's up-sweep /
           down-sweep computes all prefixes in depth 2·log₂L — at ~3× the work.
        3. **Materialised** (`selectiveMatrix`): M_ts = C_tᵀ(Ā_t⋯Ā_{s+1})B̄_s, an L×L lower
           triangular matrix per channel, y = M x + D x. O(L²·N): only for checking and looking,
           so the L×L matrices are built for a few channels only.

        All three must give the same y.
        """)
    for (l, d, n) in [(64, 4, 4), (256, 16, 16), (2048, 64, 16)] {
        let params = try SelectiveParameters(channels: d, stateSize: n, dtRank: max(1, d / 16), rng: &book.rng)
        let x = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in book.rng.nextGaussian() })  // (L, D)
        let inputs = try params.scanInputs(x)
        let sequential = selectiveScan(inputs, threads: 2)            // (L, D)
        let parallel = selectiveScanParallel(inputs, threads: 2)      // (L, D)
        let probes = l <= 256 ? Array(0..<d) : [0, 21, 42, 63]
        let materialised = try selectiveScanMaterialised(inputs, channels: probes)  // (L, |probes|)
        let columns = (0..<l).flatMap { t in probes.map { sequential[t, $0] } }
        book.check(.agreement("L = \(l), D = \(d), N = \(n): Blelloch parallel scan = sequential", parallel.elements, sequential.elements,
                              tolerance: 1e-12, reason: l == 64 ? "the same products in another order: rounding only" : nil))
        book.check(.agreement("L = \(l), D = \(d), N = \(n): materialised M·x (\(probes.count) channels) = sequential", materialised.elements, columns,
                              tolerance: 1e-12))
    }
    let work = try ScanCost.sequential(2048), tree = try ScanCost.blelloch(2048)
    book.table(header: ["scan (L = 2048, per channel and state)", "work (⊕ applications)", "depth"], rows: [
        ["sequential", "\(work.work)", "\(work.depth)"],
        ["Blelloch", "\(tree.work)", "\(tree.depth)"],
    ])
    let timingInputs = try SelectiveParameters(channels: 256, stateSize: 16, dtRank: 16, rng: &book.rng)
        .scanInputs(try Matrix(rows: 2048, cols: 256, elements: (0..<2048 * 256).map { _ in book.rng.nextGaussian() }))
    try scanTimings(book, inputs: timingInputs)
}

/// Sequential vs Blelloch on 1 and 2 threads (skipped by `--seeds` and `--checks-only`).
func scanTimings(_ book: Notebook, inputs: SelectiveScanInputs) throws {
    guard !book.skipsTimings else { return }
    var ratios: [Double] = [], rows: [[String]] = []
    for threads in [1, 2] {
        let s = Timing.median(repetitions: 3) { _ = selectiveScan(inputs, threads: threads) }
        let p = Timing.median(repetitions: 3) { _ = selectiveScanParallel(inputs, threads: threads) }
        ratios.append(p / s)
        rows.append(["\(threads)", Timing.format(s), Timing.format(p), String(format: "%.2f", p / s)])
    }
    book.table(header: ["threads (D = 256, L = 2048, N = 16)", "sequential", "Blelloch", "Blelloch ÷ sequential"], rows: rows)
    let verdict = ratios.allSatisfy { $0 > 1 } ? "the parallel scan is slower than the sequential one on both thread counts"
        : "the parallel scan is not slower everywhere here"
    book.finding("Here \(verdict) (Blelloch ÷ sequential = \(ratios.map { String(format: "%.2f", $0) }.joined(separator: " and "))). "
                 + "Its depth advantage (23 levels instead of 2047 steps) needs many cores to pay for ~3× the work, and "
                 + "channels already give the cores independent work; on a GPU, with thousands of lanes, the balance flips. "
                 + "(The release benchmark measures the same rows.)")
}

/// Returns the five one-channel sequences of the kernel fit; the fifth is drawn as M in cell 5.
func notAConvolution(_ book: Notebook) throws -> [SelectiveScanInputs] {
    book.cell("3. Selection is not a convolution", """
        For an LTI system, y = K ∗ u for one kernel K, whatever u. Test that on a selective SSM with
        a single channel (D = 1): its Δ_t, B_t, C_t are computed from that channel's input alone, so
        its output is a function of u and nothing else — whatever a kernel fit misses is due to
        selection, not to inputs the fit cannot see. Find the best kernel (all L taps) by least
        squares (LAPACK dgelsy, QR with column pivoting) on four training sequences, then use it to
        predict the output on a fifth. Do the same for the *same* SSM frozen at one token: Δ, B, C
        fixed at their values for x̄ = RMS of the training inputs (Δ(x̄), B(x̄), C(x̄)) — an LTI
        system (S4D-Real with ZOH A and Euler B), equal to the selective one in everything but
        selection. The LTI fit is exact; the selective one cannot be.

        Both errors compare the SSM's own part, y − D·u (the skip D·u is a one-tap convolution and
        would only dilute the error). How far from a kernel? In Mamba B_t and C_t are linear in x_t,
        so y_t = C_t·h_t holds products of three inputs (and Δ_t's softplus and exp on top), and the
        best linear fit misses most of it: over 103 seeds (0–99, 212, 219, 2⁶⁴−1) the selective
        prediction error ranged 0.32–2.6 (relative, max norm; above 1 the fitted kernel predicts
        worse than zero would), the frozen one's stayed ≤ 1.5e-13. We require ≥ 0.15 — half the
        smallest seen — and ≤ 1e-8. A selective scan that ignored the per-token Δ_t, B_t, C_t (a
        bug that makes it LTI) would be fitted like the frozen system, to ~1e-14, and miss the
        bound by 13 orders of magnitude.
        """)
    let fitLength = 256
    let fitParams = try SelectiveParameters(channels: 1, stateSize: 16, dtRank: 1, rng: &book.rng)
    var sequences: [SelectiveScanInputs] = []
    for _ in 0..<5 {
        let x = try Matrix(rows: fitLength, cols: 1, elements: (0..<fitLength).map { _ in book.rng.nextGaussian() })  // (L, 1)
        sequences.append(try fitParams.scanInputs(x))
    }
    let training = sequences[0..<4].flatMap { $0.x.elements }          // (4L)
    let typical = (training.reduce(0) { $0 + $1 * $1 } / Double(training.count)).squareRoot()  // x̄
    let atTypical = try fitParams.select(Matrix(rows: 1, cols: 1, elements: [typical]))  // Δ (1, 1), B (1, N), C (1, N)
    let frozen = try sequences.map { try frozenAt(atTypical, $0) }
    var fitErrors: [String: Double] = [:]
    for (name, systems) in [("selective", sequences), ("LTI (frozen at x̄)", frozen)] {
        fitErrors[name] = try kernelFitError(systems)
        book.show(String(format: "%@: best single kernel predicts a new sequence with relative error %.2e", name, fitErrors[name]!))
    }
    book.check(.bound("LTI (frozen at x̄): the fitted kernel predicts a new sequence exactly", fitErrors["LTI (frozen at x̄)"]!, .lessOrEqual, 1e-8,
                      reason: "an LTI SSM *is* a convolution; what is left is the least-squares solve's rounding, amplified by cond(T(u))"))
    book.check(.bound("selective, D = 1: no single kernel reproduces it (prediction error)", fitErrors["selective"]!, .greaterOrEqual, 0.15,
                      reason: "Δ_t, B_t, C_t change with the input (B_t, C_t ∝ x_t: y is cubic in u), so M_ts depends on t and s, not on t − s; 103 seeds gave 0.32–2.6, the bound is half the smallest"))
    return sequences
}

/// The same SSM with Δ, B, C of one token (`at`) at every step: an LTI system.
func frozenAt(_ at: (delta: Matrix, b: Matrix, c: Matrix), _ s: SelectiveScanInputs) throws -> SelectiveScanInputs {
    func repeated(_ row: Matrix) throws -> Matrix {
        try Matrix(rows: s.length, cols: row.cols, elements: (0..<s.length).flatMap { _ in row.elements })
    }
    return try SelectiveScanInputs(x: s.x, delta: repeated(at.delta), a: s.a, b: repeated(at.b), c: repeated(at.c), skip: s.skip)
}

/// Fits one kernel K (L taps) to the first four one-channel systems by least squares,
/// T(u_i)·K ≈ y_i − D·u_i stacked (4L, L), and returns its relative error predicting the fifth.
func kernelFitError(_ systems: [SelectiveScanInputs]) throws -> Double {
    let fitLength = systems[0].length
    let outputs = systems.map { selectiveScan($0).column(0) }         // (L) each
    let inputsU = systems.map { $0.x.column(0) }                      // (L) each
    var design = Matrix(zeros: 4 * fitLength, fitLength), target: [Double] = []  // (4L, L), (4L)
    for i in 0..<4 {
        let t = try toeplitzMatrix(kernel: inputsU[i])
        for r in 0..<fitLength { for c in 0..<fitLength { design[i * fitLength + r, c] = t[r, c] } }
        target += zip(outputs[i], inputsU[i]).map { $0 - systems[i].skip[0] * $1 }
    }
    let kernel = try leastSquares(design, target, name: "T(u) stacked")   // (L)
    let predicted = try directCausalConvolution(kernel, inputsU[4])     // (L)
    return relativeDifference(predicted, zip(outputs[4], inputsU[4]).map { $0 - systems[4].skip[0] * $1 })
}

/// The hand-built copying input of cell 4: where the data tokens are, their values, and Δ_t.
struct CopyingTask {
    let length = 256, stateSize = 4
    let positions: [Int]                                               // sorted data positions
    let values: [Double]                                               // (data count)
    let delta: [Double]                                                // (L): the hand-set selective Δ_t

    /// The one-channel scan inputs with noise drawn from `noiseSeed`, at the steps `delta` (L).
    func inputs(noiseSeed: UInt64, delta: [Double]) throws -> SelectiveScanInputs {
        var noise = SplitMix64(seed: noiseSeed)
        let x = (0..<length).map { t -> Double in                       // (L)
            if let j = positions.firstIndex(of: t) { return values[j] }
            return 3 * noise.nextGaussian()                            // loud noise
        }
        let ones = [Double](repeating: 1, count: length * stateSize)
        return try SelectiveScanInputs(x: Matrix(rows: length, cols: 1, elements: x),
                                       delta: Matrix(rows: length, cols: 1, elements: delta),
                                       a: Matrix(rows: 1, cols: stateSize, elements: (1...stateSize).map { -Double($0) }),
                                       b: Matrix(rows: length, cols: stateSize, elements: ones),
                                       c: Matrix(rows: length, cols: stateSize, elements: ones.map { $0 / Double(stateSize) }),
                                       skip: [0])
    }
}

func selectiveCopying(_ book: Notebook) throws {
    book.cell("4. Selective copying: ignoring noise tokens", """
        A CPU-sized version of the task that motivates selection: L = 256 tokens, 8 of them data
        (flag g_t = 1), the rest noise (g_t = 0). One channel, N = 4, A_n = −(n+1), B_t = 1,
        C_t = 1/N, and a hand-set selection Δ_t = softplus(16·g_t − 16): data tokens get
        Δ = softplus(0) = 0.69, noise tokens Δ = softplus(−16) = 1.1·10⁻⁷. So noise neither enters
        the state (ΔB ≈ 0) nor erodes it (e^{ΔA} ≈ 1), while each data token is written in and
        older data decays by e^{−0.69(n+1)} per *data* token, not per time step. The LTI comparison
        uses the constant Δ equal to the selective Δ's mean. Test: redraw all the noise and compare
        final states.
        """)
    var positions = Set<Int>()
    while positions.count < 8 { positions.insert(Int.random(in: 0..<256, using: &book.rng)) }
    let values = (0..<8).map { _ in Double.random(in: -1...1, using: &book.rng) }
    let flags = (0..<256).map { positions.contains($0) ? 1.0 : 0.0 }    // (L): g_t
    let task = CopyingTask(positions: positions.sorted(), values: values, delta: flags.map { softplus(16 * $0 - 16) })
    let constantDelta = task.delta.reduce(0, +) / Double(task.length)
    var finalDifference: [String: Double] = [:], norms: [String: [Double]] = [:]
    for (name, delta) in [("selective", task.delta), ("LTI", [Double](repeating: constantDelta, count: task.length))] {
        let first = try selectiveStates(try task.inputs(noiseSeed: book.options.seed &+ 1, delta: delta), channel: 0)   // (L, N)
        let second = try selectiveStates(try task.inputs(noiseSeed: book.options.seed &+ 2, delta: delta), channel: 0)
        finalDifference[name] = relativeDifference(first.row(task.length - 1), second.row(task.length - 1))
        norms[name] = (0..<task.length).map { t in first.row(t).reduce(0) { $0 + $1 * $1 }.squareRoot() }
        book.show(String(format: "%@: final state with two different noise draws differs by %.2e (relative)", name, finalDifference[name]!))
    }
    book.check(.bound("selective: the final state does not depend on the noise tokens", finalDifference["selective"]!, .lessOrEqual, 1e-3,
                      reason: "noise enters with weight Δ ≈ 1.1e-7 per token: ≲ 256 · 1.1e-7 · 3σ ≈ 1e-4 relative"))
    book.check(.bound("LTI (constant Δ): the noise tokens do change the final state", finalDifference["LTI"]!, .greaterOrEqual, 0.1))
    try drawCopying(book, task: task, constantDelta: constantDelta, norms: norms)
}

func drawCopying(_ book: Notebook, task: CopyingTask, constantDelta: Double, norms: [String: [Double]]) throws {
    let times = (0..<task.length).map(Double.init)
    let dataTimes = task.positions.map(Double.init)
    var deltaFigure = Figure(name: "delta-trace", title: "Selective copying: Δ_t is large on data tokens, ≈ 0 on noise",
                             xLabel: "token t", yLabel: "Δ_t", series: [
                                .init("selective Δ_t = softplus(16 g_t − 16)", x: times, y: task.delta, style: "lines lw 2"),
                                .init("LTI Δ (constant, same mean)", x: times, y: [Double](repeating: constantDelta, count: task.length), style: "lines lw 2 dt 2"),
                                .init("data tokens", x: dataTimes, y: dataTimes.map { _ in 0.69 }, style: "points pt 7 ps 1.5"),
                             ])
    deltaFigure.logY = true
    try book.figure(deltaFigure)
    try book.figure(Figure(name: "state-norm", title: "‖h_t‖ on the same input: selective memory vs LTI memory",
                           xLabel: "token t", yLabel: "‖h_t‖", series: [
                               .init("selective", x: times, y: norms["selective"]!, style: "lines lw 2"),
                               .init("LTI (constant Δ)", x: times, y: norms["LTI"]!, style: "lines lw 2"),
                               .init("data tokens", x: dataTimes, y: dataTimes.map { norms["selective"]![Int($0)] }, style: "points pt 7 ps 1.5"),
                           ]))
}

func timeVaryingMatrix(_ book: Notebook, inputs mInputs: SelectiveScanInputs) throws {
    book.cell("5. The time-varying matrix M", """
        Each row of M is "the kernel as seen from time t": how much y_t depends on x_s. For an LTI
        system every row is the same curve shifted; for a selective one each row has its own shape.
        """)
    let m = try selectiveMatrix(mInputs, channel: 0)                  // (256, 256)
    let rowsShown = [63, 127, 191, 255]
    try book.figure(Figure(name: "time-varying-kernels", title: "Rows M_{t,·} of the selective matrix (channel 0): one kernel per t",
                           xLabel: "lag t − s", yLabel: "M_{t,s}", series: rowsShown.map { t in
                               .init("t = \(t)", x: (0...t).map { Double($0) }, y: (0...t).map { m[t, t - $0] }, style: "lines lw 2")
                           }))
    let shown = 128
    var heat = Figure(heatmap: "selective-matrix", title: "log10 |M_{ts}|, channel 0, first 128 tokens (lower triangular)",
                      xLabel: "s", yLabel: "t", values: (0..<shown * shown).map { i in
                          let (t, s) = (i / shown, i % shown)
                          return s <= t ? log10(max(abs(m[t, s]), 1e-12)) : .nan
                      }, rows: shown, cols: shown)
    heat.size = (width: 800, height: 700)
    try book.figure(heat)
}

func mambaBlock(_ book: Notebook) throws {
    book.cell("6. A Mamba block: generation = forward pass", """
        The block (`MambaBlock`): in_proj to (x, z); a causal depthwise convolution of width 4 and
        SiLU on x; the selective SSM; a SiLU(z) gate; out_proj. Its `step` carries only the last 3
        convolution inputs and the SSM state h (d_inner × N) from token to token — constant memory,
        however long the sequence. Generating token by token must reproduce the full forward pass.
        """)
    let block = try MambaBlock(modelWidth: 16, stateSize: 16, rng: &book.rng)
    let u = try Matrix(rows: 256, cols: 16, elements: (0..<256 * 16).map { _ in book.rng.nextGaussian() })  // (L, d_model)
    let full = try block.forward(u)                                   // (L, d_model)
    var state = block.initialState
    var generated: [Double] = []
    for t in 0..<u.rows { generated += try block.step(u.row(t), state: &state) }
    book.check(.agreement("Mamba block (d_model = 16, N = 16, L = 256): step-by-step generation = forward pass",
                          generated, full.elements, tolerance: 1e-12,
                          reason: "the same arithmetic one row at a time; only exp's implementation differs (libmvec vs libm, ≤ 4 ulp)"))
    book.show("generation state: \(state.convBuffer.rows)×\(state.convBuffer.cols) conv buffer + \(state.ssm.rows)×\(state.ssm.cols) SSM state = \(state.convBuffer.elements.count + state.ssm.elements.count) numbers, for any L")
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        The selective scan is a recurrence (sequential), a scan (parallel, associative) and a
        matrix (semiseparable, time-varying) — and, provably with numbers, not a convolution.
        Chapter 06 (Mamba-2) restricts A to a scalar per head, and the matrix becomes a masked
        attention: then most of the work can be done by matrix multiplication.
        """)
    book.exercises("""
        1. In section 4, lower the data tokens' Δ from 0.69 to 0.1 (bias −16 → −18.2). How many
           data tokens does the state remember now? Look at ‖h_t‖.
        2. Replace Euler's B̄ = ΔB by ZOH's (e^{ΔA} − 1)/A·B and measure the change in y for
           section 2's model. Is it larger for small or large Δ?
        3. Run section 2's timing with D = 16 instead of 256. When do two threads stop helping,
           and why?
        """)
}

book.run { book in
    introduction(book)
    try selection(book)
    try scanThreeWays(book)
    let sequences = try notAConvolution(book)
    try selectiveCopying(book)
    try timeVaryingMatrix(book, inputs: sequences[4])
    try mambaBlock(book)
    whatComesNext(book)
}
