import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter04", title: "S4 at length: FFTW convolution, S4D and the RNN view", abstract: """
    An S4 layer of 8 channels, each with its own step Δ, run over 16384 and 65536 steps by FFTW \
    convolution and checked against the direct sum, the recurrence and step-by-step RNN \
    generation; then S4D, whose diagonal A gives a Vandermonde kernel, and the time of \
    convolution versus recurrence as L grows.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        Chapter 03 built S4's kernel. Here it does its job: an S4 *layer* — H channels, each an SSM
        with its own timescale Δ — applied to sequences of 16384 and 65536 steps by FFT convolution,
        checked against the direct sum and against the recurrence. Then two simplifications that
        matter in practice: **S4D**, where A is just diagonal and the kernel is a Vandermonde
        product, and the **RNN view**, where the same layer generates one step at a time in O(N)
        per step.

        Glossary: H channels, N state size, L length, Δ_h the step of channel h, C̃ the output matrix
        S4 learns (the kernel's), C = C̃(I − Āᴸ)⁻¹ the recurrence's.
        """)
}

/// The layer of cell 1 and what it computed at each length: inputs, outputs, kernels (H, L) each.
struct LayerRun {
    let layer: S4Layer
    let outputs: [Int: (u: Matrix, y: Matrix, kernels: Matrix)]
    var stateSize: Int { layer.dplr.stateSize }
}

func layerAtLength(_ book: Notebook) throws -> LayerRun {
    book.cell("1. An S4 layer at L = 16384 and 65536", """
        H = 8 channels share LegS's DPLR matrices (N = 64); each draws its step Δ_h log-uniformly in
        [1e-3, 1e-1] (timescales from a thousand steps to ten), a random C̃_h and a skip D_h. Each
        channel's kernel comes from the Cauchy path; each output is one FFTW convolution of length
        L (zero-padded to 2L) plus D_h u.
        """)
    let n = 64, channels = 8
    let layer = try S4Layer(stateSize: n, channels: channels, rng: &book.rng)
    book.show("Δ_h: " + layer.steps.map { String(format: "%.2e", $0) }.joined(separator: "  "))
    var outputs: [Int: (u: Matrix, y: Matrix, kernels: Matrix)] = [:]
    var timingRows: [[String]] = []
    for length in [16384, 65536] {
        let u = try Matrix(rows: channels, cols: length, elements: (0..<channels * length).map { _ in book.rng.nextGaussian() })  // (H, L)
        var kernels = Matrix(zeros: 0, 0), y = Matrix(zeros: 0, 0)
        let kernelTime = try Timing.seconds { kernels = try layer.kernels(length: length) }   // (H, L)
        let convolutionTime = try Timing.seconds { y = try layer.apply(u, kernels: kernels) }  // (H, L)
        outputs[length] = (u, y, kernels)
        timingRows.append(["\(length)", Timing.format(kernelTime), Timing.format(convolutionTime)])
    }
    book.table(header: ["L", "H kernels (Cauchy + iFFT)", "H convolutions (FFTW)"], rows: timingRows)
    return LayerRun(layer: layer, outputs: outputs)
}

func threeWays(_ book: Notebook, _ run: LayerRun) throws {
    book.cell("2. FFT = direct = recurrence = RNN mode", """
        - **FFT vs direct.** At L = 4096 the O(L²) sum is affordable: the FFT convolution must equal
          y_t = Σ_{s≤t} K_{t−s} u_s.
        - **FFT vs recurrence, at length.** The kernel came from C̃; the recurrence needs
          C = C̃(I − Āᴸ)⁻¹ (`outputMatrix(fromTruncated:)`, exactly what S4 does to switch to RNN
          mode). Then the dense bilinear recurrence over all 16384 and 65536 steps must give the
          layer's output.
        - **RNN mode.** The same recurrence without any N×N matrix: the Woodbury form of the
          bilinear step (`DPLRBilinear`), O(N) per step.
        """)
    let layer = run.layer, n = run.stateSize
    let (aLegS, bLegS) = try legSTransition(stateSize: n)
    let probe = 3                                                   // the channel we verify in full
    do {
        let (u, y, kernels) = run.outputs[16384]!
        let short = 4096
        let k = Array(kernels.row(probe)[0..<short]), x = Array(u.row(probe)[0..<short])
        let direct = zip(try directCausalConvolution(k, x), x).map { $0 + layer.skip[probe] * $1 }
        book.check(.agreement("channel \(probe), L = 4096: FFT convolution = direct O(L²) sum", Array(y.row(probe)[0..<short]), direct,
                              tolerance: 1e-12, reason: "FFT rounding ≈ ε·log₂(2L)·‖K‖₁‖u‖∞; the direct sum's ≈ ε·L"))
    }
    for length in [16384, 65536] {
        let (u, y, _) = run.outputs[length]!
        let step = layer.steps[probe]
        let dense = try StateSpaceModel(a: aLegS, b: bLegS, c: [Double](repeating: 0, count: n)).discretized(step: step, method: .bilinear)
        let c = try outputMatrix(fromTruncated: layer.cTilde.row(probe), aBar: dense.aBar, length: length)  // (N)
        let model = try StateSpaceModel(a: aLegS, b: bLegS, c: c, d: layer.skip[probe]).discretized(step: step, method: .bilinear)
        let recurrence = try model.scan(u.row(probe))
        book.check(.agreement("channel \(probe), L = \(length): FFT convolution = dense bilinear recurrence (C = C̃(I − Āᴸ)⁻¹)",
                              y.row(probe), recurrence, tolerance: 1e-10,
                              reason: length == 16384 ? "C is recovered through a solve with (I − Āᴸ); its conditioning (Δ_h·L ≫ 1 here, so Āᴸ ≈ 0 and it is ≈ 1) costs a few digits at most" : nil))
        let rnn = try DPLRBilinear(layer.dplr, step: step)
        let rnnOutput = try rnn.scan(u.row(probe), c: c)
        let withSkip = zip(rnnOutput, u.row(probe)).map { $0 + layer.skip[probe] * $1 }
        book.check(.agreement("channel \(probe), L = \(length): RNN mode (Woodbury, O(N)/step) = FFT convolution",
                              withSkip, y.row(probe), tolerance: 1e-10))
    }
}

func s4dJustDiagonal(_ book: Notebook, _ run: LayerRun) throws {
    book.cell("3. S4D: Vandermonde kernel = recurrence", """
        Drop the low-rank term and keep a diagonal A whose eigenvalues mimic LegS's (S4D-Lin:
        −½ + iπn; S4D-Inv: −½ + i(N/π)(N/(2n+1) − 1)) or are simply real (S4D-Real: −(n+1)) —
        N/2 complex modes standing for conjugate pairs, or N real ones. The ZOH kernel is then a
        Vandermonde product,

            K_l = 2·Re Σₙ Cₙ Bₙ (e^{ΔAₙ} − 1)/Aₙ · e^{lΔAₙ},

        no Cauchy sum, no Woodbury — and the recurrence is N/2 independent complex scalars. Kernel
        and recurrence must agree, for each initialisation.
        """)
    let n = run.stateSize, probe = 3
    let s4dStep = 0.01, s4dLength = 16384
    let s4dInput = (0..<s4dLength).map { _ in book.rng.nextGaussian() }  // (L)
    var kernelSeries: [Figure.Series] = []
    let shownLength = 1024
    func normalised(_ k: [Double]) -> [Double] { let m = maxAbs(k); return k.map { $0 / m } }
    let s4KernelShown = try s4Kernel(run.layer.dplr, cTilde: run.layer.cTilde.row(probe), step: s4dStep, length: shownLength)
    kernelSeries.append(.init("S4 (LegS DPLR)", x: (0..<shownLength).map(Double.init), y: normalised(s4KernelShown), style: "lines lw 2"))
    for initialization in S4DInitialization.allCases {
        let model = try S4D(initialization, stateSize: n, rng: &book.rng)
        let kernel = try model.kernel(step: s4dStep, length: s4dLength)                          // (L)
        let byConvolution = try causalConvolution(kernel, s4dInput)
        let byRecurrence = try model.scan(s4dInput, step: s4dStep)
        book.check(.agreement("S4D-\(initialization.rawValue), N = \(n), L = \(s4dLength): Vandermonde kernel ∗ u = recurrence",
                              byConvolution, byRecurrence, tolerance: 1e-10,
                              reason: initialization == .lin ? "exact identity; e^{lΔA} evaluated directly so the kernel's error does not grow with l" : nil))
        if initialization != .real {
            kernelSeries.append(.init("S4D-\(initialization.rawValue.capitalized)", x: (0..<shownLength).map(Double.init),
                                      y: normalised(Array(kernel[0..<shownLength])), style: "lines lw 1"))
        }
    }
    try book.figure(Figure(name: "s4-vs-s4d-kernels", title: "Kernels at Δ = \(s4dStep): S4 (LegS) vs S4D-Lin vs S4D-Inv (random C, scaled to max 1)",
                           xLabel: "step l", yLabel: "K_l / max|K|", series: kernelSeries))
}

func convolutionOrRecurrence(_ book: Notebook, _ run: LayerRun) throws {
    book.cell("4. Time vs L: convolution vs recurrence", """
        The convolution does the whole sequence at once in O(L log L) after an O(N·L) kernel; the
        dense recurrence costs O(L·N²) and is sequential; the RNN modes (S4's Woodbury step, S4D's
        diagonal step) cost O(L·N). Training uses the convolution (parallel over L); generation
        uses the recurrence (one step at a time, constant memory). The figure times one channel.
        """)
    guard !book.skipsTimings else { return }
    let layer = run.layer, n = run.stateSize, probe = 3, step = 0.01
    let (aLegS, bLegS) = try legSTransition(stateSize: n)
    let cTilde = layer.cTilde.row(probe)                              // (N)
    let timingModel = try StateSpaceModel(a: aLegS, b: bLegS, c: cTilde).discretized(step: step, method: .bilinear)
    let rnn = try DPLRBilinear(layer.dplr, step: step)
    let s4d = try S4D(.lin, stateSize: n, rng: &book.rng)
    let sizes = (10...16).map { 1 << $0 }
    var inputs: [Int: [Double]] = [:]                                 // L → (L)
    for length in sizes { inputs[length] = (0..<length).map { _ in book.rng.nextGaussian() } }
    try book.timingSweep(name: "time-vs-length", title: "One channel, N = \(n): convolution vs recurrence",
                         parameter: "L (steps)", sizes: sizes, methods: [
                             TimedMethod("S4 convolution (Cauchy kernel + FFT)") { length in
                                 _ = try causalConvolution(try s4Kernel(layer.dplr, cTilde: cTilde, step: step, length: length), inputs[length]!)
                             },
                             TimedMethod("S4D convolution (Vandermonde + FFT)") { length in
                                 _ = try causalConvolution(try s4d.kernel(step: step, length: length), inputs[length]!)
                             },
                             TimedMethod("dense recurrence O(L·N²)", repetitions: 1) { length in _ = try timingModel.scan(inputs[length]!) },
                             TimedMethod("S4 RNN mode (Woodbury) O(L·N)", repetitions: 1) { length in _ = try rnn.scan(inputs[length]!, c: cTilde) },
                             TimedMethod("S4D recurrence O(L·N)", repetitions: 1) { length in _ = try s4d.scan(inputs[length]!, step: step) },
                         ])
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        At 65536 steps the S4 layer's FFT convolution, the dense recurrence and the O(N) Woodbury
        RNN give the same outputs to rounding (the table above); S4D's Vandermonde kernel
        reproduces its recurrence. Everything here is *time-invariant*: one kernel per channel,
        whatever the input. Chapter 05 (Mamba) lets Δ, B and C depend on the input — and the
        kernel disappears.
        """)
    book.exercises("""
        1. Set every channel's Δ to 1e-3 and look at the kernels: how many steps does each channel
           remember, and what happens to the layer's output on a 65536-step input?
        2. S4D-Lin's imaginary parts are πn, S4D-Inv's grow like N²/(πn). Compare the two kernels'
           spectra (`FFT.forward`) and explain which frequencies each can represent.
        3. In section 2, use C = C̃ instead of C̃(I − Āᴸ)⁻¹. For which channels (which Δ_h) does the
           check still pass, and why?
        """)
}

book.run { book in
    introduction(book)
    let run = try layerAtLength(book)
    try threeWays(book, run)
    try s4dJustDiagonal(book, run)
    try convolutionOrRecurrence(book, run)
    whatComesNext(book)
}
