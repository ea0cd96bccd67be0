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
        S4 learns (the kernel's), C = C̃(I − Āᴸ)⁻¹ the recurrence's, Λ the eigenvalues of LegS's
        normal part (Chapter 03), S4D-LegS/Inv/Lin/Real the diagonal initialisations.
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

/// The recurrence's output row for channel h of `layer` at length L: C = C̃(I − Āᴸ)⁻¹, or C̃
/// itself when the wrong ingredient `c-tilde-as-c` is injected. Returns (dense model, C).
func recurrenceFor(_ book: Notebook, _ layer: S4Layer, channel h: Int, length: Int) throws -> (DiscreteStateSpaceModel, [Double]) {
    let n = layer.dplr.stateSize
    let (a, b) = try legSTransition(stateSize: n)
    let step = layer.steps[h], cTilde = layer.cTilde.row(h)           // (N)
    let aBar = try StateSpaceModel(a: a, b: b, c: cTilde).discretized(step: step, method: .bilinear).aBar  // (N, N)
    let c = book.injects("c-tilde-as-c", "C = C̃ in the recurrence: the correction (I − Āᴸ)⁻¹ dropped")
        ? cTilde : try outputMatrix(fromTruncated: cTilde, aBar: aBar, length: length)  // (N)
    return (try StateSpaceModel(a: a, b: b, c: c, d: layer.skip[h]).discretized(step: step, method: .bilinear), c)
}

/// Every channel's row of `computed` divided by the largest entry of the same row of `reference`,
/// concatenated: an agreement check on it is as strict for a quiet channel as for a loud one.
func perChannelScaled(_ computed: [[Double]], _ reference: [[Double]]) -> (computed: [Double], reference: [Double]) {
    let scales = reference.map { 1 / maxAbs($0) }
    return (zip(computed, scales).flatMap { row, s in row.map { $0 * s } }, zip(reference, scales).flatMap { row, s in row.map { $0 * s } })
}

func threeWays(_ book: Notebook, _ run: LayerRun) throws {
    book.cell("2. FFT = direct = recurrence = RNN mode, every channel", """
        - **FFT vs direct.** At L = 4096 the O(L²) sum is affordable: the FFT convolution must equal
          y_t = Σ_{s≤t} K_{t−s} u_s.
        - **FFT vs recurrence, at length.** The kernel came from C̃; the recurrence needs
          C = C̃(I − Āᴸ)⁻¹ (`outputMatrix(fromTruncated:)`, exactly what S4 does to switch to RNN
          mode). Then the dense bilinear recurrence over all 16384 and 65536 steps must give the
          layer's output, in every channel (each channel's error is scaled by its own output, so a
          quiet channel is held to the same relative standard as a loud one).
        - **RNN mode.** The same recurrence without any N×N matrix: the Woodbury form of the
          bilinear step (`DPLRBilinear`), O(N) per step.
        """)
    let layer = run.layer, channels = layer.channels
    let (u, y, kernels) = run.outputs[16384]!
    let short = 4096
    let direct = try (0..<channels).map { h in
        let x = Array(u.row(h)[0..<short])
        return zip(try directCausalConvolution(Array(kernels.row(h)[0..<short]), x), x).map { $0 + layer.skip[h] * $1 }
    }
    let fftShort = perChannelScaled((0..<channels).map { Array(y.row($0)[0..<short]) }, direct)
    book.check(.agreement("all \(channels) channels, L = 4096: FFT convolution = direct O(L²) sum", fftShort.computed, fftShort.reference,
                          tolerance: 1e-12, reason: "FFT rounding ≈ ε·log₂(2L)·‖K‖₁‖u‖∞; the direct sum's ≈ ε·L"))
    for length in [16384, 65536] {
        let (u, y, _) = run.outputs[length]!
        var recurrences: [[Double]] = [], rnns: [[Double]] = []
        for h in 0..<channels {
            let (model, c) = try recurrenceFor(book, layer, channel: h, length: length)
            recurrences.append(try model.scan(u.row(h)))
            let rnn = try DPLRBilinear(layer.dplr, step: layer.steps[h]).scan(u.row(h), c: c)
            rnns.append(zip(rnn, u.row(h)).map { $0 + layer.skip[h] * $1 })
        }
        let fft = (0..<channels).map { y.row($0) }
        let dense = perChannelScaled(fft, recurrences), woodbury = perChannelScaled(rnns, fft)
        book.check(.agreement("all \(channels) channels, L = \(length): FFT convolution = dense bilinear recurrence (C = C̃(I − Āᴸ)⁻¹)",
                              dense.computed, dense.reference, tolerance: 1e-12,
                              reason: length == 16384 ? "C comes from a solve with (I − Āᴸ), well conditioned once Āᴸ has decayed; measured ≤ 7.8e-14 over 40 seeds (≤ 8e-14 over 100 in review). Not 1e-10: the channels with Δ_h·L ≈ 16 still have Āᴸ ≈ 1e-7, and C = C̃ (correction dropped) missed 1e-10 by only 2.9× here and passed it at L = 65536" : nil))
        book.check(.agreement("all \(channels) channels, L = \(length): RNN mode (Woodbury, O(N)/step) = FFT convolution",
                              woodbury.computed, woodbury.reference, tolerance: 1e-12,
                              reason: length == 16384 ? "O(N) Woodbury step vs FFT: measured ≤ 2.4e-14 over 40 seeds; tight enough that C = C̃ (correction dropped) fails here by ≈ 300×" : nil))
    }
}

func whereCTildeMatters(_ book: Notebook, _ run: LayerRun) throws {
    book.cell("3. Where the C̃ correction matters", """
        At L = 16384 every channel has Δ_h·L ≥ 16, so Āᴸ has all but vanished and C̃ ≈ C: the
        checks above would hardly notice if the correction were left out. It matters when the
        kernel is not much longer than the channel's memory, Δ_h·L of order one. Here the same
        layer runs on sequences of L = 128 steps (Δ_h·L between 0.13 and 13). The check compares
        every channel's FFT output with its recurrence (C = C̃(I − Āᴸ)⁻¹); the table also runs the
        recurrence with C̃ in place of C and shows each channel's output error — what leaving
        the correction out would cost — next to ‖C − C̃‖/‖C̃‖, which is not the same number (the
        output weighs C's components by how much the input excites them).
        """)
    let layer = run.layer, channels = layer.channels, length = 128
    let u = try Matrix(rows: channels, cols: length, elements: (0..<channels * length).map { _ in book.rng.nextGaussian() })  // (H, L)
    let y = try layer.apply(u, kernels: try layer.kernels(length: length))  // (H, L)
    var recurrences: [[Double]] = [], rows: [[String]] = [], errors: [Double] = []
    for h in 0..<channels {
        let (model, _) = try recurrenceFor(book, layer, channel: h, length: length)
        recurrences.append(try model.scan(u.row(h)))
        let corrected = try outputMatrix(fromTruncated: layer.cTilde.row(h), aBar: model.aBar, length: length)   // (N): C, always
        let uncorrected = try DiscreteStateSpaceModel(aBar: model.aBar, bBar: model.bBar, c: layer.cTilde.row(h), d: layer.skip[h],
                                                      step: model.step, method: model.method)
        let error = relativeDifference(try uncorrected.scan(u.row(h)), y.row(h))
        errors.append(error)
        rows.append(["\(h)", String(format: "%.2e", layer.steps[h]), String(format: "%.2f", layer.steps[h] * Double(length)),
                     String(format: "%.2e", relativeDifference(corrected, layer.cTilde.row(h))), String(format: "%.2e", error)])
    }
    book.table(header: ["channel h", "Δ_h", "Δ_h·L", "‖C − C̃‖∞/‖C̃‖∞", "output error with C̃ for C (‖·‖∞, relative)"], rows: rows)
    let scaled = perChannelScaled((0..<channels).map { y.row($0) }, recurrences)
    book.check(.agreement("all \(channels) channels, L = \(length): FFT convolution = dense bilinear recurrence (C = C̃(I − Āᴸ)⁻¹)",
                          scaled.computed, scaled.reference, tolerance: 1e-10,
                          reason: "exact identity; (I − Āᴸ) is farther from I here, so the solve for C costs a few more digits: measured ≤ 1.2e-13 over 100 seeds"))
    book.finding("Left out, the correction would put each channel's output off by between \(String(format: "%.1e", errors.min()!)) and \(String(format: "%.1e", errors.max()!)) (relative to that channel's largest output): the largest is what the check above would see.")
}

func s4dJustDiagonal(_ book: Notebook, _ run: LayerRun) throws {
    book.cell("4. S4D: just diagonal", """
        Drop the low-rank term and keep a diagonal A. S4D (Gu, Gupta, Goel & Ré, 2022) starts from
        LegS's DPLR form: **S4D-LegS** takes the eigenvalues Λ of its *normal part* (all −½ + iμ,
        Chapter 03) and B = ½V* B, and drops P. **S4D-Inv** keeps the real part −½ and replaces
        the imaginary parts μ_n by an "inverse law", (N/π)(N/(2n+1) − 1), which follows their
        asymptotics (large for small n, *decreasing* in n); **S4D-Lin** uses linearly spaced
        frequencies πn instead, a Fourier-like basis. **S4D-Real** uses the eigenvalues of A
        itself, −1…−N: real, so its modes decay without oscillating. The figure plots, for each
        initialisation, how fast its modes turn (Im A_n) — or, for S4D-Real, which has none, how
        fast they decay (−Re A_n) — against the Nyquist limit π/Δ of this cell's Δ = 0.01: a mode
        above it turns by more than π per step, and ZOH's samples show it at an aliased
        frequency. The ZOH kernel is a Vandermonde product,

            K_l = 2·Re Σₙ Cₙ B̄ₙ e^{lΔAₙ},   B̄ₙ = (e^{ΔAₙ} − 1)/Aₙ · Bₙ,

        no Cauchy sum, no Woodbury — and the recurrence is N/2 independent complex scalars (N
        real ones for S4D-Real). Two
        checks per initialisation: the Vandermonde kernel convolved with u must equal the
        recurrence (both use S4D's own Ā, B̄), and the kernel must equal that of the same system
        written as a real block-diagonal N×N matrix and discretised by the dense ZOH route of
        Chapter 02 (one matrix exponential): an independent computation of Ā and B̄.
        """)
    let n = run.stateSize, step = 0.01, length = 16384
    let input = (0..<length).map { _ in book.rng.nextGaussian() }     // (L)
    var eigenvalueSeries: [Figure.Series] = []
    for initialization in S4DInitialization.allCases {
        var model = try S4D(initialization, stateSize: n, rng: &book.rng)
        if book.injects("euler-b-in-s4d", "S4D's B̄ by Euler (ΔB) in place of ZOH's (e^{ΔA} − 1)/A·B") { model.inputRule = .euler }
        let kernel = try model.kernel(step: step, length: length)                          // (L)
        book.check(.agreement("S4D-\(initialization.rawValue), N = \(n), L = \(length): Vandermonde kernel ∗ u = recurrence",
                              try causalConvolution(kernel, input), try model.scan(input, step: step), tolerance: 1e-10,
                              reason: initialization == .lin ? "exact identity; e^{lΔA} anchored every 64 steps, so the kernel's error does not grow with l" : nil))
        let dense = try model.realBlockForm().discretized(step: step, method: .zoh)
        let shortLength = 4096
        book.check(.agreement("S4D-\(initialization.rawValue), N = \(n), L = \(shortLength): Vandermonde kernel = kernel of the real block form by dense ZOH (expm)",
                              Array(kernel[0..<shortLength]), try dense.kernel(length: shortLength), tolerance: 1e-10,
                              reason: initialization == .lin ? "Padé expm ≈ ε·‖ΔA‖; the block-diagonal Ā is normal, so L powers add ≈ L·ε" : nil))
        let rates = initialization == .real ? model.a.map { -$0.real } : model.a.map(\.imaginary)   // (M)
        eigenvalueSeries.append(.init(initialization == .real ? "S4D-Real (−Re A_n: decay, no turning)" : "S4D-\(initialization == .legS ? "LegS" : initialization.rawValue.capitalized) (Im A_n)",
                                      x: rates.indices.map { Double($0 + 1) }, y: rates.sorted(by: >), style: "linespoints lw 2"))
    }
    eigenvalueSeries.append(.init("Nyquist π/Δ at Δ = 0.01", x: [1, Double(n)], y: [Double.pi / step, Double.pi / step], style: "lines lw 2 dt 2 lc rgb 'black'"))
    var figure = Figure(name: "s4d-eigenvalues", title: "How fast the S4D modes turn (Im A_n, all with Re A_n = −½) or, for S4D-Real, decay (−Re A_n), N = \(n)",
                        xLabel: "rank of the mode (fastest first; Lin's Im = 0 mode is off the log axis)", yLabel: "radians (or e-folds) per unit time", series: eigenvalueSeries)
    figure.logY = true
    try book.figure(figure)
}

/// S4-LegS (the dense (A, B, C), ZOH by one matrix exponential) and S4D-LegS (Λ, ½V*B, CV; ZOH
/// Vandermonde) for one random real C: both kernels (L), and max|Im Λ| (rad per unit time).
func legSPair(_ book: Notebook, stateSize n: Int, step: Double, length: Int) throws -> (s4: [Double], s4d: [Double], fastest: Double) {
    let dplr = try DPLR.legS(stateSize: n)
    let (a, b) = try legSTransition(stateSize: n)
    let c = (0..<n).map { _ in book.rng.nextGaussian() / Double(n).squareRoot() }   // (N)
    let s4 = try StateSpaceModel(a: a, b: b, c: c).discretized(step: step, method: .zoh).kernel(length: length)  // (L)
    let factor = book.injects("s4d-legs-full-b", "S4D-LegS with B̃ = V*B in place of ½V*B") ? 2.0 : 1.0
    let diagonal = try S4D(legS: dplr, c: try dplr.rowInEigenbasis(c.map { factor * $0 }))
    return (s4, try diagonal.kernel(step: step, length: length), dplr.lambda.map { abs($0.imaginary) }.max()!)   // (L), (L)
}

/// The comparison of cell 5 at one N: relative gaps (‖·‖∞) of the kernels and of the outputs.
struct LegSGap {
    let n: Int, fastestPerStep: Double, kernel: Double, smooth: Double, noise: Double
    let kernels: (s4: [Double], s4d: [Double]), smoothOutputs: (s4: [Double], s4d: [Double])   // (L) each
}

func s4dLegSAgainstS4(_ book: Notebook) throws {
    book.cell("5. S4D-LegS against S4", """
        How close is S4D-LegS to S4 — the same Λ, without the low-rank term? The S4D paper (Gu,
        Gupta, Goel & Ré, 2022, Theorem 3) proves a continuous-time statement: the basis
        functions of (Λ, ½V*B) — the kernel of each state coordinate — converge to those of
        LegS as N → ∞ (its abstract: the diagonal restriction "recovers the same kernel in the
        limit of infinite state dimension"). Yu et al. (2023, "Robustifying State-space Models
        for Long Sequences via Approximate Diagonalization", §3.2–3.3, App. F) show that this
        convergence is only *weak*: for a fixed smooth input the outputs converge, but not
        uniformly over inputs — on the unit impulse and on fast Fourier modes the two systems
        stay apart. The reference code's `legsd` measure (A + ½BBᵀ, B/2) is this same system.

        To measure only that, both sides get the same C and the same discretisation, ZOH: S4
        as the dense LegS system (A, B, C) through one matrix exponential (Chapter 02), S4D-LegS
        as its Vandermonde kernel with CV in the eigenbasis. ZOH is exact for an input held
        constant over each step, so the gap between the two discrete outputs is the gap
        between the two continuous systems, whatever Δ. (Mixing the two — S4 bilinear,
        S4D-LegS ZOH — would add the gap between two discretisations, of order one for the
        fast modes.) Δ = 1e-3 keeps every mode up to
        N = 64 below the Nyquist limit (Δ·max|Im Λ| < π, the table's second column); at
        N = 256 the fastest modes turn by more than π per step, and both kernels show them
        aliased alike. Inputs over L = 8192 steps (8 time units, t = kΔ): a smooth one,
        sin(2πt/5) plus a Gaussian bump at t = 5, and white noise. The first figure compares
        the two kernels' spectra |K̂(ω)| at N = 64 (the DFT of each kernel, up to the Nyquist
        frequency π/Δ): each S4D-LegS mode is a resonance of width ½ at its Im Λ_n, so where
        the modes are sparse — at high ω — its spectrum is a row of narrow peaks where S4's is
        smooth, while at low ω, where the modes are dense, the two spectra lie on each other. A
        smooth input lives at low ω; the kernel itself (the response to a unit impulse, all
        frequencies at once) and white noise do not. The second figure shows the outputs on the
        smooth input.
        """)
    let step = 1e-3, length = 8192
    let t = (0..<length).map { Double($0) * step }
    let smooth = t.map { sin(2 * Double.pi * $0 / 5) + exp(-($0 - 5) * ($0 - 5)) }  // (L)
    let noise = (0..<length).map { _ in book.rng.nextGaussian() }      // (L)
    var gaps: [Int: LegSGap] = [:]
    for n in [16, 64, 256] {
        let pair = try legSPair(book, stateSize: n, step: step, length: length)
        let (s4, s4d) = (try causalConvolution(pair.s4, smooth), try causalConvolution(pair.s4d, smooth))   // (L) each
        gaps[n] = LegSGap(n: n, fastestPerStep: pair.fastest * step, kernel: relativeDifference(pair.s4d, pair.s4),
                          smooth: relativeDifference(s4d, s4),
                          noise: relativeDifference(try causalConvolution(pair.s4d, noise), try causalConvolution(pair.s4, noise)),
                          kernels: (pair.s4, pair.s4d), smoothOutputs: (s4, s4d))
    }
    let ordered = [16, 64, 256].map { gaps[$0]! }
    book.table(header: ["N", "Δ·max|Im Λ| (rad/step)", "kernels", "outputs, smooth input", "outputs, white noise"],
               rows: ordered.map { ["\($0.n)", String(format: "%.2f", $0.fastestPerStep), String(format: "%.2e", $0.kernel),
                                    String(format: "%.2e", $0.smooth), String(format: "%.2e", $0.noise)] })
    book.finding(String(format: "From N = 16 to 256 the smooth-input gap goes from %.1e to %.1e, the white-noise gap from %.2f to %.2f and the kernels' gap from %.2f to %.2f (‖·‖∞, relative to S4).",
                        ordered[0].smooth, ordered[2].smooth, ordered[0].noise, ordered[2].noise, ordered[0].kernel, ordered[2].kernel))
    book.check(.bound("N = 256: S4D-LegS output = S4 output on a smooth input (relative difference, both ZOH)", gaps[256]!.smooth, .lessOrEqual, 1e-2,
                      reason: "weak convergence; it depends on the random C: measured 3.0e-4 … 4.2e-3 at N = 256 over 40 seeds"))
    book.check(.bound("S4D-LegS vs S4 on a smooth input: gap at N = 16 / gap at N = 256", gaps[16]!.smooth / gaps[256]!.smooth, .greaterOrEqual, 3,
                      reason: "the gap shrinks with N, faster than 1/N (which would give 16): measured 6.5 … 145 over 40 seeds"))
    try legSFigures(book, step: step, gaps: ordered)
}

/// Cell 5's figures: the two kernels' spectra at N = 64 (every mode below Nyquist), and the smooth-input outputs at N = 16 and 256.
func legSFigures(_ book: Notebook, step: Double, gaps: [LegSGap]) throws {
    let length = gaps[0].kernels.s4.count, bins = 1...(length / 2)
    let omega = bins.map { 2 * Double.pi * Double($0) / (Double(length) * step) }   // rad per unit time
    var series: [Figure.Series] = []
    for gap in gaps where gap.n == 64 {
        for (label, kernel, style) in [("S4 (dense LegS, ZOH)", gap.kernels.s4, "lines lw 3"), ("S4D-LegS (Λ, ½V*B, ZOH)", gap.kernels.s4d, "lines lw 1")] {
            let spectrum = try FFT.forward(kernel)                    // (L/2 + 1)
            series.append(.init("\(label), N = \(gap.n)", x: omega, y: bins.map { spectrum[$0].length }, style: style))
        }
    }
    var figure = Figure(name: "s4-vs-s4d-kernels", title: "N = 64, one C, Δ = 1e-3, L = 8192: spectra of S4's and S4D-LegS's kernels (the axis ends at the Nyquist frequency π/Δ ≈ 3142)",
                        xLabel: "ω (radians per unit time)", yLabel: "|K̂(ω)| (DFT of the kernel)", series: series)
    figure.logX = true
    figure.logY = true
    try book.figure(figure)
    let t = (0..<length).map { Double($0) * step }
    figure = Figure(name: "s4-vs-s4d-outputs", title: "Outputs on a smooth input (N = 16 and 256, Δ = 1e-3): S4 vs S4D-LegS, both ZOH",
                    xLabel: "t = kΔ (time units)", yLabel: "y(t)", series: gaps.filter { $0.n != 64 }.flatMap { gap in
                        [Figure.Series("S4, N = \(gap.n)", x: t, y: gap.smoothOutputs.s4, style: "lines lw 3"),
                         Figure.Series("S4D-LegS, N = \(gap.n)", x: t, y: gap.smoothOutputs.s4d, style: "lines lw 1 dt 2")]
                    })
    try book.figure(figure)
}

func convolutionOrRecurrence(_ book: Notebook, _ run: LayerRun) throws {
    book.cell("6. Time vs L: convolution vs recurrence", """
        The convolution does the whole sequence at once in O(L log L) after an O(N·L) kernel; the
        dense recurrence costs O(L·N²); the RNN modes (S4's Woodbury step, S4D's diagonal step)
        cost O(L·N). On a log-log plot each of these is a line of slope ≈ 1 in L (log L hardly
        bends it): the lines are parallel, and only their heights — the constants, N² against N
        against log L — differ. So the convolution does not win by doing less arithmetic per
        step. Its advantage is that, once the kernel is known, all L outputs are independent
        and can be computed in parallel (an FFT on a GPU), while the recurrence must take its L
        steps one after another; that is why S4 trains with the convolution and generates with
        the recurrence (one step at a time, constant memory). Here one channel is timed on one
        CPU thread.
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
    guard let result = try book.timingSweep(name: "time-vs-length", title: "One channel, N = \(n): convolution vs recurrence",
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
    ]) else { return }
    let slopes = try result.labels.map { label in
        String(format: "%@ %.2f", label, try logLogSlope(sizes.map(Double.init), result[label]))
    }
    book.finding("Fitted log-log slopes in L on this machine: " + slopes.joined(separator: "; ") + ".")
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        At 65536 steps the S4 layer's FFT convolution, the dense recurrence and the O(N) Woodbury
        RNN give the same outputs in every channel, to the tolerances in the table below; at
        L = 128 that needs the C̃ correction. S4D's Vandermonde kernel reproduces both its own
        recurrence and a dense ZOH of the same system, and S4D-LegS, without S4's low-rank term,
        answers smooth inputs as S4 does, more closely as N grows. Everything here is
        *time-invariant*: one kernel per channel, whatever the input. Chapter 05 (Mamba) lets Δ,
        B and C depend on the input — and the kernel disappears.
        """)
    book.exercises("""
        1. Build the layer with every channel at Δ = 1e-3 —
           `S4Layer(stateSize: 64, channels: 8, stepRange: 1e-3...1e-3, rng: &rng)` — and measure
           each channel's memory as the number of steps after which its kernel stays below 1e-2
           of its largest |K_l|. Compare with cell 1's layer (same seed). Then apply both layers
           to the same 65536-step white noise: how does the size (RMS) of K_h ∗ u change, and why?
        2. S4D-Lin's imaginary parts are πn (increasing in n); S4D-Inv's *decrease* in n, about
           N²/(π(2n+1)) for small n. Compare the two kernels' spectra (`FFT.forward`, N = 64,
           Δ = 0.01, L = 4096, C = 1) and explain which frequencies each can represent. Which
           frequencies lie above the Nyquist limit π/Δ, and what happens to them?
        3. Run the chapter with `--inject c-tilde-as-c`, then change cell 3's L from 128 to 1024.
           Which channels still fail, and can you predict their errors from Δ_h·L alone?
        """)
}

book.run { book in
    introduction(book)
    let run = try layerAtLength(book)
    try threeWays(book, run)
    try whereCTildeMatters(book, run)
    try s4dJustDiagonal(book, run)
    try s4dLegSAgainstS4(book)
    try convolutionOrRecurrence(book, run)
    whatComesNext(book)
}
