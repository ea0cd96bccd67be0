import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter06", title: "Mamba-2: state space duality", abstract: """
    Mamba-2's state space duality: with a scalar A per head the SSM is masked linear attention, \
    y = (L ∘ CBᵀ)X with a 1-semiseparable decay mask; the chapter checks recurrent = quadratic = \
    chunked SSD, recovers causal linear attention at a ≡ 1, shows why segsum must be computed \
    stably, and measures where GEMM wins.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        Mamba-2 (Dao & Gu, 2024) restricts Mamba's A to a scalar per head: Ā_t = a_t·I. That one
        restriction makes the SSM's matrix (Chapter 05's M) a *1-semiseparable mask times CBᵀ*:

            y = (L ∘ C Bᵀ) X,   L_ts = a_t ⋯ a_{s+1} (t ≥ s),

        which is masked linear attention. So the same operator is a recurrence (linear time,
        matrix-vector work) and an attention (quadratic time, matrix-matrix work) — the *duality*.
        The chunked SSD algorithm uses attention inside short chunks and the recurrence between
        them, so almost all the work is GEMM: fast on a GPU's tensor cores, and on a CPU's BLAS
        too (section 5 measures it on this machine).

        Glossary: T length, H heads, P head dimension, N state size, Q chunk size, G groups (B and C
        shared by the heads of a group; G = 1 here unless said), a_t = exp(Δ_t A) ∈ (0, 1].
        """)
}

func maskAndMatrix(_ book: Notebook) throws {
    book.cell("1. The 1-semiseparable mask L and the matrix M = L ∘ CBᵀ", """
        L is lower triangular with L_ts = a_t⋯a_{s+1}: how much of step s survives at step t. It
        is computed as exp(segsum(log a)), where segsum[t, s] = log a_{s+1} + … + log a_t. With a
        scalar a_t per head, the SSM's matrix is M = L ∘ CBᵀ: every entry of the attention matrix
        is a query–key product damped by the decay between the two positions — masked linear
        attention with a decaying mask. Below, one head of a random layer (a_t = e^{−Δ_t}, Δ_t
        uniform in [0.001, 0.1]).
        """)
    let small = try SSDInputs.random(length: 128, heads: 1, headDim: 4, stateSize: 8, rng: &book.rng)
    let mask = try ssdMask(small, head: 0)                                  // (128, 128)
    var scores = Matrix(zeros: 128, 128)
    gemm(1, small.c, small.b, transposeB: true, 0, &scores)            // (128, 128): C Bᵀ
    var maskFigure = Figure(heatmap: "mask-l", title: "The decay mask L_{ts} = a_t⋯a_{s+1} (one head, T = 128)",
                            xLabel: "s", yLabel: "t", values: mask.elements.enumerated().map { $0.offset % 128 <= $0.offset / 128 ? $0.element : .nan },
                            rows: 128, cols: 128)
    maskFigure.size = (width: 800, height: 700)
    try book.figure(maskFigure)
    var mFigure = Figure(heatmap: "matrix-m", title: "log10 |M_{ts}| = log10 |L_{ts} (CBᵀ)_{ts}|",
                         xLabel: "s", yLabel: "t", values: (0..<128 * 128).map { i in
                             i % 128 <= i / 128 ? log10(max(abs(mask.elements[i] * scores.elements[i]), 1e-12)) : .nan
                         }, rows: 128, cols: 128)
    mFigure.size = (width: 800, height: 700)
    try book.figure(mFigure)
}

func threeForms(_ book: Notebook) throws {
    book.cell("2. Recurrent = quadratic = chunked", """
        - **recurrent** (`ssdRecurrent`): a (P, N) state per head, h_t = a_t h_{t−1} + x_t B_tᵀ,
          y_t = h_t C_t. 5·T·H·P·N flops, all matrix-vector.
        - **quadratic** (`ssdQuadratic`): Y = (L ∘ CBᵀ)X per head with the materialised T×T mask;
          C Bᵀ and M X are GEMMs.
        - **chunked** (`ssdChunked`): chunks of Q; (1) quadratic blocks on the diagonal, (2) each
          chunk's final state, (3) a short scan passing states between chunks, (4) each chunk's
          incoming state read out — steps 1, 2, 4 are GEMMs.

        The three forms must agree at every shape, including a length that is not a multiple of
        Q and per-head B and C (G = H); and any chunk size must give what Q = T gives. The
        quadratic form holds H masks of T×T numbers (128 MB each at T = 4096), so it is compared
        up to T = 1000; at T = 4096 chunked is compared with recurrent, and the quadratic form
        is only timed (section 5).
        """)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let shapes = [(256, 4, 16, 16, 1, 32), (1000, 4, 16, 16, 4, 64), (4096, 8, 64, 64, 1, 64)]
    var formsProgress = Progress("three forms at three shapes", total: shapes.count, quiet: book.skipsTimings)
    for (t, h, p, n, g, q) in shapes {
        defer { formsProgress.advance() }
        let inputs = try SSDInputs.random(length: t, heads: h, headDim: p, stateSize: n, groups: g, rng: &book.rng)
        let recurrent = ssdRecurrent(inputs, threads: cores)                        // (T, H·P)
        let chunked = try ssdChunked(inputs, chunk: q, threads: cores)             // (T, H·P)
        let label = "T = \(t), H = \(h), P = \(p), N = \(n), G = \(g), Q = \(q)"
        if t <= 1000 {
            book.check(.agreement("\(label): quadratic = recurrent", ssdQuadratic(inputs).elements, recurrent.elements, tolerance: 1e-10,
                                  reason: t == 256 ? "exact rewritings of one operator: rounding of sums over ≤ T terms" : nil))
        }
        book.check(.agreement("\(label): chunked = recurrent", chunked.elements, recurrent.elements, tolerance: 1e-10))
        if t <= 1000 {
            let otherChunk = try ssdChunked(inputs, chunk: 7, threads: cores)
            book.check(.agreement("\(label): chunked with Q = 7 = chunked with Q = T", otherChunk.elements,
                                  try ssdChunked(inputs, chunk: t).elements, tolerance: 1e-10))
        }
    }
}

func linearAttention(_ book: Notebook) throws {
    book.cell("3. a ≡ 1: causal linear attention", """
        With no decay, L is the causal mask of ones and y_t = Σ_{s≤t} (C_t·B_s) x_s: causal linear
        attention (queries C, keys B, values X), here written directly as a double loop
        (`causalLinearAttention`) and compared with the chunked SSD.
        """)
    let base = try SSDInputs.random(length: 300, heads: 1, headDim: 8, stateSize: 16, rng: &book.rng)
    let noDecay = try SSDInputs(x: base.x, a: Matrix(rows: 300, cols: 1, elements: [Double](repeating: 1, count: 300)),
                                b: base.b, c: base.c, heads: 1)
    book.check(.agreement("a ≡ 1: chunked SSD (Q = 32) = causal linear attention written directly",
                          try ssdChunked(noDecay, chunk: 32).elements, try causalLinearAttention(q: base.c, k: base.b, v: base.x).elements,
                          tolerance: 1e-10))
}

func stableSegsum(_ book: Notebook) throws {
    book.cell("4. Stable vs naive segsum", """
        The naive segsum takes differences of cumulative sums, S_t − S_s. Exact on paper; in
        floating point the subtraction loses about ε·|S_t| however short the range — and |S_t| grows
        with t. The stable version sums each range directly (all terms ≤ 0: no cancellation). The
        table measures the relative error of the mask entries L_ts = exp(segsum) against an
        extended-precision (Float80) reference, over ranges of up to 64 steps sampled along the
        sequence, in Double and in Float.
        """)
    var segsumRows: [[String]] = []
    var errors: [String: [Double]] = [:]
    for t in [256, 1024, 4096] {
        let logA = (0..<t).map { _ in -Double.random(in: 0.001...0.1, using: &book.rng) }
        let reference = try segsum(logA.map { Float80($0) })               // (T, T)
        func worst<F: BinaryFloatingPoint>(_ values: [F]) -> Double {
            var w: Float80 = 0
            for row in stride(from: 1, to: t, by: 5) {
                for s in stride(from: max(0, row - 64), to: row, by: 3) {
                    w = max(w, abs(Float80(values[row * t + s]) - reference[row * t + s]))   // |Δ exponent| = relative error of L
                }
            }
            return Double(w)
        }
        let e = try [worst(segsum(logA)), worst(segsumNaive(logA)),
                     worst(segsum(logA.map { Float($0) })), worst(segsumNaive(logA.map { Float($0) }))]
        for (name, value) in zip(["f64 stable", "f64 naive", "f32 stable", "f32 naive"], e) { errors[name, default: []].append(value) }
        segsumRows.append(["\(t)"] + e.map { String(format: "%.2e", $0) })
    }
    book.table(header: ["T", "f64 stable", "f64 naive", "f32 stable", "f32 naive"], rows: segsumRows)
    book.check(.bound("f32 naive segsum: error grows with T (T = 4096 vs 256)", errors["f32 naive"]![2] / errors["f32 naive"]![0], .greaterOrEqual, 4,
                      reason: "the cancellation error is ≈ ε·|S_t| and |S_t| grows linearly in t"))
    book.check(.bound("f32 stable segsum at T = 4096: error at rounding level (≤ 64 roundings)", errors["f32 stable"]![2], .lessOrEqual, 64 * 6e-8))
    book.check(.bound("f32 at T = 4096: naive error ≥ 10× the stable one", errors["f32 naive"]![2] / errors["f32 stable"]![2], .greaterOrEqual, 10))
    book.check(.bound("f64 stable segsum at T = 4096: error ≤ 64 roundings", errors["f64 stable"]![2], .lessOrEqual, 64 * 1.2e-16))
}

/// The layer shape every timing uses: the largest shape of cell 2.
let timedShape = (t: 4096, h: 8, p: 64, n: 64, q: 64)

func flopsAndTime(_ book: Notebook) throws {
    book.cell("5. FLOPs and time: where GEMM wins", """
        The FLOP model (`SSDFlops`, multiply-add = 2) next to measured times at T = 4096, H = 8,
        P = 64, N = 64, Q = 64 (single runs, informative; `swift run -c release Bench --filter ssd`
        has medians). The quadratic form does ~T/(2Q)× the chunked form's work and the recurrence
        the least; what the time is, the table says. The recurrence's flops are matrix-vector, one
        step after another; the chunked form's are GEMMs.
        """)
    guard !book.skipsTimings else { return }  // timing only: a --seeds sweep skips it (timings are not checks)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let (t, h, p, n, q) = timedShape
    let names = ["recurrent", "quadratic", "chunked (Q = 64)"]
    let flops = try [SSDFlops.recurrent(t: t, h: h, p: p, n: n), SSDFlops.quadratic(t: t, h: h, p: p, n: n),
                     SSDFlops.chunked(t: t, h: h, p: p, n: n, q: q)]
    let big = try SSDInputs.random(length: t, heads: h, headDim: p, stateSize: n, rng: &book.rng)
    let measured = try [                                               // seconds, one run each
        Timing.seconds { _ = ssdRecurrent(big, threads: cores) },
        Timing.seconds { _ = ssdQuadratic(big) },
        Timing.seconds { _ = try ssdChunked(big, chunk: q, threads: cores) },
    ]
    book.table(header: ["form (T = 4096, H = 8, P = 64, N = 64)", "GFLOP (model)", "time", "GFLOP/s"],
               rows: names.indices.map { i in
                   [names[i], String(format: "%.2f", flops[i] / 1e9), Timing.format(measured[i]), String(format: "%.1f", flops[i] / measured[i] / 1e9)]
               })
    let byTime = names.indices.sorted { measured[$0] < measured[$1] }
    book.finding("Fastest to slowest here: " + byTime.map { "\(names[$0]) (\(Timing.format(measured[$0])))" }.joined(separator: ", ")
                 + String(format: ". The chunked form does %.2f× the recurrence's flops, at %.1f GFLOP/s against the recurrence's %.1f.",
                          flops[2] / flops[0], flops[2] / measured[2] / 1e9, flops[0] / measured[0] / 1e9))
    let profile = SSDProfile()
    _ = try ssdChunked(try SSDInputs.random(length: t, heads: h, headDim: p, stateSize: n, rng: &book.rng),
                       chunk: q, threads: cores, profile: profile)
    book.show(String(format: "inside the chunked form: %.0f%% of the workers' time is in GEMM calls, at %.1f GFLOP/s per core",
                     100 * profile.gemmShare, profile.gemmRatePerCore / 1e9))
}

func timeVersusLength(_ book: Notebook) throws {
    book.cell("6. Time against T and against Q", """
        The three forms from T = 32 to 4096 (H = 8, P = 64, N = 64; the quadratic form up to
        T = 1024), then the chunked form at T = 4096 for chunk sizes Q from 8 to 512. At T ≤ Q the
        chunked form *is* the quadratic form (one chunk).
        """)
    guard !book.skipsTimings else { return }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    var inputs: [Int: SSDInputs] = [:]
    for power in 5...12 {
        inputs[1 << power] = try SSDInputs.random(length: 1 << power, heads: 8, headDim: 64, stateSize: 64, rng: &book.rng)
    }
    let sweep = try book.timingSweep(name: "time-vs-t", title: "SSD, H = 8, P = 64, N = 64: time vs T for the three forms",
                                     parameter: "T (steps)", sizes: (5...12).map { 1 << $0 }, methods: [
                                         TimedMethod("recurrent", repetitions: 1) { t in _ = ssdRecurrent(inputs[t]!, threads: cores) },
                                         TimedMethod("quadratic", upTo: 1024, repetitions: 1) { t in _ = ssdQuadratic(inputs[t]!) },
                                         TimedMethod("chunked (Q = 64)", repetitions: 1) { t in _ = try ssdChunked(inputs[t]!, chunk: 64, threads: cores) },
                                     ])
    if let sweep {
        let beyond = sweep.sizes.indices.filter { sweep.sizes[$0] > 64 }
        let crossover = beyond.first { i in beyond.allSatisfy { $0 < i || sweep["chunked (Q = 64)"][$0] < sweep["recurrent"][$0] } }
        book.finding(crossover.map { "Beyond T = Q = 64, the chunked form is faster than the recurrence at every T from \(sweep.sizes[$0]) on." }
                     ?? "Beyond T = Q = 64, the chunked form is not faster than the recurrence at every longer T here.")
    }
    let chunkSizes = [8, 16, 32, 64, 128, 256, 512]
    let fixed = try SSDInputs.random(length: 4096, heads: 8, headDim: 64, stateSize: 64, rng: &book.rng)
    let chunkTimes = try chunkSizes.map { q in try Timing.seconds { _ = try ssdChunked(fixed, chunk: q, threads: cores) } }
    var chunkFigure = Figure(name: "time-vs-q", title: "Chunked SSD at T = 4096 (H = 8, P = 64, N = 64): time vs chunk size Q",
                             xLabel: "Q", yLabel: "seconds", series: [
                                 .init("measured", x: chunkSizes.map(Double.init), y: chunkTimes, style: "linespoints lw 2 pt 7"),
                             ])
    chunkFigure.logX = true
    try book.figure(chunkFigure)
    book.show("time vs Q: " + zip(chunkSizes, chunkTimes).map { "Q = \($0): \(Timing.format($1))" }.joined(separator: ", "))
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        Recurrent, quadratic and chunked: one operator, to rounding. The recurrence does the fewest
        flops, the attention form the most, the chunked form a little more than the recurrence but
        as GEMMs; the timing cells show what that buys on this machine. That is the whole argument
        of Mamba-2, measured on a CPU. Planned next: Chapter 07 (the family — linear attention,
        RetNet, mLSTM, RWKV as structured recurrences) and Chapter 08 (cost: state vs KV cache).
        """)
    book.exercises("""
        1. Set Q = 1 and Q = T in `ssdChunked` and time both against the recurrent and quadratic
           forms. Which form is each, and where do the timings land?
        2. Make B and C per head (G = H). Which of the chunked algorithm's GEMMs can no longer be
           shared across heads, and how much slower is it?
        3. Redo section 4 with Δ drawn in [0.1, 1] (faster decay). How do the naive segsum's errors
           change, and what does that mean for the mask entries that matter?
        """)
}

book.run { book in
    introduction(book)
    try maskAndMatrix(book)
    try threeForms(book)
    try linearAttention(book)
    try stableSegsum(book)
    try flopsAndTime(book)
    try timeVersusLength(book)
    whatComesNext(book)
}
