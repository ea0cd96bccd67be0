import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter05", title: "Mamba: selection, the selective scan three ways, and a Mamba block", abstract: """
    Mamba: Δ, B and C become functions of the input (selection). The paper's zero-order-hold B̄ \
    against the reference code's ΔB; selection as gating (Theorem 1); the selective scan as a \
    recurrence, a parallel (Blelloch) scan and a time-varying matrix that must agree; the memory \
    the fused, hardware-aware scan saves by never materialising Ā and B̄x; why no single kernel \
    reproduces a selective SSM; a state that ignores noise tokens; and a Mamba block whose \
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
        Per token t and channel d (`SelectiveParameters`; Mamba §3.2, Algorithm 2):

            (dt, B_t, C_t) = x_t W_x,   Δ_{t,d} = softplus(dt·W_Δ + b_Δ)_d,   A = −exp(A_log)
            h_t = Ā_t ⊙ h_{t−1} + B̄_t x_t,    y_t = C_t·h_t + D x_t,    Ā_t = exp(Δ_t A)

        A large Δ_t lets token t overwrite the state (e^{ΔA} ≈ 0); Δ_t ≈ 0 lets the state pass
        through untouched and ignores the token. How B is discretised is the subject of the next
        cell: the paper and its reference code differ. With Mamba's initialisation (Δ bias so that
        Δ starts log-uniform in [1e-3, 1e-1]), a random input already makes each channel's Δ_t
        change with the content of x_t.
        """)
    let demo = try SelectiveParameters(channels: 64, stateSize: 16, dtRank: 4, rng: &book.rng)
    let demoX = try Matrix(rows: 2048, cols: 64, elements: (0..<2048 * 64).map { _ in book.rng.nextGaussian() })  // (L, D)
    let deltas = try demo.scanInputs(demoX).delta.elements              // (L·D)
    book.finding("Over L = 2048, D = 64 the steps range over \(String(format: "[%.1e, %.1e]", deltas.min()!, deltas.max()!)).")
}

func twoDiscretisations(_ book: Notebook) throws {
    book.cell("2. B̄: the paper's zero-order hold and the code's ΔB", """
        The paper (Mamba, eq. 4) discretises both A and B by zero-order hold:

            Ā = exp(ΔA),    B̄ = (ΔA)⁻¹(exp(ΔA) − I)·ΔB   (= (e^{ΔA} − 1)/A · B for diagonal A)

        Mamba's reference code (`selective_scan_ref`, the readable PyTorch version of its scan)
        uses B̄ = ΔB instead: Euler's rule for B. Asked about it (state-spaces/mamba issue #114),
        the authors describe it as a mix of ZOH for A and Euler for B, simpler to implement and
        no worse in their experiments. The two agree to first order,
        (e^{ΔA} − 1)/A = Δ(1 + ΔA/2 + …), so they are close only while |ΔA| ≪ 1. At Mamba's
        initial steps (Δ ≤ 0.1) that holds for the slow state entries (|A| small) and fails for
        the fast ones (A down to −N); at Δ = softplus(0) ≈ 0.69 (the data tokens of cell 7) and
        A = −4, ZOH's B̄ is about a third of ΔB. ZOH's B̄ saturates at B/|A| as Δ grows; ΔB grows
        without bound.

        Every scan in this library follows the code (ΔB); `selectiveRecurrence` offers both, so
        the table below is computed, not quoted. The ZOH column is checked against the definition
        B̄ = ∫₀^Δ e^{sA} ds · B by Simpson's rule, and the library's fast scan against the plain
        recurrence with the code's rule.
        """)
    let step = softplus(0)
    var rows: [[String]] = [], closed: [Double] = [], quadrature: [Double] = []
    for a in [-1.0, -2, -3, -4] {
        let (euler, zoh) = (InputDiscretization.euler.inputScale(step: step, a: a), InputDiscretization.zeroOrderHold.inputScale(step: step, a: a))
        closed.append(zoh)
        quadrature.append(simpson(0, step, intervals: 2000) { exp($0 * a) })
        rows.append([String(format: "%.0f", a), String(format: "%.4f", euler), String(format: "%.4f", zoh), String(format: "%.2f×", euler / zoh)])
    }
    book.table(header: ["A (Δ = softplus(0) = 0.693)", "ΔB / B (code)", "ZOH B̄ / B (paper)", "ΔB ÷ ZOH"], rows: rows)
    book.check(.agreement("ZOH B̄ = (e^{ΔA} − 1)/A·B = ∫₀^Δ e^{sA} ds·B (Simpson, 2000 intervals), A = −1…−4", closed, quadrature,
                          tolerance: 1e-12, reason: "Simpson's error is Δ⁵|A|⁴/(180·n⁴) ≤ 2e-14 here; expm1 keeps full accuracy"))
    let rule: InputDiscretization = book.injects("zoh-for-delta-b", "ZOH's B̄ in the plain recurrence, where the library's scans use the code's ΔB") ? .zeroOrderHold : .euler
    let params = try SelectiveParameters(channels: 16, stateSize: 16, dtRank: 1, rng: &book.rng)
    let x = try Matrix(rows: 256, cols: 16, elements: (0..<256 * 16).map { _ in book.rng.nextGaussian() })  // (L, D)
    let inputs = try params.scanInputs(x)
    book.check(.agreement("L = 256, D = 16, N = 16: selectiveScan (fast) = plain recurrence with the code's B̄ = ΔB",
                          selectiveScan(inputs).elements, selectiveRecurrence(inputs, input: rule).elements, tolerance: 1e-12,
                          reason: "the same arithmetic; exp from libmvec vs libm (≤ 4 ulp)"))
    let gap = relativeDifference(selectiveRecurrence(inputs, input: .zeroOrderHold).elements, selectiveRecurrence(inputs, input: .euler).elements)
    book.finding(String(format: "On this Mamba-initialised layer (Δ from %.1e to %.1e) y with ZOH's B̄ differs from y with ΔB by %.1f%% (relative, max norm).",
                        inputs.delta.elements.min()!, inputs.delta.elements.max()!, 100 * gap))
    try drawDiscretisations(book)
}

/// ∫_a^b f by composite Simpson with an even number of intervals.
func simpson(_ a: Double, _ b: Double, intervals n: Int, _ f: (Double) -> Double) -> Double {
    let h = (b - a) / Double(n)
    let inner = (1..<n).reduce(0.0) { $0 + ($1 % 2 == 1 ? 4 : 2) * f(a + Double($1) * h) }
    return h / 3 * (f(a) + inner + f(b))
}

func drawDiscretisations(_ book: Notebook) throws {
    let steps = (0...60).map { pow(10, -3 + Double($0) / 15) }        // Δ from 1e-3 to 1e1
    var figure = Figure(name: "b-bar-vs-step", title: "B̄/B against the step Δ: the code's ΔB and the paper's ZOH",
                        xLabel: "step Δ (log scale)", yLabel: "B̄ / B (log scale)", series: [
                            .init("ΔB (Euler, any A)", x: steps, y: steps, style: "lines lw 2 dt 2"),
                        ] + [-1.0, -4, -16].map { a in
                            .init(String(format: "ZOH, A = %.0f (→ 1/|A|)", a), x: steps,
                                  y: steps.map { InputDiscretization.zeroOrderHold.inputScale(step: $0, a: a) })
                        })
    figure.logX = true
    figure.logY = true
    figure.extraCommands = ["set key top left", "set arrow from 0.693, graph 0 to 0.693, graph 1 nohead dt 3",
                            "set label 'Δ = 0.69 (cell 7)' at 0.75, graph 0.08",
                            "set object rect from 1e-3, graph 0 to 0.1, graph 1 fc rgb '#eeeeee' behind",
                            "set label 'Mamba init Δ' at 1.2e-3, graph 0.92"]
    try book.figure(figure)
}

func gating(_ book: Notebook) throws {
    book.cell("3. Selection is gating (Theorem 1)", """
        Mamba's Theorem 1 (§3.5.1) connects selection to the gates of RNNs: with N = 1, A = −1,
        B = 1 and Δ_t = softplus(z_t), z_t = Linear(x_t), the selective SSM is the gated recurrence

            h_t = (1 − g_t)·h_{t−1} + g_t·x_t,    g_t = σ(z_t)

        because e^{−softplus(z)} = 1 − σ(z) and ZOH's B̄ = 1 − e^{−Δ} = σ(z). The theorem needs the
        paper's ZOH for B: with the code's ΔB the input weight is softplus(z_t), not σ(z_t) — not a
        convex combination at all. Below, the selective recurrence with ZOH is compared with the
        gated recurrence computed directly, on one channel with random Linear weights and input.
        """)
    let (w, b) = (book.rng.nextGaussian(), book.rng.nextGaussian())
    let x = (0..<256).map { _ in book.rng.nextGaussian() }              // (L)
    let z = x.map { w * $0 + b }                                        // (L): Linear(x_t)
    var h = 0.0
    let gated = zip(z, x).map { zt, xt -> Double in                     // (L)
        let g = 1 / (1 + exp(-zt))
        h = (1 - g) * h + g * xt
        return h
    }
    let ones = [Double](repeating: 1, count: 256)
    let inputs = try SelectiveScanInputs(x: Matrix(rows: 256, cols: 1, elements: x), delta: Matrix(rows: 256, cols: 1, elements: z.map(softplus)),
                                         a: Matrix(rows: 1, cols: 1, elements: [-1]), b: Matrix(rows: 256, cols: 1, elements: ones),
                                         c: Matrix(rows: 256, cols: 1, elements: ones), skip: [0])
    let rule: InputDiscretization = book.injects("delta-b-for-zoh", "the code's ΔB where Theorem 1 needs the paper's ZOH B̄") ? .euler : .zeroOrderHold
    book.check(.agreement("N = 1, A = −1, B = 1: selective SSM with ZOH B̄ = gated RNN h_t = (1 − σ(z_t))h_{t−1} + σ(z_t)x_t",
                          selectiveRecurrence(inputs, input: rule).elements, gated, tolerance: 1e-12,
                          reason: "e^{−softplus(z)} = 1 − σ(z) exactly; rounding only"))
    let withDeltaB = relativeDifference(selectiveRecurrence(inputs, input: .euler).elements, gated)
    book.finding(String(format: "With the code's ΔB the same system misses the gated recurrence by %.2f (relative): Theorem 1 is a statement about ZOH.", withDeltaB))
}

/// (a₁, b₁) ⊕ (a₂, b₂) = (a₁a₂, a₁b₁ + b₂): a wrong combine (a₁ where a₂ belongs), for `--inject`.
enum SwappedDecayComposition: ScanCombine {
    static func combine(_ a1: Double, _ b1: Double, _ a2: Double, _ b2: Double) -> (a: Double, b: Double) { (a1 * a2, a1 * b1 + b2) }
}

func scanThreeWays(_ book: Notebook) throws {
    book.cell("4. The selective scan three ways", """
        1. **Sequential** (`selectiveScan`): time outer, channels inner; O(L·D·N), depth L.
        2. **Parallel** (`selectiveScanParallel`): the recurrence h_t = a_t h_{t−1} + b_t is an
           associative operator (a₁, b₁) ⊕ (a₂, b₂) = (a₁a₂, a₂b₁ + b₂) — "apply step 1, then
           step 2" — so Blelloch's up-sweep / down-sweep computes all prefixes in about 2·log₂L
           levels instead of L steps, at ~3× the work (the table counts both at L = 2048).
        3. **Materialised** (`selectiveMatrix`): M_ts = C_tᵀ(Ā_t⋯Ā_{s+1})B̄_s, an L×L lower
           triangular matrix per channel, y = M x + D x. O(L²·N): only for checking and looking,
           so the L×L matrices are built for a few channels only.

        All three must give the same y.

        **Why a CPU scans in two levels.** Blelloch's tree buys a depth of 2·log₂L levels with ~3×
        the work: a good trade for a GPU with thousands of threads, a bad one for a CPU with P = 2
        to 64 cores, each of which must do L/P steps anyway — any depth below that is wasted, and
        work is what costs. CPUs therefore scan in **two levels** (`selectiveScanTwoLevel`; the
        reference CUDA kernel does the same inside a chunk, each thread first combining its own
        consecutive steps — cell 5):
        split time into P blocks, one per core; (1) each core scans its block from a zero state,
        keeping its last state s_k and its decay ∏Ā = exp(A·ΣΔ); (2) the P carries are combined
        in order, h_in(k) = ∏Ā(k−1) ⊙ h_in(k−1) + s_{k−1} — the same ⊕ on just P elements; (3) each block
        adds what its incoming state contributes, C_t·(Ā_t⋯Ā_{t₀} ⊙ h_in(k)). Linearity in the state
        is what makes (3) legal: a block's true states are its zero-start states plus the decayed
        carry. The work is (2 − 1/P)× the sequential scan's (not ~3×), and the depth L/P + P.
        It is also what `initialState`/`finalState` give a caller: scanning [0, T) and then
        [T, L) from the returned state is the two-level scheme with P = 2, run by hand. When there
        are many channels, as here, splitting *channels* over cores does no extra work at all and
        wins; splitting time is for when the sequence is the only parallelism left (one long
        channel, or more cores than channels). The timings in cell 5 show both.
        """)
    let wrongCombine = book.injects("blelloch-a1b1", "Blelloch's combine with a₁b₁ in place of a₂b₁")
    for (l, d, n) in [(64, 4, 4), (256, 16, 16), (2048, 64, 16)] {
        let params = try SelectiveParameters(channels: d, stateSize: n, dtRank: max(1, d / 16), rng: &book.rng)
        let x = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in book.rng.nextGaussian() })  // (L, D)
        let inputs = try params.scanInputs(x)
        let sequential = selectiveScan(inputs, threads: 2)            // (L, D)
        let parallel = wrongCombine ? selectiveScanParallel(inputs, threads: 2, combine: SwappedDecayComposition.self)
            : selectiveScanParallel(inputs, threads: 2)               // (L, D)
        let probes = l <= 256 ? Array(0..<d) : [0, 21, 42, 63]
        let materialised = try selectiveScanMaterialised(inputs, channels: probes)  // (L, |probes|)
        let columns = (0..<l).flatMap { t in probes.map { sequential[t, $0] } }
        book.check(.agreement("L = \(l), D = \(d), N = \(n): Blelloch parallel scan = sequential", parallel.elements, sequential.elements,
                              tolerance: 1e-12, reason: l == 64 ? "the same products in another order: rounding only" : nil))
        book.check(.agreement("L = \(l), D = \(d), N = \(n): materialised M·x (\(probes.count) channels) = sequential", materialised.elements, columns,
                              tolerance: 1e-12))
        book.check(.agreement("L = \(l), D = \(d), N = \(n): two-level scan (3 time blocks) = sequential",
                              selectiveScanTwoLevel(inputs, threads: 3).elements, sequential.elements, tolerance: 1e-12,
                              reason: l == 64 ? "the carried state's decay is exp(A·ΣΔ), not a product of the steps' Ā: rounding only" : nil))
    }
    let work = try ScanCost.sequential(2048), tree = try ScanCost.blelloch(2048)
    book.table(header: ["scan (L = 2048, per channel and state)", "work (⊕ applications)", "depth"], rows: [
        ["sequential", "\(work.work)", "\(work.depth)"],
        ["Blelloch", "\(tree.work)", "\(tree.depth)"],
    ])
    let levels = Int(log2(2048.0))
    book.finding(String(format: "At L = 2048 Blelloch's depth is %d = 2·log₂L + 1: %d up-sweep levels, %d down-sweep levels and one level of "
                        + "finishing combines that turns the exclusive prefixes into inclusive ones; its work is %.2f× the sequential scan's.",
                        tree.depth, levels, levels, Double(tree.work) / Double(work.work)))
}

func hardwareAware(_ book: Notebook) throws {
    book.cell("5. What makes it fast: the hardware-aware algorithm", """
        Mamba's speed on a GPU does not come from the parallel scan alone. The paper's §3.3.2
        ("hardware-aware state expansion"; the kernel's steps in Appendix D) starts from a different
        observation: the scan does little arithmetic per number it touches, so it is bound by
        memory traffic, and the obvious implementation moves the most data. It would first
        *materialise* Ā and B̄x for every (t, d, n) — two arrays of L·D·N numbers (per batch
        element) in the GPU's large, slow memory (HBM) — and then scan them. Three techniques
        avoid that:

        - **Kernel fusion.** One kernel loads Δ, A, B, C (O(L·(D + N)) numbers) from HBM into the
          fast on-chip SRAM, discretises and scans there, and writes only y (L·D) back: the
          (L, D, N) expansion never reaches slow memory. The paper reports that this cuts memory
          traffic by a factor O(N).
        - **Parallel scan.** The paper uses "a work-efficient parallel scan" so that the
          sequential recurrence still runs in parallel. In the reference CUDA kernel
          (`selective_scan_fwd_kernel.cuh`) each thread block takes the sequence in chunks, *in
          order*, carrying the running state from chunk to chunk; inside a chunk each thread first
          combines a few consecutive steps itself, and the block's threads then run CUB's block
          scan (`cub::BlockScan`, its warp-scan variant) with the operator ⊕ of cell 4. So the
          parallelism is within a chunk, and ⊕'s associativity is what makes it legal; Blelloch's
          tree of cell 4 is one way to use it, not the kernel's.
        - **Recomputation.** Training needs the states h_t in the backward pass. They are not
          stored (that would be the L·D·N array again) but recomputed from Δ, A, B, C when the
          backward kernel loads them, so the layer needs about the memory of a FlashAttention
          Transformer layer.

        `selectiveScan` is the CPU analogue of the fused kernel: time is the outer loop, Ā for 8
        channels at a time is formed in a buffer that stays in L1 cache and consumed at once, and
        the only state is (D, N). `selectiveScanUnfused` is the unfused alternative (what the
        reference code `selective_scan_ref` does): it materialises Ā and B̄x, then scans. Both
        must give the same y; the table gives their memory, counted from what each allocates and
        measured as the rise in the process's peak resident memory (Linux).
        """)
    let params = try SelectiveParameters(channels: 64, stateSize: 16, dtRank: 4, rng: &book.rng)
    let x = try Matrix(rows: 2048, cols: 64, elements: (0..<2048 * 64).map { _ in book.rng.nextGaussian() })  // (L, D)
    let inputs = try params.scanInputs(x)
    let fused = PeakResidentMemory.growth { selectiveScan(inputs, threads: 1) }
    let unfused = try PeakResidentMemory.growth { try selectiveScanUnfused(inputs) }
    book.check(.agreement("L = 2048, D = 64, N = 16: unfused scan (Ā, B̄x materialised) = fused selectiveScan", unfused.result.y.elements,
                          fused.result.elements, tolerance: 1e-12, reason: "the same products; only where Ā and B̄x live differs"))
    let mib = { (bytes: Int) in String(format: "%.2f MiB", Double(bytes) / 1_048_576) }
    let measured = { (bytes: Int?) in bytes.map(mib) ?? "— (no /proc)" }
    book.table(header: ["L = 2048, D = 64, N = 16", "allocated beyond inputs and y", "peak resident memory rise"], rows: [
        ["fused (selectiveScan)", mib(fusedScanWorkingSetBytes(inputs, threads: 1)), measured(fused.bytes)],
        ["unfused (Ā, B̄x: 2·L·D·N doubles)", mib(unfused.result.materialisedBytes), measured(unfused.bytes)],
    ])
    if let f = fused.bytes, let u = unfused.bytes {
        book.finding("Measured here: materialising Ā and B̄x raised the peak resident memory by \(mib(u)), the fused scan by \(mib(f)); "
                     + String(format: "the expansion is %.0f× the y the scan returns.", Double(unfused.result.materialisedBytes) / Double(8 * x.elements.count)))
    }
    try scanTimings(book)
}

/// Sequential, unfused, Blelloch and two-level scans on 1 and 2 threads (skipped by `--seeds` and `--checks-only`).
func scanTimings(_ book: Notebook) throws {
    guard !book.skipsTimings else { return }
    var timingRNG = SplitMix64(seed: book.options.seed &+ 5)            // its own draws: skipping it changes no other cell
    let inputs = try SelectiveParameters(channels: 256, stateSize: 16, dtRank: 16, rng: &timingRNG)
        .scanInputs(try Matrix(rows: 2048, cols: 256, elements: (0..<2048 * 256).map { _ in timingRNG.nextGaussian() }))
    var times: [String: [Double]] = [:], rows: [[String]] = []
    for threads in [1, 2] {
        let s = book.medianTime(repetitions: 3) { _ = selectiveScan(inputs, threads: threads) }
        let p = book.medianTime(repetitions: 3) { _ = selectiveScanParallel(inputs, threads: threads) }
        let two = book.medianTime(repetitions: 3) { _ = selectiveScanTwoLevel(inputs, threads: threads) }
        times["sequential", default: []].append(s)
        times["Blelloch", default: []].append(p)
        rows.append(["\(threads)", Timing.format(s), Timing.format(p), String(format: "%.2f", p / s), Timing.format(two),
                     String(format: "%.2f", two / times["sequential"]![0])])
    }
    let unfused = try book.medianTime(repetitions: 3) { _ = try selectiveScanUnfused(inputs) }
    book.table(header: ["threads (D = 256, L = 2048, N = 16)", "sequential (fused, channels split)", "Blelloch", "Blelloch ÷ sequential",
                        "two-level (time split)", "two-level ÷ sequential on 1 thread"], rows: rows)
    book.finding(threadFinding(times, unfused: unfused, depth: try ScanCost.blelloch(2048).depth))
}

/// The sentence the timing table supports, built from its numbers.
func threadFinding(_ times: [String: [Double]], unfused: Double, depth: Int) -> String {
    let (s, p) = (times["sequential"]!, times["Blelloch"]!)
    func effect(_ t: [Double], _ name: String) -> String {
        let change = t[1] < 0.9 * t[0] ? "sped up" : t[1] > 1.1 * t[0] ? "slowed down" : "did not clearly change"
        return "\(change) the \(name) scan (\(String(format: "%.2f×", t[0] / t[1])))"
    }
    let order = p[0] > s[0] && p[1] > s[1]
        ? "slower than the sequential scan on both thread counts: it does ~3× the combines, and two cores cannot use its depth of \(depth) levels"
        : p[0] < s[0] && p[1] < s[1] ? "faster than the sequential scan on both thread counts" : "faster on one thread count and slower on the other"
    return "In this run the Blelloch scan was \(order). A second thread \(effect(s, "sequential")) and \(effect(p, "Blelloch")) "
        + "— two cores shared with other work are a noisy place to time. The unfused scan took "
        + "\(Timing.format(unfused)) on one thread against \(Timing.format(s[0])) fused. "
        + "(The release benchmark, `swift run -c release Bench --filter selective`, measures the same rows.)"
}

/// Measures how far the best single kernel is from three one-channel SSMs that differ only in what is selective.
func notAConvolution(_ book: Notebook) throws {
    book.cell("6. Selection is not a convolution", """
        For an LTI system, y = K ∗ u for one kernel K, whatever u. To see what selection alone
        changes, take one channel (D = 1: Δ_t, B_t, C_t depend on that channel's input and nothing
        else) and three systems that share every parameter and every input:

        - **LTI**: Δ, B, C frozen at their values for one token x̄ (the RMS of the training
          inputs): S4D-Real with ZOH A and Euler B. It *is* a convolution.
        - **Δ selective**: Δ_t = softplus(w·x_t + b_Δ) per token, B and C frozen as above. Only
          the step — how much to keep, how much to write — depends on the input.
        - **Δ, B, C selective**: Mamba's selection in full.

        For each, find the best kernel (all L = 256 taps) by least squares (LAPACK dgelsy, QR with
        column pivoting) on 16 training sequences (4,096 equations for 256 unknowns) and test it on
        4 new ones; both errors are printed, in sample and on the new sequences. The error is
        relative (max norm) on the SSM's own part y − D·u (the skip is a one-tap convolution and
        would only dilute it); above 1 the prediction is worse than zero.

        One thing no kernel on a zero-mean input can produce is a *drift*. When Δ_t depends on
        x_t, the SSM is driven by Δ_t·x_t, whose mean is not zero (Δ_t is larger for x_t of one
        sign), so y carries the response to a constant input — for the slow modes, whose memory
        1/(Δ|A|) exceeds L at Δ ≈ 10⁻³, a ramp over the whole sequence. The fit is therefore done twice: with
        the kernel alone, and with a second kernel driven by a constant input 1 (T(1)·K₁: any
        causal offset common to all sequences). The checks use the second, the fairer fit: the LTI
        one must be exact to rounding; the fully selective one cannot be, and its bound is half
        the smallest error seen over seeds 0–39. The Δ-only system is printed, not bounded: how far
        it is from a kernel depends on how much Δ_t varies *relative to itself* across the
        sequence, which depends on the draw.
        """)
    let (fitLength, training, testing) = (256, 16, 4)
    let params = try SelectiveParameters(channels: 1, stateSize: 16, dtRank: 1, rng: &book.rng)
    let sequences = try (0..<(training + testing)).map { _ in          // x (L, 1) each
        try params.scanInputs(try Matrix(rows: fitLength, cols: 1, elements: (0..<fitLength).map { _ in book.rng.nextGaussian() }))
    }
    let trainingX = sequences[0..<training].flatMap { $0.x.elements }  // (16L)
    let typical = (trainingX.reduce(0) { $0 + $1 * $1 } / Double(trainingX.count)).squareRoot()  // x̄
    let atTypical = try params.select(Matrix(rows: 1, cols: 1, elements: [typical]))  // Δ (1, 1), B (1, N), C (1, N)
    let frozen = try sequences.map { try frozenAt(atTypical, $0, keepDelta: false) }
    let deltaOnly = try sequences.map { try frozenAt(atTypical, $0, keepDelta: true) }
    let full = book.injects("selection-frozen", "the selective system's Δ_t, B_t, C_t replaced by one token's (an LTI scan)") ? frozen : sequences
    let slope = params.xProjection[0, 0] * params.dtProjection[0, 0]   // Δ_t = softplus(slope·x_t + b_Δ)
    let allDeltas = sequences.flatMap { $0.delta.elements }
    let meanDeltaX = zip(allDeltas, sequences.flatMap { $0.x.elements }).reduce(0) { $0 + $1.0 * $1.1 } / Double(allDeltas.count)
    book.show(String(format: "this draw: Δ_t = softplus(%.2g·x_t %+.3f), from %.1e to %.1e; mean of Δ_t·x_t = %.2e (mean Δ_t = %.2e)", slope, params.dtBias[0],
                     allDeltas.min()!, allDeltas.max()!, meanDeltaX, allDeltas.reduce(0, +) / Double(allDeltas.count)))
    var fits: [[KernelFit]] = []
    for (name, systems) in [("LTI (frozen at x̄)", frozen), ("Δ selective, B and C frozen", deltaOnly), ("Δ, B, C selective", full)] {
        let pair = try [false, true].map { try kernelFit(systems, training: training, drift: $0) }
        fits.append(pair)
        book.show(String(format: "%@: kernel in sample %.2e, new sequences %.2e; kernel + drift in sample %.2e, new sequences %.2e", name,
                         pair[0].inSample, pair[0].outOfSample, pair[1].inSample, pair[1].outOfSample))
    }
    let errors = fits.map { $0[1].outOfSample }                       // kernel + drift, on the 4 new sequences
    book.check(.bound("LTI (frozen at x̄): kernel + drift fitted on 16 sequences predicts 4 new ones exactly", errors[0], .lessOrEqual, 1e-8,
                      reason: "an LTI SSM *is* a convolution; what is left is the least-squares solve's rounding, amplified by cond(T(u)); ≤ 3e-14 over seeds 0–39"))
    book.check(.bound("Δ, B, C selective (D = 1, all else equal): no kernel (+ drift) reproduces it on new sequences", errors[2], .greaterOrEqual, 0.15,
                      reason: "B_t, C_t ∝ x_t make y cubic in u on top of Δ_t; over seeds 0–39 the error was 0.33–1.41: the bound is below half the smallest"))
    book.finding(deltaOnlyFinding(fits[1], spread: allDeltas.max()! / allDeltas.min()!))
}

/// What the Δ-only fits of cell 6 show: how much of the miss was drift, and the spread of Δ_t.
func deltaOnlyFinding(_ fits: [KernelFit], spread: Double) -> String {
    String(format: "Δ only: the kernel alone missed by %.2f in sample and %.2f on new sequences; with the drift kernel, %.2f and %.2f — "
           + "%@. Here Δ_t spans a factor %.2f (max/min); the Δ-only error left after the drift grows with that relative spread, "
           + "not with Δ's size: over seeds 0–39 it was ≤ 0.05 when Δ_t varied by less than 25%% and 0.12–0.81 when it varied by more than a factor 2.",
           fits[0].inSample, fits[0].outOfSample, fits[1].inSample, fits[1].outOfSample,
           fits[1].inSample < 0.5 * fits[0].inSample ? "the drift of Δ_t·x_t was most of what the kernel could not fit"
               : "the drift of Δ_t·x_t was not the main part of the miss", spread)
}

/// The same SSM with B, C (and Δ unless `keepDelta`) of one token (`at`) at every step.
func frozenAt(_ at: (delta: Matrix, b: Matrix, c: Matrix), _ s: SelectiveScanInputs, keepDelta: Bool) throws -> SelectiveScanInputs {
    func repeated(_ row: Matrix) throws -> Matrix {
        try Matrix(rows: s.length, cols: row.cols, elements: (0..<s.length).flatMap { _ in row.elements })
    }
    return try SelectiveScanInputs(x: s.x, delta: keepDelta ? s.delta : repeated(at.delta), a: s.a, b: repeated(at.b),
                                   c: repeated(at.c), skip: s.skip)
}

/// The kernel fit of cell 6: the relative error on the training sequences (in sample) and on new ones.
struct KernelFit {
    let inSample: Double
    let outOfSample: Double
}

/// Fits one kernel K (L taps) — and, with `drift`, a second one driven by a constant input 1 — to the
/// first `training` one-channel systems by least squares, T(u_i)·K (+ T(1)·K₁) ≈ y_i − D·u_i stacked,
/// and measures its relative error (max norm) in sample and on the remaining systems.
func kernelFit(_ systems: [SelectiveScanInputs], training: Int, drift: Bool) throws -> KernelFit {
    let l = systems[0].length, columns = drift ? 2 * l : l
    let targets = systems.map { s in zip(selectiveScan(s).column(0), s.x.column(0)).map { $0 - s.skip[0] * $1 } }   // (L) each
    let constant = try toeplitzMatrix(kernel: [Double](repeating: 1, count: l))  // (L, L): T(1)
    func design(_ range: Range<Int>) throws -> Matrix {                // (|range|·L, columns)
        var m = Matrix(zeros: range.count * l, columns)
        for (k, i) in range.enumerated() {
            let t = try toeplitzMatrix(kernel: systems[i].x.column(0))
            for r in 0..<l { for c in 0..<l { m[k * l + r, c] = t[r, c]; if drift { m[k * l + r, l + c] = constant[r, c] } } }
        }
        return m
    }
    let fitted = try design(0..<training), tested = try design(training..<systems.count)
    let kernel = try leastSquares(fitted, targets[0..<training].flatMap { $0 }, name: "T(u) stacked")   // (columns)
    return KernelFit(inSample: relativeDifference(fitted * kernel, targets[0..<training].flatMap { $0 }),
                     outOfSample: relativeDifference(tested * kernel, targets[training...].flatMap { $0 }))
}

/// The hand-built input of cells 7 and 8: where the data tokens are, their values, and Δ_t.
struct NoiseTask {
    let length = 256, stateSize = 4
    let positions: [Int]                                               // sorted data positions
    let values: [Double]                                               // (data count)
    let delta: [Double]                                                // (L): the hand-set selective Δ_t
    var constantDelta: [Double] { [Double](repeating: delta.reduce(0, +) / Double(length), count: length) }  // (L)

    /// The one-channel scan inputs with noise drawn from `noiseSeed`, at the steps `delta` (L).
    func inputs(noiseSeed: UInt64, delta: [Double]) throws -> SelectiveScanInputs {
        var noise = SplitMix64(seed: noiseSeed)
        let x = (0..<length).map { t -> Double in                       // (L)
            if let j = positions.firstIndex(of: t) { return values[j] }
            return 3 * noise.nextGaussian()                            // loud noise
        }
        return try Self.inputs(x: x, delta: delta, stateSize: stateSize)
    }

    /// One channel, A_n = −(n+1), B = 1, C = 1/N, no skip, for x and Δ (L each).
    static func inputs(x: [Double], delta: [Double], stateSize n: Int) throws -> SelectiveScanInputs {
        let ones = [Double](repeating: 1, count: x.count * n)
        return try SelectiveScanInputs(x: Matrix(rows: x.count, cols: 1, elements: x), delta: Matrix(rows: x.count, cols: 1, elements: delta),
                                       a: Matrix(rows: 1, cols: n, elements: (1...n).map { -Double($0) }),
                                       b: Matrix(rows: x.count, cols: n, elements: ones),
                                       c: Matrix(rows: x.count, cols: n, elements: ones.map { $0 / Double(n) }), skip: [0])
    }
}

func ignoringNoise(_ book: Notebook) throws -> NoiseTask {
    book.cell("7. The state ignores noise tokens (selection set by hand)", """
        The task that motivates selection in the paper is *selective copying*: data tokens at
        random positions among noise, to be reproduced in order at the end. This cell does not
        solve it — it isolates the one ingredient selection adds: a state that ignores what it is
        told to ignore. L = 256 tokens, 8 of them data (flag g_t = 1), the rest loud noise
        (g_t = 0, standard deviation 3). One channel, N = 4, A_n = −(n+1), B_t = 1, C_t = 1/N, and a
        selection set by hand from the flag, Δ_t = softplus(16·g_t − 16): data tokens get
        Δ = softplus(0) = 0.69, noise tokens Δ = softplus(−16) = 1.1·10⁻⁷. So noise neither enters
        the state (B̄ ≈ 0) nor erodes it (e^{ΔA} ≈ 1), while older data decays by e^{−0.69(n+1)}
        per *data* token, not per time step. What this leaves out (learning the selection is a
        chapter of its own): Δ_t here comes from an oracle flag, not from a learned projection of
        x_t; N = 4 numbers cannot hold 8 tokens (the oldest fade); nothing is read back out.

        Three checks. Redraw all the noise: the selective final state must not move, and it must
        equal the state written by the 8 data tokens alone. The LTI system with the same mean Δ
        is the control: its final state must move when the noise is redrawn — if it did not, the
        "redraw" changed nothing and the selective check would pass for the wrong reason.
        """)
    var positions = Set<Int>()
    while positions.count < 8 { positions.insert(Int.random(in: 0..<256, using: &book.rng)) }
    let values = (0..<8).map { _ in Double.random(in: -1...1, using: &book.rng) }
    let flags = (0..<256).map { positions.contains($0) ? 1.0 : 0.0 }    // (L): g_t
    let task = NoiseTask(positions: positions.sorted(), values: values, delta: flags.map { softplus(16 * $0 - 16) })
    let secondSeed = book.injects("noise-not-redrawn", "the second noise draw reuses the first one's seed") ? book.options.seed &+ 1 : book.options.seed &+ 2
    var difference: [String: Double] = [:], norms: [String: [Double]] = [:], finals: [String: [Double]] = [:]
    for (name, delta) in [("selective", task.delta), ("LTI", task.constantDelta)] {
        let first = try selectiveStates(try task.inputs(noiseSeed: book.options.seed &+ 1, delta: delta), channel: 0)   // (L, N)
        let second = try selectiveStates(try task.inputs(noiseSeed: secondSeed, delta: delta), channel: 0)
        finals[name] = first.row(task.length - 1)
        difference[name] = relativeDifference(first.row(task.length - 1), second.row(task.length - 1))
        norms[name] = (0..<task.length).map { t in first.row(t).reduce(0) { $0 + $1 * $1 }.squareRoot() }
        book.show(String(format: "%@: final state with two different noise draws differs by %.2e (relative)", name, difference[name]!))
    }
    let dataOnly = try selectiveStates(NoiseTask.inputs(x: values, delta: [Double](repeating: softplus(0), count: 8), stateSize: 4), channel: 0)
    book.check(.bound("selective: the final state does not depend on the noise tokens", difference["selective"]!, .lessOrEqual, 1e-3,
                      reason: "noise enters with weight Δ ≈ 1.1e-7 per token: ≲ 256 · 1.1e-7 · 3σ ≈ 1e-4 relative; ≤ 2.8e-4 over 100 seeds"))
    book.check(.agreement("selective: final state = the state written by the 8 data tokens alone", finals["selective"]!, dataOnly.row(7), tolerance: 1e-3,
                          reason: "the same bound: the noise tokens' total weight; ≤ 1.2e-4 over seeds 0–99"))
    book.check(.bound("LTI (constant Δ, the control): redrawing the noise does change the final state", difference["LTI"]!, .greaterOrEqual, 0.05,
                      reason: "every token enters with the same weight pattern; over seeds 0–99 the change was 0.13–7.9: the bound is below half the smallest"))
    try drawNoise(book, task: task, norms: norms)
    return task
}

func drawNoise(_ book: Notebook, task: NoiseTask, norms: [String: [Double]]) throws {
    let times = (0..<task.length).map(Double.init)
    let dataTimes = task.positions.map(Double.init)
    var deltaFigure = Figure(name: "delta-trace", title: "Hand-set selection: Δ_t is large on data tokens, ≈ 0 on noise",
                             xLabel: "token t", yLabel: "step Δ_t (log scale)", series: [
                                .init("selective Δ_t = softplus(16 g_t − 16)", x: times, y: task.delta, style: "lines lw 2"),
                                .init("LTI Δ (constant, same mean)", x: times, y: task.constantDelta, style: "lines lw 2 dt 2"),
                                .init("data tokens", x: dataTimes, y: dataTimes.map { _ in 0.69 }, style: "points pt 7 ps 1.5"),
                             ])
    deltaFigure.logY = true
    deltaFigure.extraCommands = ["set xrange [0:255]"]
    try book.figure(deltaFigure)
    var normFigure = Figure(name: "state-norm", title: "‖h_t‖ on the same input: selective memory vs LTI memory",
                            xLabel: "token t", yLabel: "state norm ‖h_t‖", series: [
                                .init("selective", x: times, y: norms["selective"]!, style: "lines lw 2"),
                                .init("LTI (constant Δ)", x: times, y: norms["LTI"]!, style: "lines lw 2"),
                                .init("data tokens", x: dataTimes, y: dataTimes.map { norms["selective"]![Int($0)] }, style: "points pt 7 ps 1.5"),
                            ])
    normFigure.extraCommands = ["set xrange [0:255]"]
    try book.figure(normFigure)
}

func timeVaryingMatrix(_ book: Notebook, task: NoiseTask) throws {
    book.cell("8. The time-varying matrix M", """
        Each row of M is "the kernel as seen from time t": M_ts is how much y_t depends on x_s.
        On the input of cell 7 the difference between LTI and selective is visible. For the LTI
        system (constant Δ) every row is the same curve shifted: M_ts = K_{t−s}, a smooth decay
        in the lag. For the selective one, M_ts = Σ_n C_n·(∏_{k=s+1..t} e^{Δ_k A_n})·Δ_s B_n: a
        column s is ≈ 0 unless token s was written (Δ_s = 0.69), and between two data tokens a
        row does not decay at all (e^{ΔA} ≈ 1 on noise) — it drops in steps, one per data token.

        In the heatmap of log₁₀|M_ts| this is the structure you see: bright vertical stripes at
        the data columns s (each starts on the diagonal, where token s is written, and dims in
        steps at every later data token), and a dark floor everywhere else (noise columns, weight
        ≈ Δ_noise ≈ 10⁻⁷) made of horizontal bands: rows change only at a data token, which decays
        everything written before it. An LTI matrix would instead be constant along every
        diagonal t − s.
        """)
    let selective = try selectiveMatrix(try task.inputs(noiseSeed: book.options.seed &+ 1, delta: task.delta), channel: 0)  // (L, L)
    let lti = try selectiveMatrix(try task.inputs(noiseSeed: book.options.seed &+ 1, delta: task.constantDelta), channel: 0)  // (L, L)
    let t = task.length - 1
    var rows = Figure(name: "time-varying-kernels", title: "Row t = 255 of M on the input of cell 7: how much y_{255} depends on each x_s",
                      xLabel: "source token s", yLabel: "|M_{255,s}| (log scale)", series: [
                          .init("selective", x: (0...t).map(Double.init), y: (0...t).map { max(abs(selective[t, $0]), 1e-12) }),
                          .init("LTI (constant Δ, same mean)", x: (0...t).map(Double.init), y: (0...t).map { max(abs(lti[t, $0]), 1e-12) }),
                          .init("data tokens", x: task.positions.map(Double.init), y: task.positions.map { abs(selective[t, $0]) }, style: "points pt 7 ps 1.5"),
                      ])
    rows.logY = true
    rows.extraCommands = ["set key bottom right", "set xrange [0:255]"]
    try book.figure(rows)
    var heat = Figure(heatmap: "selective-matrix", title: "log_{10} |M_{ts}| of the selective system on the input of cell 7 (lower triangle)",
                      xLabel: "source token s", yLabel: "output token t", values: (0..<task.length * task.length).map { i in
                          let (row, s) = (i / task.length, i % task.length)
                          return s <= row ? log10(max(abs(selective[row, s]), 1e-12)) : .nan
                      }, rows: task.length, cols: task.length)
    heat.size = (width: 800, height: 700)
    try book.figure(heat)
}

/// The conv taps reversed (tap 0 on the current token): a wrong block, for `--inject`.
func reversingConvTaps(_ block: MambaBlock) throws -> MambaBlock {
    let w = block.convWeight                                           // (d_inner, 4)
    let reversed = try Matrix(rows: w.rows, cols: w.cols, elements: (0..<w.rows * w.cols).map { w[$0 / w.cols, w.cols - 1 - $0 % w.cols] })
    return try MambaBlock(inProjection: block.inProjection, convWeight: reversed, convBias: block.convBias,
                          selection: block.selection, outProjection: block.outProjection)
}

/// The block's forward pass assembled from independent parts, with the reference code's conventions:
/// conv1d(padding = 3)[:L] (tap 3 multiplies the current token) as a causal convolution with
/// kernel K_j = w[3 − j], SiLU, the plain recurrence (ΔB), the SiLU(z) gate.
func referenceBlockForward(_ block: MambaBlock, _ u: Matrix) throws -> Matrix {
    let (l, inner) = (u.rows, block.innerWidth)
    let xz = u * block.inProjection                                   // (L, 2·d_inner)
    var x = Matrix(zeros: l, inner), gate = Matrix(zeros: l, inner)   // (L, d_inner) each
    for d in 0..<inner {
        let kernel = (0..<l).map { $0 < 4 ? block.convWeight[d, 3 - $0] : 0 }           // (L): K_j = w[3 − j]
        let conv = try directCausalConvolution(kernel, (0..<l).map { xz[$0, d] })      // (L)
        for t in 0..<l { x[t, d] = silu(conv[t] + block.convBias[d]); gate[t, d] = silu(xz[t, inner + d]) }
    }
    var y = selectiveRecurrence(try block.selection.scanInputs(x), input: .euler)   // (L, d_inner)
    for i in y.elements.indices { y.elements[i] *= gate.elements[i] }
    return y * block.outProjection                                    // (L, d_model)
}

func mambaBlock(_ book: Notebook) throws {
    book.cell("9. A Mamba block: generation = forward pass", """
        The block (`MambaBlock`, Mamba Fig. 3): in_proj to (x, z); a causal depthwise convolution
        of width 4 and SiLU on x; the selective SSM; a SiLU(z) gate; out_proj. Its `step` carries
        only the last 3 convolution inputs and the SSM state h (d_inner × N) from token to token —
        constant memory, however long the sequence. Generating token by token must reproduce the
        full forward pass. That check cannot see a convention applied the same way in both paths,
        such as the order of the convolution taps; so the forward pass is also compared with the
        block rebuilt from independent parts in the reference code's conventions (PyTorch's
        conv1d with padding 3, cut to the first L outputs, so tap 3 multiplies the current token).
        """)
    let built = try MambaBlock(modelWidth: 16, stateSize: 16, rng: &book.rng)
    let block = book.injects("conv-taps-reversed", "the Mamba block's conv1d taps in reverse order") ? try reversingConvTaps(built) : built
    let u = try Matrix(rows: 256, cols: 16, elements: (0..<256 * 16).map { _ in book.rng.nextGaussian() })  // (L, d_model)
    let full = try block.forward(u)                                   // (L, d_model)
    var state = block.initialState
    var generated: [Double] = []
    for t in 0..<u.rows { generated += try block.step(u.row(t), state: &state) }
    book.check(.agreement("Mamba block (d_model = 16, N = 16, L = 256): step-by-step generation = forward pass",
                          generated, full.elements, tolerance: 1e-12,
                          reason: "the same arithmetic one row at a time; only exp's implementation differs (libmvec vs libm, ≤ 4 ulp)"))
    book.check(.agreement("Mamba block forward = conv1d(padding 3)[:L] + SiLU + plain recurrence + gate, assembled independently",
                          full.elements, try referenceBlockForward(built, u).elements, tolerance: 1e-12,
                          reason: "the same operations by other code paths; rounding only"))
    book.show("generation state: \(state.convBuffer.rows)×\(state.convBuffer.cols) conv buffer + \(state.ssm.rows)×\(state.ssm.cols) SSM state = \(state.convBuffer.elements.count + state.ssm.elements.count) numbers, for any L")
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        The selective scan is a recurrence (sequential), a scan (parallel, associative) and a
        matrix (semiseparable, time-varying) — and, measured on one channel with everything else
        equal, not a convolution. Its B̄ is the code's ΔB, not the paper's ZOH, and the difference
        matters exactly where selection acts (large Δ). Chapter 06 (Mamba-2) restricts A to a
        scalar per head, and the matrix becomes a masked attention: then most of the work can be
        done by matrix multiplication.
        """)
    book.exercises("""
        1. **Theorem 1 for any decay.** In cell 3 set A = −a with a = 2 (keep N = 1, B = 1, ZOH).
           Derive the gated recurrence it becomes — what are the gate g_t and the input weight? —
           and change `gated` to it. Criterion: the cell's check passes again at ≤ 1e-12.
        2. **How far apart are ZOH and ΔB, mode by mode?** Take one channel with one state mode,
           A = −16, B = C = 1, no skip, a constant step Δ and any input x (a `SelectiveScanInputs`
           of L = 256). Show that y with ZOH's B̄ is exactly φ(Δ|A|) times y with ΔB, where
           φ(u) = (1 − e^{−u})/u, so the relative gap is g(u) = 1 − φ(u). Measure the gap
           (`relativeDifference` of `selectiveRecurrence(…, input: .zeroOrderHold)` against
           `.euler`) at Δ = 0.01 and Δ = 0.1. Criterion: both measured gaps equal g(Δ|A|) to
           1e-12, and you explain with `b-bar-vs-step.png` why a step 10× larger makes the gap
           less than 10× larger (g(u) ≈ u/2 only while u ≪ 1; ZOH's B̄ saturates at B/|A|). Then
           scale every Δ of cell 2's layer by 10 and compare its gap with the one the chapter
           prints: why does that layer-level ratio change from seed to seed?
        3. **The memory of the expansion.** For Mamba-2.8B's layer (d_model = 2560, so
           D = d_inner = 5120, N = 16) at L = 2048 and batch 1, how many bytes do Ā and B̄x take in
           float32 if materialised, and how many numbers does the fused kernel write back (y)?
           Check your formula at L = 2048, D = 64, N = 16 against `selectiveScanUnfused`'s
           `materialisedBytes` (f64). Criterion: the two agree exactly.
        """)
}

book.run { book in
    introduction(book)
    try selection(book)
    try twoDiscretisations(book)
    try gating(book)
    try scanThreeWays(book)
    try hardwareAware(book)
    try notAConvolution(book)
    let task = try ignoringNoise(book)
    try timeVaryingMatrix(book, task: task)
    try mambaBlock(book)
    whatComesNext(book)
}
