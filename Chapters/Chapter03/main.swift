import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter03", title: "S4: diagonal plus low rank, and the Cauchy kernel", abstract: """
    S4: why HiPPO-LegS cannot be diagonalised directly, how writing it as diagonal plus low rank \
    lets its kernel come from a generating function at the roots of unity (Cauchy sums, the \
    Woodbury identity, one inverse FFT) in O(N·L), and that this kernel gives the same output as \
    the recurrence, whose kernel costs O(L·N²) by stepping.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        Chapter 02 left one problem: the convolution view needs the kernel K_k = C Āᵏ B̄, and
        computing it by stepping costs as much as running the recurrence, O(L·N²). S4 (Gu, Goel &
        Ré, 2022) computes it in O(N·L) operations, never forming Ā, with three ideas:

        1. **NPLR → DPLR.** HiPPO-LegS is *normal plus low rank*: A = S − PPᵀ with S normal. Normal
           matrices are diagonalised by a *unitary* V (perfectly conditioned), so
           A = V(Λ − P̃P̃*)V*: diagonal plus rank one.
        2. **Generating function.** Instead of K, compute its DFT: K̂(ω) = C̃(I − Āω)⁻¹B̄ at the L
           roots of unity, a resolvent rather than L matrix powers.
        3. **Cauchy + Woodbury.** The resolvent of diagonal-plus-rank-one is four Cauchy sums
           Σ aₙbₙ/(g − Λₙ), combined by the Woodbury identity. One inverse FFT gives K.

        Glossary: N state size, L kernel length, Δ step, Λ the eigenvalues of the normal part, P̃, B̃
        the low-rank factor and input matrix in its eigenbasis, C̃ = C(I − Āᴸ) the output matrix S4
        learns, ω_k = e^{−2πik/L} the roots of unity.
        """)
}

func whyNotDiagonalise(_ book: Notebook) throws {
    book.cell("1. Why not diagonalise A directly?", """
        LegS has distinct eigenvalues −1…−N, so A = V_A Λ_A V_A⁻¹ exists, and so does the
        diagonalisation of its bilinear Ā. But V_A is hopelessly ill-conditioned: its inverse has
        entries that grow exponentially in N, and a computation through it loses that many
        digits. The table measures max |(V_A⁻¹)ᵢⱼ| with LAPACK (eigenvectors normalised to unit
        length) and then does exactly that computation: the kernel K_k = C V_A zᵏ V_A⁻¹ B̄ (Δ =
        0.01, L = 256, C = 1/√N, z the eigenvalues of Ā), compared with the kernel from L dense
        matrix-vector products.
        """)
    var rows: [[String]] = [], errors: [Int: Double] = [:]
    for n in [4, 8, 16, 24, 32] {
        let (a, b) = try legSTransition(stateSize: n)
        let (_, vA) = try generalEigen(a)                            // (N, N)
        let inverse = try solve(vA, ComplexMatrix.identity(n), name: "V_A")
        let largest = inverse.elements.reduce(0) { max($0, $1.length) }
        let c = [Double](repeating: 1 / Double(n).squareRoot(), count: n)  // (N)
        let dense = try StateSpaceModel(a: a, b: b, c: c).discretized(step: 0.01, method: .bilinear)
        errors[n] = relativeDifference(try kernelThroughEigenvectors(dense, length: 256), try dense.kernel(length: 256))
        rows.append(["\(n)", String(format: "%.2e", largest), String(format: "%.2e", errors[n]!)])
    }
    book.table(header: ["N", "max |V_A⁻¹|", "kernel through V_A: relative error"], rows: rows)
    book.finding("Through V_A the kernel is off by \(String(format: "%.1e", errors[4]!)) at N = 4 and by \(String(format: "%.1e", errors[32]!)) at N = 32 (relative): the digits lost grow with N, as max |V_A⁻¹| does; S4's N = 64 is out of reach this way.")
}

/// Whether the Woodbury correction is dropped (`--inject no-woodbury`): the kernel of the normal part alone.
func injectsNoWoodbury(_ book: Notebook) -> Bool {
    book.injects("no-woodbury", "the Woodbury correction dropped: c·k(C̃V, B̃), the kernel of A + PPᵀ")
}

/// Returns the DPLR forms of LegS at N = 8, 64, 256, which every later cell reuses.
func nplrToDPLR(_ book: Notebook) throws -> [Int: DPLR] {
    book.cell("2. Normal plus low rank → diagonal plus low rank", """
        With P_n = √(n + ½), PPᵀ has entries ½√(2n+1)√(2k+1): adding it to A cancels half of every
        off-diagonal entry and turns the diagonal −(n+1) into −½. What is left, S = A + PPᵀ, is
        −½I plus a skew-symmetric matrix — normal. LAPACK's Hermitian eigensolver on −i(S + ½I)
        gives S = V Λ V* with V unitary and Λ = −½ + iμ. Then A = V(Λ − P̃P̃*)V*, P̃ = V* P,
        B̃ = V* B. We keep the N/2 eigenvalues with μ > 0; their conjugates are implied. Three checks
        per N: S is −½I + skew, the DPLR form rebuilds A, and the basis [V, V̄] is unitary (what
        makes this change of basis lose no digits, unlike V_A above).
        """)
    var dplrs: [Int: DPLR] = [:]
    for n in [8, 64, 256] {
        let (a, _) = try legSTransition(stateSize: n)
        let p = try legSLowRankFactor(stateSize: n)
        let s = a + (try Matrix(rows: n, cols: n, elements: (0..<n * n).map { p[$0 / n] * p[$0 % n] }))  // (N, N)
        book.check(.agreement("N = \(n): S + Sᵀ = −I (S = A + PPᵀ is −½I + skew)", (s + s.transposed).elements,
                              (-1 * Matrix.identity(n)).elements, tolerance: 1e-14 * Double(n),
                              reason: n == 8 ? "entrywise √(2n+1)√(2k+1) − 2√(n+½)√(k+½) cancels terms of size ≤ 2N: a few ε·2N" : nil))
        let full = try DPLR.legS(stateSize: n)
        let dplr = book.injects("drop-conjugate-pair", "one conjugate pair of Λ (the slowest, smallest μ) dropped from the DPLR form")
            ? full.droppingPair(at: 0) : full
        dplrs[n] = dplr
        let rebuilt = dplr.reconstructedA()                          // (N, N), complex
        book.check(.agreement("N = \(n): V(Λ − P̃P̃*)V* = A", rebuilt.real.elements, a.elements, tolerance: 1e-12,
                              reason: n == 8 ? "a unitary change of basis loses nothing: error ≈ ε·N·‖A‖" : nil))
        book.check(.bound("N = \(n): [V, V̄] is unitary: max |F*F − I|", dplr.unitarityError, .lessOrEqual, 1e-15 * Double(n * n),
                          reason: n == 8 ? "zheev's eigenvectors are orthonormal to rounding that grows with N: measured ≤ 5e-17·N² (N = 8…256; no randomness)" : nil))
    }
    book.show("LegS N = 8 eigenvalues kept (μ > 0): " + dplrs[8]!.lambda.map { String(format: "%.3f%+.3fi", $0.real, $0.imaginary) }.joined(separator: ", "))
    return dplrs
}

/// Returns the cost table's rows (N, L, both times, ratio), printed by the cost cell.
func kernelByCauchy(_ book: Notebook, dplrs: [Int: DPLR]) throws -> [[String]] {
    book.cell("3. The kernel without Ā: generating function, Cauchy, Woodbury", """
        The S4 kernel (`s4Kernel`, bilinear discretisation):

            K̂(ω) = c(ω)·[k(C̃V, B̃) − k(C̃V, P̃)·(1 + k(P̃*, P̃))⁻¹·k(P̃*, B̃)],
            k(a, b)(g) = Σₙ aₙbₙ/(g − Λₙ),   g = (2/Δ)(1−ω)/(1+ω),   c = 2/(1+ω),

        evaluated at ω_k = e^{−2πik/L} for k = 0…L/2 (K is real, the rest is conjugate), then
        K = iFFT(K̂) by FFTW's complex-to-real transform. The check that matters most in this book:
        it must equal K_k = C Āᵏ B̄ materialised from the dense bilinear SSM of Chapter 02, where
        C̃ = C(I − Āᴸ). L = 1000 checks that no power of two is needed.
        """)
    var costRows: [[String]] = []
    for (n, length) in [(8, 16), (8, 1024), (64, 1000), (64, 1024), (64, 16384), (256, 1024), (256, 16384)] {
        let (a, b) = try legSTransition(stateSize: n)
        let c = (0..<n).map { _ in book.rng.nextGaussian() / Double(n).squareRoot() }  // (N)
        let step = 0.01
        let dense = try StateSpaceModel(a: a, b: b, c: c).discretized(step: step, method: .bilinear)
        let cTilde = book.injects("c-for-c-tilde", "C in place of C̃ = C(I − Āᴸ) in the Cauchy kernel")
            ? c : try truncatedOutputMatrix(c: c, aBar: dense.aBar, length: length)  // (N)
        let lowRank = !injectsNoWoodbury(book)
        var fast: [Double] = [], materialised: [Double] = []
        let fastTime = try book.medianTime(repetitions: 3) {
            fast = try s4Kernel(dplrs[n]!, cTilde: cTilde, step: step, length: length, lowRankTerm: lowRank)
        }
        let slowTime = try book.medianTime(repetitions: 3) { materialised = try dense.kernel(length: length) }
        book.check(.agreement("N = \(n), L = \(length): S4 kernel (Cauchy) = C Āᵏ B̄ (dense)", fast, materialised,
                              tolerance: 1e-10, reason: n == 8 && length == 16
                                ? "both exact in exact arithmetic; the dense path's rounding grows with N (‖Ā‖ products), measured ≤ 5.3e-13 (N = 256) over 100 seeds" : nil))
        costRows.append(["\(n)", "\(length)", Timing.format(fastTime), Timing.format(slowTime), String(format: "%.1f×", slowTime / fastTime)])
    }
    return costRows
}

/// The LegS N = 64 system of cells 4 and 5: its dense bilinear discretisation and C.
struct LegS64 {
    let a: Matrix, b: [Double], c: [Double]                          // (N, N), (N), (N)
    let step: Double
    let dense: DiscreteStateSpaceModel
}

func outputThreeWays(_ book: Notebook, dplrs: [Int: DPLR]) throws -> LegS64 {
    book.cell("4. The output three ways", """
        With the kernel in hand, S4's output is an FFT convolution. It must equal the recurrence of
        the dense bilinear SSM, and the Toeplitz matrix times the input.
        """)
    let n = 64, length = 4096, step = 0.01
    let (a, b) = try legSTransition(stateSize: n)
    let c = (0..<n).map { _ in book.rng.nextGaussian() / 8 }          // (N)
    let dense = try StateSpaceModel(a: a, b: b, c: c).discretized(step: step, method: .bilinear, requireStable: true)
    let kernel = try s4Kernel(dplrs[n]!, cTilde: try truncatedOutputMatrix(c: c, aBar: dense.aBar, length: length),
                              step: step, length: length)           // (L)
    let u = (0..<length).map { _ in book.rng.nextGaussian() }         // (L)
    let viaS4 = try causalConvolution(kernel, u)
    let viaRecurrence = try dense.scan(u)
    let viaMatmul = try toeplitzMatrix(kernel: kernel) * u
    book.check(.agreement("N = 64, L = 4096: FFT convolution with the S4 kernel = dense bilinear recurrence", viaS4, viaRecurrence,
                          tolerance: 1e-10, reason: "exact rewritings of one operator; rounding only"))
    book.check(.agreement("N = 64, L = 4096: Toeplitz matmul with the S4 kernel = dense bilinear recurrence", viaMatmul, viaRecurrence,
                          tolerance: 1e-10))
    return LegS64(a: a, b: b, c: c, step: step, dense: dense)
}

func spectrumByResolvent(_ book: Notebook, dplrs: [Int: DPLR], legS64: LegS64) throws {
    book.cell("5. The generating function, checked by a resolvent", """
        The Cauchy sums give K̂ at the roots of unity, the kernel's DFT — its frequency response.
        That they are right is checked here without them: at a few ω_k the same number is
        C̃(I − Āω_k)⁻¹B̄, one dense complex solve with the bilinear Ā and B̄ of Chapter 02
        (N = 64, Δ = 0.01, L = 4096, k from 0 to L/2 − 1). The figure draws |K̂| over all
        frequencies.
        """)
    let length = 4096, step = legS64.step
    let cTilde = try truncatedOutputMatrix(c: legS64.c, aBar: legS64.dense.aBar, length: length)  // (N)
    let spectrum = try s4GeneratingFunction(dplrs[64]!, cTilde: cTilde, step: step, length: length,
                                            lowRankTerm: !injectsNoWoodbury(book))  // (L/2+1)
    let probes = [0, 1, 5, 64, 512, 1024, 2047]
    let dense = try resolventGeneratingFunction(legS64.dense, cTilde: cTilde, frequencies: probes, length: length)
    book.check(.agreement("N = 64, L = 4096: K̂(ω_k) from the Cauchy sums = C̃(I − Āω_k)⁻¹B̄ by a dense solve, 7 values of k, re and im",
                          probes.flatMap { [spectrum[$0].real, spectrum[$0].imaginary] }, dense.flatMap { [$0.real, $0.imaginary] },
                          tolerance: 1e-10, reason: "I − Āω is worst conditioned at ω = 1 (Ā's slowest mode is 1 − Δ); measured ≤ 1.8e-13 over 100 seeds"))
    var figure = Figure(name: "cauchy-spectrum", title: "|K̂(ω)| on the unit circle (LegS N = 64, Δ = 0.01, L = 4096)",
                        xLabel: "frequency k/L (cycles per step)", yLabel: "|K̂(ω_k)|",
                        series: [.init("|K̂(e^{-2πik/L})| from the Cauchy sums", x: (0..<spectrum.count).map { Double($0) / Double(length) },
                                       y: spectrum.map(\.length)),
                                 .init("dense solve C̃(I − Āω)⁻¹B̄", x: probes.map { Double($0) / Double(length) }, y: dense.map { ($0.real * $0.real + $0.imaginary * $0.imaginary).squareRoot() },
                                       style: "points pt 7 ps 1.5")])
    figure.logY = true
    try book.figure(figure)
}

func oneSystemThreeSteps(_ book: Notebook, dplrs: [Int: DPLR], legS64: LegS64) throws {
    book.cell("6. One system, three steps Δ", """
        Hold the continuous system fixed — LegS N = 64 and one C — and discretise it at Δ = 0.1,
        0.01 and 0.001 (C̃ recomputed for each Δ and L, so all three are the same system). Then
        K_k/Δ should trace the continuous kernel C e^{tA} B — at t = (k + ½)Δ, because B̄ =
        (I − ΔA/2)⁻¹ΔB carries half a step of e^{ΔA} (to second order): the bilinear kernel
        samples the middle of each step. The table computes C e^{tA} B independently, by a dense
        matrix exponential at t = 0.5, 1, 2, 4 (shifted by Δ/2), and adds Δ = 1e-4: the gap falls
        like Δ², but LegS's highest components oscillate so fast that Δ = 0.01 is still far off.

        The bilinear step does not sample e^{tA}: it maps each continuous frequency ω to
        θ = 2·atan(Δω/2) radians per step, always below π — nothing aliases, unlike sampling, but
        frequencies with Δω ≫ 2 are squeezed just below π (a zigzag from step to step) and their
        delays are stretched by dω/dθ·Δ = 1 + (Δω/2)². LegS's kernel wiggles fast near t = 0 (it
        is a polynomial of degree N in e^{−t}); at Δ = 0.1 those wiggles reappear as the zigzag
        spread over many steps in the first figure. The second figure shows where the map sends
        A's eigenvalues −1…−N (those with Δk > 2 land on the negative real axis: modes that change
        sign every step) and Λ, the poles the Cauchy sums use (Re Λ = −½ is small next to Im Λ,
        so their images hug the unit circle).
        """)
    let (a, b) = try legSTransition(stateSize: 64)
    var series: [Figure.Series] = [], rows: [[String]] = [], gaps: [Double: Double] = [:]
    let probeTimes = [0.5, 1.0, 2.0, 4.0]
    func continuous(_ t: Double) throws -> Double { zip(legS64.c, try matrixExponential(t * a) * b).reduce(0) { $0 + $1.0 * $1.1 } }  // C e^{tA} B
    for delta in [0.1, 0.01, 0.001, 0.0001] {
        let length = delta < 0.001 ? 40001 : Int((8 / delta).rounded())   // Δ = 1e-4: only up to t = 4 (the probes)
        let dense = try StateSpaceModel(a: a, b: b, c: legS64.c).discretized(step: delta, method: .bilinear)
        let cTilde = try truncatedOutputMatrix(c: legS64.c, aBar: dense.aBar, length: length)
        let k = try s4Kernel(dplrs[64]!, cTilde: cTilde, step: delta, length: length)   // (L)
        let sampled = probeTimes.map { k[Int(($0 / delta).rounded())] / delta }
        gaps[delta] = relativeDifference(sampled, try probeTimes.map { try continuous($0 + delta / 2) })
        rows.append(["\(delta)", "\(length)", String(format: "%.2e", gaps[delta]!),
                     "\((1...64).filter { delta * Double($0) > 2 }.count)"])
        if delta >= 0.001 {
            series.append(.init("Δ = \(delta)", x: (0..<length).map { Double($0) * delta }, y: k.map { $0 / delta },
                                style: delta == 0.1 ? "linespoints lw 1 pt 7 ps 0.5" : "lines lw 2"))
        }
    }
    book.table(header: ["Δ", "L", "|K_k/Δ − C e^{(k+½)ΔA} B| / max (t = 0.5, 1, 2, 4)", "eigenvalues −k with Δk > 2"], rows: rows)
    book.check(.bound("N = 64, Δ = 1e-4: K_k/Δ (Cauchy) = C e^{(k+½)ΔA} B (dense expm) at t = 0.5, 1, 2, 4", gaps[0.0001]!, .lessOrEqual, 2e-3,
                      reason: "bilinear is second order, O((Δω)²) with ω up to a few hundred for LegS N = 64's top components: measured 3e-6 … 5.8e-4 over 100 seeds"))
    book.check(.bound("N = 64: that gap at Δ = 1e-3 / at Δ = 1e-4 (second order: 100)", gaps[0.001]! / gaps[0.0001]!, .greaterOrEqual, 30,
                      reason: "O(Δ²) gives 100; measured 53 … 115 over 100 seeds"))
    series.append(.init("C e^{tA} B (dense expm)", x: probeTimes, y: try probeTimes.map(continuous), style: "points pt 6 ps 2.5 lw 2"))
    try book.figure(Figure(name: "s4-kernel", title: "One LegS system (N = 64, one C) discretised at three steps: K_k/Δ against t = kΔ",
                           xLabel: "t = kΔ (time units)", yLabel: "K_k / Δ", series: series))
    try drawBilinearMap(book, dplr: dplrs[64]!)
}

/// The unit disk with the bilinear images z = (1 + Δλ/2)/(1 − Δλ/2) of A's eigenvalues −1…−N and of Λ.
func drawBilinearMap(_ book: Notebook, dplr: DPLR) throws {
    /// z = (1 + Δλ/2)/(1 − Δλ/2) for λ = x + iy, as (Re z, Im z).
    func bilinear(_ x: Double, _ y: Double, _ delta: Double) -> (real: Double, imaginary: Double) {
        let (nr, ni, dr, di) = (1 + delta * x / 2, delta * y / 2, 1 - delta * x / 2, -delta * y / 2)
        let d = dr * dr + di * di
        return ((nr * dr + ni * di) / d, (ni * dr - nr * di) / d)
    }
    let circle = (0...200).map { Double($0) * 2 * Double.pi / 200 }
    var series: [Figure.Series] = [.init("unit circle", x: circle.map(cos), y: circle.map(sin), style: "lines lw 1 lc rgb 'gray'")]
    let lambdas = dplr.lambda.map { ($0.real, $0.imaginary) } + dplr.lambda.map { ($0.real, -$0.imaginary) }
    for (delta, point) in [(0.1, 7), (0.01, 9)] {
        let fromA = (1...dplr.stateSize).map { bilinear(-Double($0), 0, delta) }
        let fromLambda = lambdas.map { bilinear($0.0, $0.1, delta) }
        series.append(.init("A's eigenvalues −1…−64, Δ = \(delta)", x: fromA.map(\.real), y: fromA.map(\.imaginary), style: "points pt \(point) ps 1.2"))
        series.append(.init("Λ (normal part), Δ = \(delta)", x: fromLambda.map(\.real), y: fromLambda.map(\.imaginary), style: "points pt \(point + 5) ps 1"))
    }
    var figure = Figure(name: "bilinear-map", title: "Where the bilinear map z = (1 + Δλ/2)/(1 − Δλ/2) sends A's eigenvalues and Λ (N = 64)",
                        xLabel: "Re z", yLabel: "Im z", series: series)
    figure.size = (width: 800, height: 800)
    figure.extraCommands = ["set size ratio -1", "set xrange [-1.2:1.2]", "set yrange [-1.2:1.2]"]
    try book.figure(figure)
}

func whatItCosts(_ book: Notebook, dplrs: [Int: DPLR], costRows: [[String]]) throws {
    book.cell("7. What it costs", """
        The Cauchy path costs O(N·L) — N/2 pairs, four sums, at L/2 + 1 frequencies — plus an
        O(L log L) inverse FFT, with no N×N matrix in sight; materialising C Āᵏ B̄ costs O(L·N²).
        The table repeats the timings of cell 3 (medians of 3 after a warm-up, debug build);
        the figure times both at fixed L = 4096 as N grows. The operation counts grow like N and
        N², slopes 1 and 2 on log-log axes; at small N both paths are dominated by fixed costs
        per step or per frequency, so the measured slopes (printed under the figure) approach
        1 and 2 only as N grows. The release benchmark has the real numbers:
        `swift run -c release Bench --filter s4`.
        """)
    book.table(header: ["N", "L", "Cauchy path", "materialised C Āᵏ B̄", "ratio"], rows: costRows)
    let faster = costRows.filter { (Double($0[4].dropLast()) ?? 0) > 1 }.map { "N = \($0[0]), L = \($0[1])" }
    book.finding("In this run the Cauchy path was faster in \(faster.count) of \(costRows.count) rows" + (faster.isEmpty ? "." : ": " + faster.joined(separator: "; ") + "."))
    guard !book.skipsTimings else { return }
    let sizes = [16, 32, 64, 128, 256], length = 4096, step = 0.01
    var models: [Int: (DPLR, DiscreteStateSpaceModel, [Double])] = [:]
    for n in sizes {
        let (a, b) = try legSTransition(stateSize: n)
        let c = (0..<n).map { _ in book.rng.nextGaussian() / Double(n).squareRoot() }   // (N)
        models[n] = (try dplrs[n] ?? DPLR.legS(stateSize: n), try StateSpaceModel(a: a, b: b, c: c).discretized(step: step, method: .bilinear), c)
    }
    guard let result = try book.timingSweep(name: "kernel-cost", title: "Kernel cost vs N at L = 4096: Cauchy path vs materialising C Ā^k B̄",
                                            parameter: "N (state size)", sizes: sizes, methods: [
        TimedMethod("Cauchy + iFFT (S4), O(N·L)") { n in _ = try s4Kernel(models[n]!.0, cTilde: models[n]!.2, step: step, length: length) },
        TimedMethod("stepping v ← Āv (dense), O(L·N²)", repetitions: 1) { n in _ = try models[n]!.1.kernel(length: length) },
    ]) else { return }
    let slopes = try result.labels.map { label in
        let kept = sizes.indices.filter { result[label][$0].isFinite }
        return String(format: "%@: %.2f", label, try logLogSlope(kept.map { Double(sizes[$0]) }, kept.map { result[label][$0] }))
    }
    book.finding("Fitted log-log slopes in N on this machine — " + slopes.joined(separator: "; ") + ".")
}

func whatS4Learns(_ book: Notebook) {
    book.cell("8. What S4 learns", """
        Everything above evaluated S4 at its initialisation. In training, S4 treats the pieces of
        the DPLR form as parameters: Λ (N/2 complex eigenvalues), P̃ and B̃ (N/2 complex each),
        C̃ (N/2 complex per channel) and log Δ (one per channel), all in the eigenbasis, so the
        kernel is always computed by the Cauchy path of cell 3 and A itself is never formed. (The
        S4 paper presents Λ, P, Q, B, C̃ and Δ as the parameters, §3; the reference code stores
        the real part of Λ through a positive parameterisation, keeping Re Λ < 0.) HiPPO-LegS
        gives them their starting values; after training, A = Λ − P̃P̃* in this basis is no longer
        LegS.
        """)
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        The central identity of S4 holds to the tolerances in the table below: the kernel from four
        Cauchy sums and an FFT equals the kernel from L dense matrix-vector products, at every
        (N, L) tried, including a length that is not a power of two, and its generating function
        equals a dense resolvent. Chapter 04 runs it at length: an S4 layer over 65536
        steps, the diagonal simplification S4D, and the RNN mode that generates one step at a time.
        """)
    book.exercises("""
        1. Drop the Woodbury correction (`s4Kernel(…, lowRankTerm: false)`, or run the chapter with
           `--inject no-woodbury`). Which matrix's kernel is that, and how far is it from LegS's?
           Measure it with the checks of cells 3 and 5.
        2. At Δ = 0.001 and L = 1024 (Δ·L ≈ 1, so Āᴸ is far from 0), evaluate the kernel with C
           instead of C̃. Where in K does the error appear, and why (think about what (I − Āᴸ)
           removes: K̂ is a DFT, so the kernel it gives is periodic with period L)?
        3. Time `s4Kernel` at N = 64 and L = 2¹², 2¹⁴, 2¹⁶ in release. Is the growth linear in L?
           What share of the time is the inverse FFT?
        """)
}

book.run { book in
    introduction(book)
    try whyNotDiagonalise(book)
    let dplrs = try nplrToDPLR(book)
    let costRows = try kernelByCauchy(book, dplrs: dplrs)
    let legS64 = try outputThreeWays(book, dplrs: dplrs)
    try spectrumByResolvent(book, dplrs: dplrs, legS64: legS64)
    try oneSystemThreeSteps(book, dplrs: dplrs, legS64: legS64)
    try whatItCosts(book, dplrs: dplrs, costRows: costRows)
    whatS4Learns(book)
    whatComesNext(book)
}
