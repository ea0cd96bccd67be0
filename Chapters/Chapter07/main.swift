import _Differentiation
import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter07", title: "Learning: gradients through a scan", abstract: """
    Backward passes derived by hand: the adjoint of a linear recurrence is the same recurrence \
    run in reverse time; Swift's own differentiation agrees; every layer of a Mamba model is \
    checked against central finite differences; the selective scan's backward with stored \
    states equals the one that recomputes them from checkpoints, at a fraction of the memory; \
    gradients that survive thousands of steps in an SSM and vanish in a tanh RNN; and a first \
    fit whose loss falls by orders of magnitude.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        Chapters 00–06 ran models forward: nothing was learned. Training needs ∂loss/∂θ for every
        parameter θ, and the book computes these by hand, layer by layer, so that each backward
        pass can be read next to its forward pass (`Sources/StateSpace/Learning`). Each layer's
        `forward` returns its output and a *tape* (what the backward pass will need); its
        `backward` takes ∂ℓ/∂output, adds ∂ℓ/∂θ into its parameters' gradients and returns
        ∂ℓ/∂input. Chaining the backward passes in reverse order is backpropagation.

        The most instructive fact of this chapter: the backward pass of a scan is itself a scan,
        run in reverse time with the same decays. And because it needs the forward states, a
        long selective scan must either store L·D·N numbers or recompute them — which is what
        Mamba's fused kernel does (Mamba §3.3.2, "recomputation").

        Glossary: ℓ the loss, g_t = ∂ℓ/∂y_t, λ_t = ∂ℓ/∂h_t (the adjoint), L length, D channels,
        N state size, B batch.
        """)
}

func oneChannelAdjoint(_ book: Notebook) throws -> ScalarRecurrence {
    book.cell("1. The adjoint of one channel: a scan in reverse time", """
        Take one channel of any diagonal SSM: h_t = a_t·h_{t−1} + b_t·x_t, y_t = c_t·h_t. The
        state h_t influences the loss through y_t and through h_{t+1} = a_{t+1}·h_t + …, so its
        total derivative λ_t = ∂ℓ/∂h_t obeys

            λ_t = a_{t+1}·λ_{t+1} + c_t·g_t,        λ_{L−1} = c_{L−1}·g_{L−1}

        — the forward recurrence again, run from t = L−1 down to 0, with input c_t·g_t and the
        decays shifted by one step. Every gradient is then local to its step:

            ∂ℓ/∂x_t = b_t·λ_t    ∂ℓ/∂b_t = x_t·λ_t    ∂ℓ/∂a_t = h_{t−1}·λ_t    ∂ℓ/∂c_t = g_t·h_t

        Below: a random channel (L = 64, a_t ∈ (0.5, 1)) and the loss ℓ = Σ_t w_t·y_t with
        random w (so g = w). The backward pass (`ScalarRecurrence.backward`) is compared with
        central finite differences of the forward pass, and its adjoint with the *forward*
        recurrence applied to the reversed, shifted sequence — the claim that it is a scan.
        """)
    let l = 64
    let a = (0..<l).map { _ in Double.random(in: 0.5..<1, using: &book.rng) }   // (L)
    let b = (0..<l).map { _ in book.rng.nextGaussian() }, c = (0..<l).map { _ in book.rng.nextGaussian() }
    let channel = try ScalarRecurrence(a: a, b: b, c: c, initial: book.rng.nextGaussian())
    let x = (0..<l).map { _ in book.rng.nextGaussian() }, w = (0..<l).map { _ in book.rng.nextGaussian() }   // (L), (L)
    let forward = try channel.forward(x)
    var gradient = try channel.backward(x, states: forward.states, outputGradient: w)
    if book.injects("adjoint-unshifted", "the adjoint with a_t in place of a_{t+1}: λ_t = a_t·λ_{t+1} + c_t·g_t") {
        gradient = try unshiftedAdjointGradient(channel, x, states: forward.states, w)
    }
    let loss = { (m: ScalarRecurrence, x: [Double]) throws -> Double in zip(try m.forward(x).y, w).reduce(0) { $0 + $1.0 * $1.1 } }
    var numericX: [Double] = [], numericA: [Double] = []
    for t in 0..<l {
        numericX.append(try centralDifference(at: x[t]) { v in var y = x; y[t] = v; return try loss(channel, y) })
        numericA.append(try centralDifference(at: a[t]) { v in var m = channel; m.a[t] = v; return try loss(m, x) })
    }
    book.check(.agreement("∂ℓ/∂x_t: reverse scan = central differences (L = 64)", gradient.x, numericX, tolerance: 1e-6,
                          reason: "the fourth-order quotient at h = 1e-3 carries ~1e-13 error (truncation h⁴, rounding ε/h)"))
    book.check(.agreement("∂ℓ/∂a_t: h_{t−1}·λ_t = central differences", gradient.a, numericA, tolerance: 1e-6,
                          reason: "as above: the quotient's own error is ~1e-13"))
    let reversed = try ScalarRecurrence(a: [0] + a.dropFirst().reversed(), b: [Double](repeating: 1, count: l),
                                        c: [Double](repeating: 1, count: l))
    let asScan = try reversed.forward(zip(c, w).map { $0 * $1 }.reversed()).y.reversed()   // (L): λ by the forward scan
    book.check(.agreement("adjoint λ_t = forward scan of reversed c_t·g_t with decays a_{t+1}", gradient.adjoint, Array(asScan),
                          tolerance: 1e-13, reason: "the same multiply-adds in the same order: equal up to rounding"))
    return channel
}

/// The adjoint computed with the decays *not* shifted (the `adjoint-unshifted` mistake).
func unshiftedAdjointGradient(_ m: ScalarRecurrence, _ x: [Double], states: [Double], _ g: [Double]) throws -> ScalarRecurrenceGradient {
    var wrong = m
    wrong.a = [m.a[0]] + m.a.dropLast()                                  // carries a_t·λ_{t+1} into λ_t, not a_{t+1}·λ_{t+1}
    return try wrong.backward(x, states: states, outputGradient: g)
}

func swiftDifferentiation(_ book: Notebook) throws {
    book.cell("2. Swift differentiates the same recurrence", """
        PyTorch records a tape while Python runs and JAX traces the function; Swift builds
        differentiation into its compiler, as a source transformation of ordinary code: mark a
        function `@differentiable(reverse)` and `gradient(at:of:)` returns its reverse-mode
        gradient, the compiler having generated the backward pass (`import _Differentiation`,
        still an underscored, experimental module in Swift 6). Below, a time-invariant channel h_t = a·h_{t−1} + x_t, y_t = h_t, with loss
        Σ_t w_t·y_t, written as a plain loop and differentiated by the compiler with respect to a
        and to every x_t; then the same gradients from cell 1's hand-derived reverse scan
        (∂ℓ/∂a = Σ_t h_{t−1}·λ_t, since the one a is used at every step).
        """)
    let l = 64
    let a = Double.random(in: 0.8..<0.99, using: &book.rng)
    let x = (0..<l).map { _ in book.rng.nextGaussian() }, w = (0..<l).map { _ in book.rng.nextGaussian() }   // (L), (L)
    let byCompiler = gradient(at: a, x) { a, x in weightedScanLoss(a, x, weights: w) }
    let channel = try ScalarRecurrence(a: [Double](repeating: a, count: l), b: [Double](repeating: 1, count: l),
                                       c: [Double](repeating: 1, count: l))
    let forward = try channel.forward(x)
    let byHand = try channel.backward(x, states: forward.states, outputGradient: w)
    book.check(.agreement("∂ℓ/∂x_t: compiler-generated backward = hand-derived reverse scan", byHand.x, byCompiler.1.base,
                          tolerance: 1e-12, reason: "two exact derivations of the same sums: they differ by rounding only"))
    book.check(.agreement("∂ℓ/∂a: compiler = Σ_t h_{t−1}·λ_t", [byHand.a.reduce(0, +)], [byCompiler.0], tolerance: 1e-12,
                          reason: "as above"))
    book.finding("At a = \(String(format: "%.3f", a)), ∂ℓ/∂a = \(String(format: "%.6f", byCompiler.0)) both ways.")
}

/// Σ_t w_t·h_t for h_t = a·h_{t−1} + x_t, h_{−1} = 0: a plain loop the compiler differentiates.
@differentiable(reverse, wrt: (a, x))
func weightedScanLoss(_ a: Double, _ x: [Double], weights: [Double]) -> Double {
    var h = 0.0, loss = 0.0
    for t in withoutDerivative(at: 0..<x.count) {
        h = a * h + x[t]
        loss = loss + weights[t] * h
    }
    return loss
}


func everyBackward(_ book: Notebook) throws {
    book.cell("3. Every backward pass against central differences", """
        Each layer of a Mamba language model (the embedding and the cross-entropy are checked
        inside the last row's whole model) has a hand-derived backward pass, with its
        derivation in its doc comment. Each is checked here the same way: draw a random input x
        and a random G, take ℓ = Σ G ⊙ layer(x) (so ∂ℓ/∂output = G), run the backward pass, and
        compare every parameter's gradient and ∂ℓ/∂x, on a random sample of their entries, with
        central differences of the forward pass, in Float64. The number compared is the
        norm-wise relative error max|analytic − numeric| / max|numeric| per array, worst array
        shown. Each layer is tried on three random shapes (batch B ≥ 2, so that sequence
        boundaries fall inside every check; some lengths beyond 64 and 256, where the S4D kernel
        and the scan switch to blocked loops).

        The numeric side is the fourth-order quotient (−f(θ+2h) + 8f(θ+h) − 8f(θ−h) + f(θ−2h))/12h
        with h = 10⁻³·max(1, |θ|): for a smooth loss of order 1, truncation ~h⁴ and rounding ~ε/h
        are both ~1e-13. Where the loss varies fast in a parameter the quotient is worse — S4D's
        log Δ enters through e^{Δλk} for every lag k, so its fifth derivative is large (that row
        uses h = 10⁻⁴) — and the table's measured errors, up to ~1e-8, show it: still 100×
        below the limit 1e-6, while a wrong derivation (a dropped term, a transposed matrix)
        gives errors of order 1. An array whose whole gradient is below a
        thousandth of the largest one compared with it (a deep layer's Δ projection, say) is
        judged relative to that thousandth (`GradientDiscrepancy`).
        """)
    let dropBias = book.injects("dt-bias-gradient-dropped", "S6's backward forgets the Δ bias: dt_proj.bias gets no gradient")
    var rows: [[String]] = []
    for (name, measure) in layerChecks(dropBias: dropBias) {
        var worst = GradientDiscrepancy.none
        var shapes: [String] = []
        for _ in 0..<3 {
            let (discrepancy, shape) = try measure(&book.rng)
            worst = worst.combined(with: discrepancy)
            shapes.append(shape)
        }
        rows.append([name, shapes.joined(separator: "; "), "\(worst.entries)", String(format: "%.1e", worst.relativeError), worst.worst])
        book.check(.bound("\(name): backward = central differences", worst.relativeError, .lessOrEqual, 1e-6,
                          reason: "the quotient's own error: ~1e-13 for a smooth loss, up to ~1e-8 measured where it varies fast; a wrong term is ~1"))
    }
    book.table(header: ["layer", "shapes tried", "entries", "worst rel err", "worst array"], rows: rows)
}

/// A layer's name and a function that draws a random shape, checks its backward and returns
/// the discrepancy and the shape. Uses the chapter's shared random numbers.
typealias LayerCheck = (String, (inout SplitMix64) throws -> (GradientDiscrepancy, String))

func layerChecks(dropBias: Bool) -> [LayerCheck] { positionwiseChecks() + sequenceChecks(dropBias: dropBias) }

/// A random size in `range`.
func size(_ rng: inout SplitMix64, _ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

/// The layers that act on each token alone.
func positionwiseChecks() -> [LayerCheck] {
    [
        ("Linear", { rng in
            let (i, o) = (size(&rng, 2...9), size(&rng, 2...9))
            let layer = try Linear("linear", inputWidth: i, outputWidth: o, rng: &rng)
            return (try compareLayerGradients(layer, rows: size(&rng, 2...12), width: i, rng: &rng,
                                              forward: { try $0.forward($1) }, backward: { try $0.backward($1, outputGradient: $2) }), "\(i)→\(o)")
        }),
        ("RMSNorm", { rng in
            let d = size(&rng, 2...12)
            let layer = try RMSNorm("norm", width: d)
            return (try compareLayerGradients(layer, rows: size(&rng, 2...12), width: d, rng: &rng,
                                              forward: { try $0.forward($1) }, backward: { try $0.backward($1, outputGradient: $2) }), "d = \(d)")
        }),
        ("SiLU, softplus", { rng in
            let (rows, d) = (size(&rng, 2...12), size(&rng, 2...9))
            let silu = try compareLayerGradients(NoParameters(), rows: rows, width: d, rng: &rng,
                                                 forward: { SiLU.forward($1) }, backward: { try SiLU.backward($1, outputGradient: $2) })
            let softplus = try compareLayerGradients(NoParameters(), rows: rows, width: d, rng: &rng,
                                                     forward: { Softplus.forward($1) }, backward: { try Softplus.backward($1, outputGradient: $2) })
            return (silu.combined(with: softplus), "\(rows)×\(d)")
        }),
    ]
}

/// The layers that mix along time, and the whole model.
func sequenceChecks(dropBias: Bool) -> [LayerCheck] {
    [
        ("causal conv1d (K = 4)", { rng in
            let (d, l) = (size(&rng, 2...8), size(&rng, 3...11))
            let layer = try CausalConv1d(width: d, rng: &rng)
            return (try compareLayerGradients(layer, rows: 2 * l, width: d, rng: &rng,
                                              forward: { try $0.forward($1, length: l) },
                                              backward: { try $0.backward($1, length: l, outputGradient: $2) }), "B = 2, L = \(l), d = \(d)")
        }),
        ("S6 core (selective scan)", { rng in
            // One draw in three is long (L > 256) and recomputes its states every 4 steps, so the
            // scan's chunked paths are differentiated too.
            let long = size(&rng, 0...2) == 0
            let (d, n, l) = (size(&rng, 2...8), size(&rng, 2...6), long ? size(&rng, 257...300) : size(&rng, 3...13))
            let core = try S6Core(width: d, stateSize: n, dtRank: size(&rng, 1...3), gradientMode: long ? .recomputed(checkpointEvery: 4) : .storedStates, rng: &rng)
            let checked = dropBias ? DroppedBiasGradient(core) : nil
            let discrepancy = try checked.map { try compareMixerGradients($0, batch: 2, length: l, rng: &rng) }
                ?? compareMixerGradients(core, batch: 2, length: l, rng: &rng)
            return (discrepancy, "B = 2, L = \(l), D = \(d), N = \(n)")
        }),
        ("S4D core (FFT convolution)", { rng in
            let (h, n, l) = (size(&rng, 1...4), 2 * size(&rng, 1...4), size(&rng, 3...200))   // beyond 64: the kernel's power blocks
            let core = try S4DCore(width: h, stateSize: n, rng: &rng)
            // log Δ enters as e^{Δλk} for lags k up to L: its fifth derivative grows like (Δ|λ|L)⁵,
            // so the quotient takes a smaller step here (truncation h⁴ falls 10⁴-fold, rounding ε/h grows 10-fold).
            return (try compareMixerGradients(core, batch: 2, length: l, step: 1e-4, rng: &rng), "B = 2, L = \(l), H = \(h), N = \(n)")
        }),
        ("Mamba block (S6 inside)", { rng in
            let (d, l) = (size(&rng, 2...6), size(&rng, 3...9))
            let block = try MambaMixer(modelWidth: d, core: try S6Core("ssm", width: 2 * d, stateSize: 4, dtRank: 1, rng: &rng), rng: &rng)
            return (try compareMixerGradients(block, batch: 2, length: l, rng: &rng), "B = 2, L = \(l), d_model = \(d)")
        }),
        ("causal attention (RoPE, 2 heads)", { rng in
            let (d, l) = (2 * size(&rng, 1...3) * 2, size(&rng, 3...9))
            let attention = try CausalAttention(width: d, heads: 2, rng: &rng)
            return (try compareMixerGradients(attention, batch: 2, length: l, rng: &rng), "B = 2, L = \(l), d = \(d)")
        }),
        ("language model + cross-entropy", { rng in try languageModelDiscrepancy(&rng) }),
    ]
}

/// A layer without parameters (an activation) for `compareLayerGradients`.
struct NoParameters: Trainable {
    mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {}
}

/// A 2-layer Mamba language model (V = 7, d_model = 4) with ℓ = cross-entropy on random targets.
func languageModelDiscrepancy(_ rng: inout SplitMix64) throws -> (GradientDiscrepancy, String) {
    let (v, d, l) = (7, 4, Int.random(in: 3...8, using: &rng))
    let mixers = try (0..<2).map { _ in try MambaMixer(modelWidth: d, core: try S6Core("ssm", width: 2 * d, stateSize: 4, dtRank: 1, rng: &rng), rng: &rng) }
    var model = try LanguageModel(vocabulary: v, width: d, mixers: mixers, rng: &rng)
    let tokens = (0..<2 * l).map { _ in Int.random(in: 0..<v, using: &rng) }, targets = tokens.map { ($0 + 3) % v }   // (B·L)
    model.zeroGradients()
    try model.accumulateGradients(tokens: tokens, targets: targets, length: l)
    let discrepancy = try compareParameterGradients(model, samples: 4, rng: &rng) { m in
        try CrossEntropy(logits: try m.forward(tokens, length: l).logits, targets: targets).loss
    }
    return (discrepancy, "B = 2, L = \(l), V = \(v), 2 layers")
}

/// The `dt-bias-gradient-dropped` mistake: an S6 core whose backward leaves dt_proj.bias untouched.
struct DroppedBiasGradient: SequenceMixer {
    var core: S6Core
    init(_ core: S6Core) { self.core = core }
    var width: Int { core.width }
    mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows { try core.forEachParameter(body) }
    func forward(_ x: Matrix, length: Int) throws -> (output: Matrix, tape: S6Core.Tape) { try core.forward(x, length: length) }
    mutating func backward(_ tape: S6Core.Tape, outputGradient: Matrix) throws -> Matrix {
        let kept = core.dtProj.bias!.gradient
        let dx = try core.backward(tape, outputGradient: outputGradient)
        core.dtProj.bias!.gradient = kept
        return dx
    }
    func initialState(batch: Int) -> S6Core.State { core.initialState(batch: batch) }
    func step(_ x: Matrix, state: inout S6Core.State) throws -> Matrix { try core.step(x, state: &state) }
}


func storedOrRecomputed(_ book: Notebook) throws {
    book.cell("4. Store the states, or recompute them", """
        The selective scan's backward needs h_{t−1} at every step (for ∂ℓ/∂Ā_t = λ_t ⊙ h_{t−1}).
        Keeping them all costs L·D·N numbers per sequence and layer — at Mamba's own sizes
        (L = 2048, D = 1536, N = 16) that is 403 MB in Float64, more than the layer's inputs and
        outputs together, which are O(L·D). Mamba's fused kernel does not keep them: it
        recomputes the states in the backward pass (Mamba §3.3.2).

        `ScanGradientMode.recomputed(checkpointEvery: T)` does the CPU version: the forward pass
        keeps only the state entering each chunk of T steps (⌈L/T⌉·D·N numbers); the backward
        pass re-runs each chunk from its checkpoint, last chunk first, into a T·N scratch, then
        runs the reverse scan through it. Same floating-point operations on the same values, so
        the gradients must be *identical*, not merely close. Below, one sequence at
        (L, D, N) = (2048, 256, 16) with Mamba's initialisation. Memory is the rise of the
        process's peak resident set during forward + backward (`PeakResidentMemory`), with the
        allocator told to keep freed memory (`RetainedMemory`) and one unmeasured run first, so
        the O(L·D) buffers both modes need (per-channel copies of the inputs, the gradients)
        are already resident and each mode's rise is what it needs *beyond* them.
        """)
    let (l, d, n, every) = (2048, 256, 16, 64)
    let selection = try SelectiveParameters(channels: d, stateSize: n, dtRank: 16, rng: &book.rng)
    let x = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in book.rng.nextGaussian() })    // (L, D)
    let inputs = try selection.scanInputs(x)
    let dy = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in book.rng.nextGaussian() })   // (L, D)
    func run(_ mode: ScanGradientMode) throws -> (gradients: SelectiveScanGradients, kept: Int) {
        let tape = try selectiveScanForward(inputs, mode: mode).tape
        return (try selectiveScanBackward(tape, outputGradient: dy), tape.keptBytes)
    }
    let storesBoth = book.injects("states-stored-twice", "the 'recomputing' run stores every state too (no checkpoints)")
    let checkpointed: ScanGradientMode = storesBoth ? .storedStates : .recomputed(checkpointEvery: every)
    RetainedMemory.retainFreedMemory()
    _ = try run(.recomputed(checkpointEvery: every))                             // the shared buffers become resident
    let recomputed = try PeakResidentMemory.growth { try run(checkpointed) }
    let stored = try PeakResidentMemory.growth { try run(.storedStates) }
    let (s, r) = (stored.result.gradients, recomputed.result.gradients)
    for (name, a, b) in [("x", s.x, r.x), ("Δ", s.delta, r.delta), ("A", s.a, r.a), ("B", s.b, r.b), ("C", s.c, r.c), ("h₀", s.initialState, r.initialState)] {
        book.check(.agreement("∂ℓ/∂\(name): stored states = recomputed from checkpoints (T = \(every))", a.elements, b.elements,
                              tolerance: 0, reason: "the same operations on the same values: bit-identical"))
    }
    book.check(.agreement("∂ℓ/∂D: stored = recomputed", s.skip, r.skip, tolerance: 0, reason: "as above"))
    try memoryTable(book, stored: stored.bytes, recomputed: recomputed.bytes, kept: (stored.result.kept, recomputed.result.kept),
                    statesBytes: Double(l * d * n * 8), every: every)
    try timeBothModes(book) { try run($0 ? .storedStates : .recomputed(checkpointEvery: every)) }
}

/// Cell 4's memory checks and table: each mode's peak resident rise beside the bytes its tape keeps.
func memoryTable(_ book: Notebook, stored: Int?, recomputed: Int?, kept: (Int, Int), statesBytes: Double, every: Int) throws {
    guard let stored, let recomputed else { return book.finding("This system cannot report a peak resident set: memory not measured.") }
    // A sweep (--seeds) runs every seed in one process, whose memory the first seed has already
    // grown (and, retained, kept): only a process's first run can measure a rise.
    guard book.options.seeds == nil else { return }
    book.check(.bound("stored mode's peak memory rise ≥ 0.9 × L·D·N doubles (\(Int(statesBytes / 1e6)) MB)", Double(stored), .greaterOrEqual,
                      0.9 * statesBytes, reason: "beyond the shared buffers it needs every state: each page of them is written"))
    book.check(.bound("recomputing mode's peak memory rise ≤ 0.05 × the states' size", Double(recomputed), .lessOrEqual, 0.05 * statesBytes,
                      reason: "beyond the shared buffers it needs its tape (⌈L/T⌉·D·N doubles = 1.1 MB, which the warm-up run already made resident) and a T·N scratch: measured 0"))
    book.table(header: ["mode", "tape keeps", "peak memory rise (measured)"], rows: [
        ["stored states", String(format: "%.1f MB", Double(kept.0) / 1e6), String(format: "%.1f MB", Double(stored) / 1e6)],
        ["recomputed, T = \(every)", String(format: "%.1f MB", Double(kept.1) / 1e6), String(format: "%.1f MB", Double(recomputed) / 1e6)]])
}

/// Cell 4's timing: forward + backward in each mode, alternating, 7 times; min, median and max.
func timeBothModes(_ book: Notebook, _ run: (Bool) throws -> Any) throws {
    guard !book.skipsTimings else { return }
    var times: [[Double]] = [[], []]                                            // stored, recomputed
    for _ in 0..<7 {
        for (k, stored) in [true, false].enumerated() {
            let start = Date()
            _ = try run(stored)
            times[k].append(Date().timeIntervalSince(start))
        }
    }
    let sorted = times.map { $0.sorted() }
    let describe = { (t: [Double]) in String(format: "median %.0f ms (min %.0f, max %.0f)", t[3] * 1e3, t[0] * 1e3, t[6] * 1e3) }
    book.finding("Forward + backward, 7 alternating runs of each: stored states \(describe(sorted[0])); recomputed \(describe(sorted[1])); " +
                 String(format: "ratio of medians %.2f. ", sorted[1][3] / sorted[0][3]) +
                 "Both modes recompute Ā's exponentials in the backward pass; recomputing adds the state updates of one more " +
                 "forward pass and saves writing and re-reading L·D·N states. Which is faster depends on the machine and its load.")
}

func gradientOverDistance(_ book: Notebook) throws {
    book.cell("5. Why SSMs train on long sequences: gradients across distance", """
        Training on long sequences needs ∂ℓ/∂x_s to reach inputs far back. Below, the size of
        ∂y_{L−1}/∂x_s (summed over output channels, norm over input channels) against the
        distance L−1−s, at L = 2048, for three untrained layers:

        - a **tanh RNN** (H = 64, W = 0.95·G/√H with G Gaussian: spectral radius ≈ 0.95): every
          step multiplies the gradient by diag(1 − h²)·Wᵀ, so it shrinks geometrically with
          distance — the vanishing gradient;
        - an **S4D layer** (H = 16, N = 16, S4D-Lin, Δ log-uniform in [1e-3, 1e-1]): ∂y_{L−1}/∂x_s
          is the kernel K_{L−1−s}, which decays at rate Δ·|Re λ| = Δ/2 per step: channels with a
          small Δ remember for thousands of steps;
        - an **S6 core** (D = 16, N = 16, Mamba's initialisation): the decay is e^{Δ_t·A}, with Δ_t
          now chosen by each token.

        The skip term D·x_t is set to 0 in both SSMs, so the curves show the state's memory only.
        For the LTI layer the gradient *is* the kernel, so its curve is checked against the
        impulse response of the same layer run as a recurrence (`step`, one token at a time:
        e^{ΔΛ} powers by repeated multiplication) — an independent computation of K.
        """)
    let l = 2048
    let rnn = try TanhRNN(hidden: 64, spectralRadius: 0.95, rng: &book.rng)
    let u = (0..<l).map { _ in book.rng.nextGaussian() }                      // (L)
    let rnnGradient = rnn.lastOutputGradient(u).map(abs).reversed()            // by distance 0 … L−1
    var s4d = try S4DCore("s4d", width: 16, stateSize: 16, rng: &book.rng)
    var s6 = try S6Core("s6", width: 16, stateSize: 16, dtRank: 1, rng: &book.rng)
    s4d.skip.value.elements = [Double](repeating: 0, count: 16)
    s6.skip.value.elements = [Double](repeating: 0, count: 16)
    let s4dRows = try lastOutputGradient(s4d, length: l, rng: &book.rng)       // (L, H)
    let s6Rows = try lastOutputGradient(s6, length: l, rng: &book.rng)         // (L, D)
    let impulse = try impulseResponse(s4d, length: l)                          // (L, H): row k = K_k
    let fromImpulse = (0..<l * 16).map { i in impulse[l - 1 - i / 16, i % 16] }
    book.check(.agreement("S4D: backward's ∂y_{L−1}/∂x_s = impulse response K_{L−1−s} of the recurrence", s4dRows.elements, fromImpulse,
                          tolerance: 1e-9, reason: "FFT correlation vs 2048 recurrent steps: each accumulates rounding ~1e-13 relative to the largest entry"))
    let norms = { (m: Matrix) in (0..<l).map { s in (0..<m.cols).map { m[l - 1 - s, $0] * m[l - 1 - s, $0] }.reduce(0, +).squareRoot() } }
    let curves = [("tanh RNN (H = 64, ρ ≈ 0.95)", Array(rnnGradient)), ("S4D layer (H = 16, N = 16)", norms(s4dRows)),
                  ("S6 core (D = 16, N = 16)", norms(s6Rows))]
    for (name, curve) in curves {
        book.finding(String(format: "%@: ‖∂y_{L−1}/∂x_s‖ is %.1e at distance 1, %.1e at 100 and %.1e at 1000.",
                            name, curve[1], curve[100], curve[1000]))
    }
    var figure = Figure(name: "gradient-vs-distance", title: "How far back the gradient reaches (untrained layers, L = 2048; D = 0)",
                        xLabel: "distance L−1−s (steps)", yLabel: "‖∂y_{L−1}/∂x_s‖ (log scale)",
                        series: curves.map { name, curve in
                            let kept = curve.indices.filter { curve[$0] > 1e-300 }
                            return Figure.Series(name, x: kept.map(Double.init), y: kept.map { curve[$0] })
                        })
    figure.logY = true
    figure.extraCommands = ["set xrange [0:\(l - 1)]", "set yrange [1e-24:100]"]
    try book.figure(figure)
}

/// The response of every channel of `layer` to a unit impulse at t = 0, by the recurrent `step`
/// (one token at a time): row k is K_k (+ D at k = 0). (L, H).
func impulseResponse(_ layer: S4DCore, length: Int) throws -> Matrix {
    var state = layer.initialState(batch: 1)
    var out = Matrix(zeros: length, layer.width)                               // (L, H)
    for t in 0..<length {
        let x = try Matrix(rows: 1, cols: layer.width, elements: [Double](repeating: t == 0 ? 1 : 0, count: layer.width))
        let y = try layer.step(x, state: &state)
        for h in 0..<layer.width { out[t, h] = y.elements[h] }
    }
    return out
}

/// ∂(Σ_channels y_{L−1})/∂x for one random sequence of `length` (L, width): row s is how much
/// the last output depends on x_s.
func lastOutputGradient<M: SequenceMixer>(_ mixer: M, length: Int, rng: inout SplitMix64) throws -> Matrix {
    var copy = mixer
    let x = try Matrix(rows: length, cols: mixer.width, elements: (0..<length * mixer.width).map { _ in rng.nextGaussian() })
    var g = Matrix(zeros: length, mixer.width)                                 // (L, width): ones on the last row
    for c in 0..<mixer.width { g[length - 1, c] = 1 }
    let tape = try copy.forward(x, length: length).tape
    return try copy.backward(tape, outputGradient: g)
}

func firstFit(_ book: Notebook) throws {
    book.cell("6. A first fit: an S4D layer learns a mass–spring system", """
        Now the gradients do their job. The target is Chapter 00's mass–spring–damper (m = 1,
        k = (2π·0.05)², c = 0.05 in steps of Δ = 1, discretised by ZOH): an input force u_t drives
        a ringing, slowly damped position y_t. An S4D layer with one channel and N = 16 (8
        complex modes, S4D-Lin initialisation) sees only input–output pairs — fresh white-noise
        forces of L = 512 steps, 4 per batch — and is trained to minimise the mean squared error
        normalised by the target's mean square, with AdamW at η = 0.05 for every parameter and no
        weight decay (a system to identify has nothing to regularise), warm-up, then cosine decay
        over 400 steps. Nothing tells it the system has two states, a frequency or a
        damping: it finds them in the kernel's shape.
        """)
    let target = try MassSpringDamper(mass: 1, stiffness: pow(2 * Double.pi * 0.05, 2), damping: 0.05)
        .stateSpace.discretized(step: 1, method: .zoh)
    var layer = try S4DCore("s4d", width: 1, stateSize: 16, rng: &book.rng)
    var untrained = try layer.kernels(length: 200)                              // (200): before training
    untrained[0] += layer.skip.value.elements[0]
    let (l, batch, steps) = (512, 4, 400)
    let frozen = book.injects("ssm-frozen", "the fit's SSM group (Λ, B, log Δ) never moves: its learning rate is 1e-12")
    var optimizer = AdamW(try .init(learningRate: 0.05, ssmLearningRate: frozen ? 1e-12 : 0.05, weightDecay: 0))
    let schedule = try LearningRateSchedule(warmupSteps: 20, totalSteps: steps, floor: 0.05)
    var losses: [Double] = []                                                  // (steps)
    for step in 0..<steps {
        let u = (0..<batch * l).map { _ in book.rng.nextGaussian() }           // (B·L)
        var y: [Double] = []                                                   // (B·L)
        for s in 0..<batch { y += try target.convolve(Array(u[s * l..<(s + 1) * l])) }
        let (output, tape) = try layer.forward(try Matrix(rows: batch * l, cols: 1, elements: u), length: l)
        let power = y.map { $0 * $0 }.reduce(0, +)
        losses.append(zip(output.elements, y).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / power)
        let dy = try Matrix(rows: batch * l, cols: 1, elements: zip(output.elements, y).map { 2 * ($0 - $1) / power })
        layer.zeroGradients()
        _ = try layer.backward(tape, outputGradient: dy)
        try optimizer.step(&layer, learningRateFactor: schedule.factor(at: step))
    }
    let (first, last) = (losses[0], TrainingHistory.tail(losses, 20))
    book.check(.bound("normalised loss falls to ≤ 2e-4 of its start (mean of the last 20 steps ÷ first step)", last / first, .lessOrEqual, 2e-4,
                      reason: "a layer that learns nothing stays near 1; over seeds 0–29 the ratio was 3e-6 to 6.3e-5, and a wrong Λ gradient beyond lag 64 gave 4e-4"))
    book.finding(String(format: "Loss %.2e at step 1, %.2e over the last 20 of %d steps.", first, last, steps))
    var learned = try layer.kernels(length: 200)                               // (200): K_k, and at k = 0 the skip D as well
    learned[0] += layer.skip.value.elements[0]
    let truth = try target.kernel(length: 200)                                 // (200)
    book.check(.agreement("the learned kernel (K_0 + D, K_1, …) = the system's impulse response (k < 200)", learned, truth, tolerance: 0.05,
                          reason: "the fit only sees input–output pairs; a loss of ~1e-5 leaves kernel errors of a few 1e-3, a layer that learned nothing is off by ~1"))
    try book.figure(Figure(name: "fit-kernel", title: "The kernel the S4D layer learned against the mass–spring system's impulse response",
                           xLabel: "lag k (steps)", yLabel: "K_k (position per unit force)",
                           series: [.init("before training", x: untrained.indices.map(Double.init), y: untrained, style: "lines lw 1 lc rgb '#999999'"),
                                    .init("system (ZOH, Δ = 1)", x: truth.indices.map(Double.init), y: truth, style: "lines lw 4"),
                                    .init("learned S4D kernel", x: learned.indices.map(Double.init), y: learned, style: "lines lw 2 dt 2"),
                                    .init("learned − system (error)", x: learned.indices.map(Double.init), y: zip(learned, truth).map { $0 - $1 },
                                          style: "lines lw 2")]))
    var figure = Figure(name: "fit-loss", title: "Fitting an S4D layer to a mass–spring system: training loss",
                        xLabel: "optimiser step", yLabel: "normalised mean squared error (log scale)",
                        series: [.init("S4D, N = 16", x: losses.indices.map { Double($0 + 1) }, y: losses)])
    figure.logY = true
    try book.figure(figure)
}

func whatComesNext(_ book: Notebook) {
    book.cell("7. What comes next", """
        Every layer of a Mamba model now has a backward pass checked against finite differences,
        the selective scan's among them: a reverse-time scan with the same decays, which can keep
        its states or recompute them. Chapter 08 uses these gradients to train small S4D, S6 and
        Mamba models on the Mamba paper's synthetic tasks — selective copying and induction heads —
        and asks whether the paper's central claim, that only a selective layer learns them,
        survives at CPU size.
        """)
    book.exercises("""
        1. In cell 4, set the checkpoint interval T to 1, 16, 256 and 2048. Predict, then measure,
           the states kept and the peak memory; at which T does the recomputing mode stop saving
           memory, and why does its run time hardly depend on T?
        2. In cell 5, raise the tanh RNN's spectral radius to 1.0 and 1.5. What happens to the
           gradient curve, and why can it keep growing although every |h| < 1? Then set the S4D
           layer's steps to [0.1, 1] (write log Δ into `s4d.logStep.value.elements` in cell 5):
           how far back does its gradient reach now?
        3. Cell 1 checks ∂ℓ/∂x and ∂ℓ/∂a. Add checks of ∂ℓ/∂b_t, ∂ℓ/∂c_t and ∂ℓ/∂h₀ against central
           differences, then break one formula of `ScalarRecurrence.backward` on purpose and
           confirm that exactly the matching check fails.
        """)
}

book.run { book in
    introduction(book)
    _ = try oneChannelAdjoint(book)
    try swiftDifferentiation(book)
    try everyBackward(book)
    try storedOrRecomputed(book)
    try gradientOverDistance(book)
    try firstFit(book)
    whatComesNext(book)
}
