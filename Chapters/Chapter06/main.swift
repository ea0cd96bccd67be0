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
        too (cells 8 and 9 measure it on this machine).

        Glossary: T length, H heads, P head dimension, N state size, Q chunk size, G groups (B and C
        shared by the heads of a group; G = 1 here unless said), a_t = exp(Δ_t A) ∈ (0, 1].
        """)
}

func maskAndMatrix(_ book: Notebook) throws -> SSDInputs {
    book.cell("1. The 1-semiseparable mask L and the matrix M = L ∘ CBᵀ", """
        L is lower triangular with L_ts = a_t⋯a_{s+1}: how much of step s survives at step t. It
        is computed as exp(segsum(log a)), where segsum[t, s] = log a_{s+1} + … + log a_t. With a
        scalar a_t per head, the SSM's matrix is M = L ∘ CBᵀ: every entry of the attention matrix
        is a query–key product damped by the decay between the two positions — masked linear
        attention with a decaying mask. Below, the mask of one head of a random layer
        (a_t = e^{−Δ_t}, Δ_t uniform in [0.001, 0.1]): it fades away from the diagonal, fast
        where the Δ_t between s and t are large.
        """)
    let small = try SSDInputs.random(length: 128, heads: 1, headDim: 4, stateSize: 8, rng: &book.rng)
    let mask = try ssdMask(small, head: 0)                                  // (128, 128)
    var maskFigure = Figure(heatmap: "mask-l", title: "The decay mask L_{ts} = a_t⋯a_{s+1} (one head, T = 128; blank: t < s)",
                            xLabel: "s (step read)", yLabel: "t (step written)",
                            values: mask.elements.enumerated().map { $0.offset % 128 <= $0.offset / 128 ? $0.element : .nan },
                            rows: 128, cols: 128)
    maskFigure.size = (width: 800, height: 700)
    try book.figure(maskFigure)
    return small
}

/// M = L ∘ CBᵀ of head 0, (T, T), its scores optionally replaced (the `softmax-scores` ingredient).
func attentionMatrix(_ inputs: SSDInputs, softmax: Bool) throws -> Matrix {
    let t = inputs.length
    var scores = Matrix(zeros: t, t)
    gemm(1, inputs.c, inputs.b, transposeB: true, 0, &scores)          // (T, T): C Bᵀ
    if softmax { scores.elements = scores.elements.map { exp($0) } }    // exp(CBᵀ): softmax attention's unnormalised scores
    let mask = try ssdMask(inputs, head: 0)                             // (T, T)
    return try Matrix(rows: t, cols: t, elements: zip(mask.elements, scores.elements).map { $0 * $1 })
}

/// The chunked code's deliberate mistake chosen by `--inject` (nil: the algorithm), used by cells 2–4.
func chunkedMistake(_ book: Notebook) -> SSDChunkedMistake? {
    let offByOne = book.injects("segsum-off-by-one", "the chunked form's segsum shifted one step: L_c[i, j] = a_{i−1}⋯a_j for a_i⋯a_{j+1}")
    let skipped = book.injects("state-pass-skipped", "the chunked form's step 3 skipped: no state passes between chunks")
    return offByOne ? .segsumOffByOne : skipped ? .statePassingSkipped : nil
}

func whyChunkingWorks(_ book: Notebook, _ small: SSDInputs) throws {
    book.cell("2. Why chunking works: the off-diagonal blocks have rank ≤ N", """
        Cut M into blocks of Q × Q. For a row t in chunk i and a column s in an earlier chunk
        j < i, the decay splits at the chunk boundaries (c_i the first step of chunk i, e_j the
        last of chunk j):

            M_ts = (a_t⋯a_{c_i}) C_t · (a_{c_i−1}⋯a_{e_j+1}) · B_sᵀ (a_{e_j}⋯a_{s+1})

        so the whole block is U_i·γ_ij·V_jᵀ: U_i (Q × N) has rows (a_t⋯a_{c_i}) C_t, V_j (Q × N)
        has rows (a_{e_j}⋯a_{s+1}) B_s, and γ_ij is the scalar decay between the chunks —
        **rank ≤ N**. Read right to left it is the chunked algorithm: V_jᵀX_j is chunk j's final
        state (step 2), γ carries it to chunk i (step 3), and U_i reads it out (step 4). Only the
        diagonal blocks need the quadratic form (step 1). Checked on the head of cell 1 (T = 128,
        N = 8, Q = 32), for every off-diagonal block: its singular values (LAPACK); the product
        U_i·γ·V_jᵀ formed by GEMM against the block of M; and M_block·X_j against what the
        chunked code itself writes into chunk i when only chunk j has input — a contribution
        that can reach chunk i only through the states of steps 2–4.
        """)
    let softmax = book.injects("softmax-scores", "softmax attention's exp(CBᵀ) in place of CBᵀ (no state to factor through)")
    let noReadoutDecay = book.injects("readout-decay-dropped", "U_i built from C_t alone, without the decay a_t⋯a_{c_i} since the chunk's start")
    let mistake = chunkedMistake(book)
    let m = try attentionMatrix(small, softmax: softmax)               // (T, T)
    let (t, q, n) = (small.length, 32, small.stateSize)
    var prefix = [0.0]                                                  // (T + 1): Σ_{k<i} log a_k
    for v in small.logA.column(0) { prefix.append(prefix.last! + v) }
    var worstTail = 0.0, weakestRank = Double.infinity, factored: [Double] = [], direct: [Double] = []
    for i in 1..<(t / q) {
        for j in 0..<i {
            let block = m.block(rows: i * q, cols: j * q, size: q)     // (Q, Q): rows of chunk i, columns of chunk j
            let sigma = try singularValues(block, name: "block (\(i), \(j)) of M")   // (Q), descending
            worstTail = max(worstTail, sigma[n] / sigma[0])
            weakestRank = min(weakestRank, sigma[n - 1] / sigma[0])
            let (ci, ej) = (i * q, j * q + q - 1)
            let u = try Matrix(rows: q, cols: n, elements: (0..<q * n).map { k in   // (Q, N): (a_t⋯a_{c_i}) C_t
                (noReadoutDecay ? 1 : exp(prefix[ci + k / n + 1] - prefix[ci])) * small.c[ci + k / n, k % n]
            })
            let v = try Matrix(rows: q, cols: n, elements: (0..<q * n).map { k in   // (Q, N): (a_{e_j}⋯a_{s+1}) B_s
                exp(prefix[ej + 1] - prefix[j * q + k / n + 1]) * small.b[j * q + k / n, k % n]
            })
            var product = Matrix(zeros: q, q)                           // (Q, Q): U_i γ V_jᵀ
            gemm(exp(prefix[ci] - prefix[ej + 1]), u, v, transposeB: true, 0, &product)
            factored += product.elements
            direct += block.elements
        }
    }
    book.show(String(format: "over the %d off-diagonal blocks: largest σ_{N+1}/σ₁ = %.1e, smallest σ_N/σ₁ = %.1e (rank exactly N = %d)",
                     (t / q) * (t / q - 1) / 2, worstTail, weakestRank, n))
    book.check(.bound("every off-diagonal Q×Q block of M has rank ≤ N: σ_{N+1}/σ₁ (worst block)", worstTail, .lessOrEqual, 1e-12,
                      reason: "LAPACK's σ are exact to a few ε·σ₁, so a zero σ shows as ~1e-16·σ₁ (worst over 30 seeds: 3.7e-16); a full-rank block is ≥ 1e-2"))
    book.check(.agreement("off-diagonal blocks of M = U_i·γ_ij·V_jᵀ (Q×N)(N×N)(N×Q), formed by GEMM", factored, direct, tolerance: 1e-12,
                          reason: "the same products grouped by chunk: a few roundings (worst over seeds 0–9: 1.9e-15)"))
    try checkStatePath(book, small, m, chunk: q, mistake: mistake)
    try drawChunkedMatrix(book, m, chunk: q)
    try drawBlockSpectra(book, m, chunk: q, stateSize: n)
}

/// M_block(i, j)·X_j against the chunked code's output in chunk i when only chunk j has input.
func checkStatePath(_ book: Notebook, _ small: SSDInputs, _ m: Matrix, chunk q: Int, mistake: SSDChunkedMistake?) throws {
    let (t, p) = (small.length, small.headDim)
    var throughStates: [Double] = [], byBlocks: [Double] = []
    for j in 0..<(t / q - 1) {
        var xj = Matrix(zeros: t, p)                                    // (T, P): X_j in chunk j, zero elsewhere
        for r in (j * q)..<((j + 1) * q) { for c in 0..<p { xj[r, c] = small.x[r, c] } }
        let chunked = try ssdChunked(try SSDInputs(x: xj, a: small.a, b: small.b, c: small.c, heads: 1), chunk: q, mistake: mistake)  // (T, P)
        for i in (j + 1)..<(t / q) {
            let block = m.block(rows: i * q, cols: j * q, size: q)     // (Q, Q)
            let xBlock = xj.block(rows: j * q, cols: 0, size: q, width: p)   // (Q, P)
            byBlocks += (block * xBlock).elements
            throughStates += chunked.block(rows: i * q, cols: 0, size: q, width: p).elements
        }
    }
    book.check(.agreement("M_block(i, j)·X_j = the chunked code's output in chunk i from input in chunk j alone (state of j → passed → read out)",
                          throughStates, byBlocks, tolerance: 1e-12, reason: "the same operator, as a GEMM with M's block and as steps 2–4: rounding only (worst over seeds 0–9: 4.5e-16)"))
}

func drawBlockSpectra(_ book: Notebook, _ m: Matrix, chunk q: Int, stateSize n: Int) throws {
    let offDiagonal = try singularValues(m.block(rows: q, cols: 0, size: q), name: "block (1, 0) of M")   // (Q)
    let diagonal = try singularValues(m.block(rows: q, cols: q, size: q), name: "block (1, 1) of M")      // (Q)
    let k = (1...q).map(Double.init)
    var figure = Figure(name: "block-singular-values", title: "Singular values of two 32×32 blocks of M (T = 128, N = 8, Q = 32)",
                        xLabel: "index k", yLabel: "σ_k / σ_1 (log scale)", series: [
                            .init("off-diagonal block (rows of chunk 1, columns of chunk 0)", x: k, y: offDiagonal.map { max($0 / offDiagonal[0], 1e-20) },
                                  style: "linespoints lw 2 pt 7"),
                            .init("diagonal block (chunk 1)", x: k, y: diagonal.map { max($0 / diagonal[0], 1e-20) }, style: "linespoints lw 2 pt 5"),
                        ])
    figure.logY = true
    figure.extraCommands = ["set key bottom left", "set xrange [0:33]",
                            "set arrow from \(Double(n) + 0.5), graph 0 to \(Double(n) + 0.5), graph 1 nohead dt 3",
                            "set label 'k = N = \(n)' at \(Double(n) + 1), graph 0.92"]
    try book.figure(figure)
    book.finding(String(format: "Past k = N = %d the off-diagonal block's σ_k/σ₁ falls from %.1e to %.1e (%.0f orders of magnitude); "
                        + "the diagonal block's σ_{N+1}/σ₁ is %.1e: it has full rank and needs the quadratic form.",
                        n, offDiagonal[n - 1] / offDiagonal[0], offDiagonal[n] / offDiagonal[0],
                        log10(offDiagonal[n - 1] / max(offDiagonal[n], 1e-300)), diagonal[n] / diagonal[0]))
}

extension Matrix {
    /// The (size × width) block whose top-left entry is (rows, cols); width defaults to size.
    func block(rows r0: Int, cols c0: Int, size: Int, width: Int? = nil) -> Matrix {
        let w = width ?? size
        var out = Matrix(zeros: size, w)
        for r in 0..<size { for c in 0..<w { out[r, c] = self[r0 + r, c0 + c] } }
        return out
    }
}

func drawChunkedMatrix(_ book: Notebook, _ m: Matrix, chunk q: Int) throws {
    let t = m.rows
    var figure = Figure(heatmap: "matrix-m", title: "log10 |M_{ts}|, M = L ∘ CBᵀ (T = 128, N = 8), cut into chunks of Q = 32",
                        xLabel: "s (step read)", yLabel: "t (step written)", values: (0..<t * t).map { i in
                            i % t <= i / t ? log10(max(abs(m.elements[i]), 1e-12)) : .nan
                        }, rows: t, cols: t)
    figure.size = (width: 800, height: 700)
    for k in stride(from: q, to: t, by: q) {
        let edge = Double(k) - 0.5
        figure.extraCommands += ["set arrow from \(edge), graph 0 to \(edge), graph 1 nohead front lc rgb 'black' lw 1.5",
                                 "set arrow from graph 0, first \(edge) to graph 1, first \(edge) nohead front lc rgb 'black' lw 1.5"]
    }
    for i in 0..<(t / q) {
        for j in 0..<(t / q) where j <= i {
            let label = j == i ? "quadratic" : "rank ≤ N"
            figure.extraCommands.append("set label '\(label)' at \(Double(j * q + q / 2)), \(Double(i * q + q / 2)) center front font ',10'")
        }
    }
    try book.figure(figure)
}

func threeForms(_ book: Notebook) throws -> SSDChunkedMistake? {
    book.cell("3. Recurrent = quadratic = chunked", """
        - **recurrent** (`ssdRecurrent`): a (P, N) state per head, h_t = a_t h_{t−1} + x_t B_tᵀ,
          y_t = h_t C_t. 5·T·H·P·N flops, all matrix-vector.
        - **quadratic** (`ssdQuadratic`): Y = (L ∘ CBᵀ)X per head with the materialised T×T mask;
          C Bᵀ and M X are GEMMs.
        - **chunked** (`ssdChunked`): chunks of Q; (1) quadratic blocks on the diagonal, (2) each
          chunk's final state, (3) a short scan passing states between chunks, (4) each chunk's
          incoming state read out — steps 1, 2, 4 are GEMMs.

        The three forms must agree at every shape, including a length that is not a multiple of
        Q and per-head B and C (G = H); and the chunk size must not matter: Q = 1 (every chunk a
        single step: the recurrence, run by the chunked code), Q = 7 (T not a multiple of it) and
        Q = 100 must give what Q = T (one chunk: the quadratic form) gives. The quadratic form
        holds H masks of T×T doubles (each 134,217,728 bytes = 128 MiB at T = 4096), so it is
        compared up to T = 1000; at T = 4096 chunked is compared with recurrent.
        """)
    let mistake = chunkedMistake(book)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let shapes = [(256, 4, 16, 16, 1, 32), (1000, 4, 16, 16, 4, 64), (4096, 8, 64, 64, 1, 64)]
    var formsProgress = Progress("three forms at three shapes", total: shapes.count, quiet: book.skipsTimings)
    for (t, h, p, n, g, q) in shapes {
        defer { formsProgress.advance() }
        let inputs = try SSDInputs.random(length: t, heads: h, headDim: p, stateSize: n, groups: g, rng: &book.rng)
        let recurrent = ssdRecurrent(inputs, threads: cores)                        // (T, H·P)
        let chunked = try ssdChunked(inputs, chunk: q, threads: cores, mistake: mistake)   // (T, H·P)
        let label = "T = \(t), H = \(h), P = \(p), N = \(n), G = \(g), Q = \(q)"
        if t <= 1000 {
            book.check(.agreement("\(label): quadratic = recurrent", ssdQuadratic(inputs).elements, recurrent.elements, tolerance: 1e-10,
                                  reason: t == 256 ? "exact rewritings of one operator: rounding of sums over ≤ T terms (worst over 30 seeds, all shapes: 1.0e-15)" : nil))
        }
        book.check(.agreement("\(label): chunked = recurrent", chunked.elements, recurrent.elements, tolerance: 1e-10))
        if t <= 1000 {
            let whole = try ssdChunked(inputs, chunk: t, mistake: mistake).elements   // (T·H·P): one chunk
            let errors = try [1, 7, 100].map { other in
                relativeDifference(try ssdChunked(inputs, chunk: other, threads: cores, mistake: mistake).elements, whole)
            }
            let worst = errors.indices.max { errors[$0] < errors[$1] }!
            book.check(.agreement("\(label): chunked with Q = 1, 7, 100 = chunked with Q = T (worst: Q = \([1, 7, 100][worst]))",
                                  try ssdChunked(inputs, chunk: [1, 7, 100][worst], threads: cores, mistake: mistake).elements, whole,
                                  tolerance: 1e-10))
        }
    }
    return mistake
}

func linearAttention(_ book: Notebook, mistake: SSDChunkedMistake?) throws {
    book.cell("4. a ≡ 1: causal linear attention", """
        With no decay, L is the causal mask of ones and y_t = Σ_{s≤t} (C_t·B_s) x_s: causal linear
        attention (queries C, keys B, values X), here written directly as a double loop
        (`causalLinearAttention`) and compared with the chunked SSD.
        """)
    let base = try SSDInputs.random(length: 300, heads: 1, headDim: 8, stateSize: 16, rng: &book.rng)
    let noDecay = try SSDInputs(x: base.x, a: Matrix(rows: 300, cols: 1, elements: [Double](repeating: 1, count: 300)),
                                b: base.b, c: base.c, heads: 1)
    book.check(.agreement("a ≡ 1: chunked SSD (Q = 32) = causal linear attention written directly",
                          try ssdChunked(noDecay, chunk: 32, mistake: mistake).elements,
                          try causalLinearAttention(q: base.c, k: base.b, v: base.x).elements, tolerance: 1e-10))
}

/// The Mamba-2 block of cells 5 and 6, a sequence for it, and what it computes before the SSM.
struct Mamba2Example {
    let block: Mamba2Block
    let u: Matrix                                                       // (T, d_model)
    let parts: Mamba2Block.Inner
}

func mamba2Parameterisation(_ book: Notebook) throws -> Mamba2Example {
    book.cell("5. Mamba-2's parameterisation: a scalar A and Δ per head, X scaled by Δ", """
        Mamba-2 gives each head h one A_h = −exp(A_log_h) < 0 and one step Δ_{t,h} =
        softplus(dt_{t,h} + dt_bias_h), so a_{t,h} = exp(Δ_{t,h} A_h). At initialisation the
        reference code (`Mamba2Simple`) draws A_h uniformly in [1, 16] (in magnitude) and Δ
        log-uniformly in [0.001, 0.1]: the heads start with different memories, from a few steps
        to thousands. The input enters the SSM as X = x·Δ — the test of the minimal SSD code in the
        mamba repository (`ssd_minimal.py`; the function itself is the paper's Listing 1) calls it
        with `x*dt` and `A*dt` — which is Mamba's Euler B̄ = ΔB with
        Ā = exp(ΔA) and A = A_h·I. So SSD(x·Δ, a, B, C) must equal Chapter 05's selective scan
        with every channel of head h given Δ_{t,h} and A_{d,n} = A_h (`Mamba2Block.inner`
        computes x, Δ, B, C from a random block: d_model = 16, P = 8, so H = 4, N = 16, T = 100).
        """)
    let block = try Mamba2Block(modelWidth: 16, headDim: 8, stateSize: 16, chunk: 16, rng: &book.rng)
    let u = try Matrix(rows: 100, cols: 16, elements: (0..<1600).map { _ in book.rng.nextGaussian() })   // (T, d_model)
    let parts = try block.inner(u)
    let initialDelta = block.dtBias.map(softplus)                       // (H)
    book.show("A_h at init: " + block.a.map { String(format: "%.2f", $0) }.joined(separator: ", ")
              + "; Δ_h at init (softplus(dt_bias)): " + initialDelta.map { String(format: "%.4f", $0) }.joined(separator: ", "))
    let (t, d, h, p) = (u.rows, block.innerWidth, block.heads, block.headDim)
    let unscaled = book.injects("x-not-scaled-by-dt", "the SSD run on x, not on X = x·Δ")
    let x = unscaled ? parts.x : try Matrix(rows: t, cols: d, elements: (0..<t * d).map { parts.x.elements[$0] * parts.delta[$0 / d, $0 % d / p] })
    let ssd = try ssdChunked(try SSDInputs(x: x, a: parts.ssd.a, b: parts.ssd.b, c: parts.ssd.c, heads: h), chunk: block.chunk)
    let mamba = try SelectiveScanInputs(x: parts.x, delta: try Matrix(rows: t, cols: d, elements: (0..<t * d).map { parts.delta[$0 / d, $0 % d / p] }),
                                        a: try Matrix(rows: d, cols: block.stateSize, elements: (0..<d * block.stateSize).map { block.a[$0 / block.stateSize / p] }),
                                        b: parts.ssd.b, c: parts.ssd.c, skip: [Double](repeating: 0, count: d))
    book.check(.agreement("SSD(x·Δ, a = exp(ΔA), B, C) = Mamba's selective scan with A = A_h·I, B̄ = ΔB (Chapter 05)",
                          ssd.elements, selectiveScan(mamba).elements, tolerance: 1e-10, reason: "one recurrence written two ways: rounding only"))
    return Mamba2Example(block: block, u: u, parts: parts)
}

/// The Mamba-2 block assembled independently, in the reference code's conventions: PyTorch's conv1d
/// with padding K − 1 = 3 cut to the first T outputs (out[t] = b + Σ_k w[k]·in[t + k − 3]: tap 3 on the
/// current token), SiLU, the SSD on x·Δ by the recurrence (`ssdRecurrent`), + D·x,
/// RMSNorm(y ⊙ SiLU(z))·w, the out-projection. It shares only the block's weights.
func referenceMamba2Forward(_ block: Mamba2Block, _ u: Matrix) throws -> Matrix {
    let (t, inner, channels, p) = (u.rows, block.innerWidth, block.convChannels, block.headDim)
    let gn = block.groups * block.stateSize
    let projected = u * block.inProjection                              // (T, 2·d_inner + 2GN + H): [z, xBC, dt]
    var xbc = Matrix(zeros: t, channels)                                // (T, d_inner + 2GN)
    for d in 0..<channels {
        let padded = [0, 0, 0] + (0..<t).map { projected[$0, inner + d] }   // (T + 3): left padding K − 1
        for step in 0..<t {
            let conv = (0..<4).reduce(block.convBias[d]) { $0 + block.convWeight[d, $1] * padded[step + $1] }
            xbc[step, d] = conv / (1 + exp(-conv))                      // SiLU
        }
    }
    var delta = Matrix(zeros: t, block.heads), decay = Matrix(zeros: t, block.heads), scaled = Matrix(zeros: t, inner)
    for step in 0..<t {
        for h in 0..<block.heads {
            let raw = projected[step, inner + channels + h] + block.dtBias[h]
            delta[step, h] = raw > 20 ? raw : log1p(exp(raw))           // softplus
            decay[step, h] = exp(-exp(block.aLog[h]) * delta[step, h])  // a = exp(Δ·A), A = −exp(A_log)
            for i in (h * p)..<((h + 1) * p) { scaled[step, i] = xbc[step, i] * delta[step, h] }
        }
    }
    let y = ssdRecurrent(try SSDInputs(x: scaled, a: decay, b: xbc.block(rows: 0, cols: inner, size: t, width: gn),
                                       c: xbc.block(rows: 0, cols: inner + gn, size: t, width: gn), heads: block.heads, groups: block.groups))
    var gated = Matrix(zeros: t, inner)                                 // (T, d_inner)
    for step in 0..<t {
        let g = (0..<inner).map { i -> Double in
            let z = projected[step, i]
            return (y[step, i] + block.skip[i / p] * xbc[step, i]) * z / (1 + exp(-z))
        }
        let rms = (g.reduce(0) { $0 + $1 * $1 } / Double(inner) + Mamba2Block.normEpsilon).squareRoot()
        for i in 0..<inner { gated[step, i] = g[i] / rms * block.normWeight[i] }
    }
    return gated * block.outProjection                                  // (T, d_model)
}

func mamba2Block(_ book: Notebook, _ example: Mamba2Example) throws {
    book.cell("6. A Mamba-2 block: its recurrent step = its chunked forward = a reference forward", """
        The block (`Mamba2Block`, Fig. 6 of the paper) projects u in parallel to z, x, B, C and Δ
        (Mamba projected B, C, Δ from x), runs a causal depthwise convolution of width 4 and SiLU
        over x, B and C, the SSD with a D skip, then a gated RMSNorm — RMSNorm(y ⊙ SiLU(z)), the
        gate before the norm — and the out-projection:

            (z, xBC, dt) = u W_in,  xBC ← SiLU(conv₄(xBC)),  y = SSD(x·Δ, a, B, C) + D x,
            out = RMSNorm(y ⊙ SiLU(z)) W_out

        The forward pass uses the chunked SSD (Q = 16, T = 100: seven chunks, the last short);
        generation runs one token at a time with a constant-size state (the last 3 inputs of
        the convolution and a (P, N) state per head). The two must agree token for token. That
        check cannot see a convention both paths share — the order of the convolution's taps,
        say — so the forward pass is also compared with the block rebuilt here from its weights
        alone, in the reference code's conventions: PyTorch's conv1d with padding 3 cut to the
        first T outputs (tap 3 multiplies the current token), the SSD by the recurrence.
        """)
    let reversed = book.injects("conv-taps-reversed", "the block's conv1d taps in reverse order, in its forward pass and its step alike")
    let block = reversed
        ? try example.block.withConvWeight(try Matrix(rows: example.block.convChannels, cols: 4, elements: (0..<example.block.convChannels * 4).map {
            example.block.convWeight[$0 / 4, 3 - $0 % 4]
        }))
        : example.block
    let u = example.u
    let forward = try block.forward(u)                                  // (T, d_model)
    var state = block.initialState
    var stepped: [Double] = []                                          // (T·d_model)
    for t in 0..<u.rows { stepped += try block.step((0..<u.cols).map { u[t, $0] }, state: &state) }
    book.check(.agreement("Mamba-2 block (d_model = 16, H = 4, P = 8, N = 16), T = 100: step by step = chunked forward (Q = 16)",
                          stepped, forward.elements, tolerance: 1e-10, reason: "the same arithmetic in another order: rounding only"))
    book.check(.agreement("Mamba-2 block forward = conv1d(padding 3)[:T] + SiLU + SSD recurrence on x·Δ + D·x + gated RMSNorm + out_proj, assembled independently",
                          forward.elements, try referenceMamba2Forward(example.block, u).elements, tolerance: 1e-10,
                          reason: "the same operator by other code paths (chunked vs recurrent SSD): rounding only (worst over seeds 0–9: 4.9e-16)"))
    book.show("state carried per token: \(state.convBuffer.elements.count + state.ssm.elements.count) numbers, whatever T")
}

func doubleDoubleRangeSums(_ logA: [Double], row: Int, from lowest: Int) -> [(hi: Double, lo: Double)] {
    // Σ_{k=s+1}^{row} log a_k for s = row−1 down to `lowest`, each to ~32 digits: an error-free
    // TwoSum per term (Knuth), the rounding errors carried in `lo`. No Float80: portable.
    var sums: [(hi: Double, lo: Double)] = []
    var hi = 0.0, lo = 0.0
    var s = row - 1
    while s >= lowest {
        let x = logA[s + 1], sum = hi + x, virtual = sum - hi
        lo += (hi - (sum - virtual)) + (x - virtual)
        hi = sum
        sums.append((hi, lo))
        s -= 1
    }
    return sums
}

func stableSegsum(_ book: Notebook) throws {
    book.cell("7. Stable vs naive segsum", """
        The naive segsum takes differences of cumulative sums, S_t − S_s. Exact on paper; in
        floating point the subtraction loses about ε·|S_t| however short the range — and |S_t| grows
        with t. The stable version sums each range directly (all terms ≤ 0: no cancellation). The
        table measures the relative error of the mask entries L_ts = exp(segsum) — the error of
        the exponent — against a reference that sums each range in double-double arithmetic
        (about 32 significant digits; error-free TwoSum per term), over ranges of up to 64 steps
        sampled along the sequence, in Double and in Float (inputs rounded to Float included).
        """)
    let stableIngredient = book.injects("naive-as-stable", "the naive segsum (differences of cumulative sums) in place of the stable one")
    func stable64(_ logA: [Double]) throws -> [Double] { stableIngredient ? try segsumNaive(logA) : try segsum(logA) }
    func stable32(_ logA: [Float]) throws -> [Float] { stableIngredient ? try segsumNaive(logA) : try segsum(logA) }
    var segsumRows: [[String]] = []
    var errors: [String: [Double]] = [:]
    for t in [256, 1024, 4096] {
        let logA = (0..<t).map { _ in -Double.random(in: 0.001...0.1, using: &book.rng) }
        func worst<F: BinaryFloatingPoint>(_ values: [F]) -> Double {
            var w = 0.0
            for row in stride(from: 1, to: t, by: 5) {
                let lowest = max(0, row - 64)
                let reference = doubleDoubleRangeSums(logA, row: row, from: lowest)   // reference[k]: s = row − 1 − k
                for s in stride(from: lowest, to: row, by: 3) {
                    let r = reference[row - 1 - s]
                    w = max(w, abs((Double(values[row * t + s]) - r.hi) - r.lo))      // |Δ exponent| = relative error of L
                }
            }
            return w
        }
        let e = try [worst(stable64(logA)), worst(segsumNaive(logA)),
                     worst(stable32(logA.map { Float($0) })), worst(segsumNaive(logA.map { Float($0) }))]
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

/// The layer every timing uses: the largest shape of cell 3.
let timedShape = (t: 4096, h: 8, p: 64, n: 64, q: 64)

/// What the timing of cell 8 measured that cell 9 draws beside its own: the GEMM rate.
struct GEMMRate {
    let perCore: Double                                                 // flop/s inside GEMM calls, one worker
    let workers: Int
}

func timeAgainstLength(_ book: Notebook) throws -> GEMMRate? {
    book.cell("8. FLOPs and time against T: where GEMM wins", """
        The FLOP model (`SSDFlops`, multiply-add = 2) at T = 4096, H = 8, P = 64, N = 64, Q = 64:
        the quadratic form does many times the chunked form's work (the ratio is computed below
        the table) and the recurrence the least.
        Each recurrence step reads and writes a head's whole (P, N) state (32 KB here) and does
        5 flops per entry, as matrix-vector work, one step after another; the chunked form does a
        little more work, almost all of it in GEMM calls. Below, the three forms are timed from
        T = 32 to 4096 (one run each, wall clock: informative; the quadratic form up to T = 1024;
        `swift run -c release Bench --filter ssd` has medians). At T ≤ Q = 64 the chunked form
        *is* the quadratic form — a single chunk — so only longer T compare chunking with the
        recurrence.
        """)
    let (t, h, p, n, q) = timedShape
    let names = ["recurrent", "quadratic", "chunked (Q = 64)"]
    let flops = try [SSDFlops.recurrent(t: t, h: h, p: p, n: n), SSDFlops.quadratic(t: t, h: h, p: p, n: n),
                     SSDFlops.chunked(t: t, h: h, p: p, n: n, q: q)]
    book.table(header: ["form (T = 4096, H = 8, P = 64, N = 64)", "GFLOP (model)"],
               rows: names.indices.map { [names[$0], String(format: "%.2f", flops[$0] / 1e9)] })
    book.finding(String(format: "In the model the quadratic form does %.1f× the chunked form's flops and %.0f× the recurrence's; the chunked form "
                        + "does %.2f× the recurrence's. Per step and head the quadratic form costs T(2P + 1) and the chunked form's diagonal "
                        + "blocks Q(2P + 1) — alone they would give T/Q = %d× — but the chunk states' 4PN = %d flops are %.0f× the blocks' 2QP = %d.",
                        flops[1] / flops[2], flops[1] / flops[0], flops[2] / flops[0], t / q, 4 * p * n, Double(4 * p * n) / Double(2 * q * p), 2 * q * p))
    guard !book.skipsTimings else { return nil }  // timings are not checks: --seeds and --checks-only skip them
    let cores = ProcessInfo.processInfo.activeProcessorCount
    var inputs: [Int: SSDInputs] = [:]
    for power in 5...12 {
        inputs[1 << power] = try SSDInputs.random(length: 1 << power, heads: h, headDim: p, stateSize: n, rng: &book.rng)
    }
    guard let sweep = try book.timingSweep(name: "time-vs-t", title: "SSD, H = 8, P = 64, N = 64: time vs T for the three forms",
                                           parameter: "T (steps)", sizes: (5...12).map { 1 << $0 }, methods: [
                                               TimedMethod(names[0], repetitions: 1) { t in _ = ssdRecurrent(inputs[t]!, threads: cores) },
                                               TimedMethod(names[1], upTo: 1024, repetitions: 1) { t in _ = ssdQuadratic(inputs[t]!) },
                                               TimedMethod(names[2], repetitions: 1) { t in _ = try ssdChunked(inputs[t]!, chunk: q, threads: cores) },
                                           ]) else { return nil }
    let (recurrent, quadratic, chunked) = (sweep[names[0]], sweep[names[1]], sweep[names[2]])
    let last = sweep.sizes.count - 1, atQuadraticEnd = sweep.sizes.firstIndex(of: 1024)!
    book.finding(String(format: "At T = 4096 here the chunked form took %@ and the recurrence %@ (%.1f× the chunked time): "
                        + "%.1f GFLOP/s against %.1f. At T = 1024, the last length the quadratic form ran, it took %@ — %.0f× the chunked form.",
                        Timing.format(chunked[last]), Timing.format(recurrent[last]), recurrent[last] / chunked[last],
                        flops[2] / chunked[last] / 1e9, flops[0] / recurrent[last] / 1e9,
                        Timing.format(quadratic[atQuadraticEnd]), quadratic[atQuadraticEnd] / chunked[atQuadraticEnd]))
    let longer = sweep.sizes.indices.filter { sweep.sizes[$0] > q }
    let from = longer.first { i in longer.allSatisfy { $0 < i || chunked[$0] < recurrent[$0] } }
    book.finding(from.map { "Beyond T = Q = 64 the chunked form was faster than the recurrence at every T from \(sweep.sizes[$0]) on." }
                 ?? "Beyond T = Q = 64 the chunked form was not faster than the recurrence at every longer T in this run.")
    let profile = SSDProfile()
    _ = try ssdChunked(inputs[t]!, chunk: q, threads: cores, profile: profile)
    book.finding(String(format: "Inside the chunked form at T = 4096: %.0f%% of the workers' time is in GEMM calls, at %.1f GFLOP/s per core.",
                        100 * profile.gemmShare, profile.gemmRatePerCore / 1e9))
    return GEMMRate(perCore: profile.gemmRatePerCore, workers: max(1, min(cores, h)))
}

func timeAgainstChunkAndState(_ book: Notebook, rate: GEMMRate?) throws {
    book.cell("9. Chunk size Q and state size N", """
        Per step and head the chunked form costs about 2QP + Q (the diagonal block and its mask),
        4PN (writing and reading the chunk states) and 2PN/Q (passing the state), plus 2QN per
        group for C Bᵀ: the FLOP model has its minimum at a small Q (≈ 8 here) and grows linearly
        beyond. Measured time usually rises on the left too, for other reasons: at small Q every
        GEMM is thin (Q rows), there are T/Q chunks each with a fixed overhead, and the state
        pass is T/Q sequential steps over the whole H·P·N state — hence a U shape, whose bottom
        this run's finding reports. On the right the Q² diagonal blocks take over. The dashed line is the model's flops at the GEMM rate measured in cell 8 — the
        time if every flop ran as fast as the GEMMs do. This chapter uses Q = 64 = P = N, so
        every GEMM is at least 64 wide and T = 4096 makes 64 chunks; the reference code's
        default, written for GPUs, is Q = 256. Then time against N at T = 2048, Q = 64: both
        forms do work linear in N.
        """)
    guard !book.skipsTimings else { return }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let (t, h, p, n, _) = timedShape
    let chunkSizes = [4, 8, 16, 32, 64, 128, 256, 512]
    let fixed = try SSDInputs.random(length: t, heads: h, headDim: p, stateSize: n, rng: &book.rng)
    var progress = Progress("timing the chunked form vs Q", total: chunkSizes.count)
    let chunkTimes = try chunkSizes.map { q in
        defer { progress.advance() }
        return try Timing.seconds { _ = try ssdChunked(fixed, chunk: q, threads: cores) }
    }
    let model = try chunkSizes.map { try SSDFlops.chunked(t: t, h: h, p: p, n: n, q: $0) }
    book.table(header: ["Q", "time", "GFLOP (model)"], rows: chunkSizes.indices.map {
        ["\(chunkSizes[$0])", Timing.format(chunkTimes[$0]), String(format: "%.2f", model[$0] / 1e9)]
    })
    var series: [Figure.Series] = [.init("measured (one run)", x: chunkSizes.map(Double.init), y: chunkTimes, style: "linespoints lw 2 pt 7")]
    if let rate, rate.perCore > 0 {
        series.append(.init(String(format: "FLOP model at the GEMM rate (%.1f GFLOP/s × %d workers)", rate.perCore / 1e9, rate.workers),
                            x: chunkSizes.map(Double.init), y: model.map { $0 / (rate.perCore * Double(rate.workers)) },
                            style: "lines lw 2 dt 2 lc rgb 'gray40'"))
    }
    var chunkFigure = Figure(name: "time-vs-q", title: "Chunked SSD at T = 4096 (H = 8, P = 64, N = 64): time vs chunk size Q",
                             xLabel: "chunk size Q (steps)", yLabel: "seconds (wall clock)", series: series)
    chunkFigure.logX = true
    chunkFigure.logY = true
    chunkFigure.extraCommands = ["set xrange [3:700]", "set xtics (4, 8, 16, 32, 64, 128, 256, 512)", "set format x '%g'"]
    try book.figure(chunkFigure)
    let best = chunkTimes.indices.min { chunkTimes[$0] < chunkTimes[$1] }!, at64 = chunkSizes.firstIndex(of: 64)!
    book.finding(String(format: "The fastest Q here was %d (%@); Q = 64 took %.2f× that, Q = 4 %.2f× and Q = 512 %.2f×.",
                        chunkSizes[best], Timing.format(chunkTimes[best]), chunkTimes[at64] / chunkTimes[best],
                        chunkTimes[0] / chunkTimes[best], chunkTimes.last! / chunkTimes[best]))
    try timeAgainstStateSize(book)
}

func timeAgainstStateSize(_ book: Notebook) throws {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let stateSizes = [16, 32, 64, 128, 256]
    var inputs: [Int: SSDInputs] = [:]
    for n in stateSizes { inputs[n] = try SSDInputs.random(length: 2048, heads: 8, headDim: 64, stateSize: n, rng: &book.rng) }
    _ = ssdRecurrent(inputs[16]!, threads: cores)                       // warm-up: the sweep's first call must not pay for page faults
    _ = try ssdChunked(inputs[16]!, chunk: 64, threads: cores)
    guard let sweep = try book.timingSweep(name: "time-vs-n", title: "SSD at T = 2048, H = 8, P = 64, Q = 64: time vs state size N",
                                           parameter: "N (state size)", sizes: stateSizes, methods: [
                                               TimedMethod("recurrent", repetitions: 1) { n in _ = ssdRecurrent(inputs[n]!, threads: cores) },
                                               TimedMethod("chunked (Q = 64)", repetitions: 1) { n in _ = try ssdChunked(inputs[n]!, chunk: 64, threads: cores) },
                                           ]) else { return }
    let (recurrent, chunked) = (sweep["recurrent"], sweep["chunked (Q = 64)"])
    let flopRatio = try SSDFlops.chunked(t: 2048, h: 8, p: 64, n: 256, q: 64) / SSDFlops.chunked(t: 2048, h: 8, p: 64, n: 16, q: 64)
    book.finding(String(format: "From N = 16 to 256 (16×) the recurrence's time grew %.1f× and the chunked form's %.1f× "
                        + "(its FLOP model: %.1f×); at N = 256 the chunked form took %.2f× the recurrence's time.",
                        recurrent.last! / recurrent[0], chunked.last! / chunked[0], flopRatio, chunked.last! / recurrent.last!))
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        Recurrent, quadratic and chunked: one operator, to rounding, at every chunk size; the
        off-diagonal blocks of M have rank N and factor through the state, which is why the
        chunked algorithm is exact; and a Mamba-2 block generates token by token exactly what its
        chunked forward computes, which is what a reference forward written independently computes. The recurrence does the fewest flops, the attention form the
        most, the chunked form a little more than the recurrence but as GEMMs; cells 8 and 9 show
        what that buys on this machine. That is the argument of Mamba-2, measured on a CPU.
        Planned next: Chapter 07 (gradients through a scan) and Chapter 08 (learning to select).
        """)
    book.exercises("""
        1. Run `ssdChunked` with Q = 1 and with Q = T at T = 1024 (H = 8, P = 64, N = 64) and time
           both against `ssdRecurrent` and `ssdQuadratic`. Which form is each, and which steps of
           the chunked algorithm do nothing in each case?
        2. Make B and C per head (G = H = 8) in the T = 4096 timing. Which of the chunked
           algorithm's GEMMs can no longer be shared across heads, how many more flops does
           `SSDFlops.chunked` count, and how much slower is it?
        3. Redo cell 7 with Δ drawn in [0.1, 1] (faster decay). How do the naive segsum's errors
           change, and how large are the mask entries L_ts = exp(segsum) on which they fall?
        """)
}

book.run { book in
    introduction(book)
    let small = try maskAndMatrix(book)
    try whyChunkingWorks(book, small)
    let mistake = try threeForms(book)
    try linearAttention(book, mistake: mistake)
    let example = try mamba2Parameterisation(book)
    try mamba2Block(book, example)
    try stableSegsum(book)
    let rate = try timeAgainstLength(book)
    try timeAgainstChunkAndState(book, rate: rate)
    whatComesNext(book)
}
