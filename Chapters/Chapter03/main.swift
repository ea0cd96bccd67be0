import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter03", title: "S4: diagonal plus low rank, and the Cauchy kernel", abstract: """
    S4: why HiPPO-LegS cannot be diagonalised directly, how writing it as diagonal plus low rank \
    lets its kernel come from a generating function at the roots of unity (Cauchy sums, the \
    Woodbury identity, one inverse FFT) in O(N·L), and that this kernel gives the same output as \
    the recurrence at a fraction of the cost.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        Chapter 02 left one problem: the convolution view needs the kernel K_k = C Āᵏ B̄, and
        computing it by stepping costs as much as running the recurrence, O(L·N²). S4 (Gu, Goel &
        Ré, 2022) computes it in O(N·L) — and in practice a few milliseconds — with three ideas:

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
        LegS has distinct eigenvalues −1…−N, so A = V_A Λ V_A⁻¹ exists. But V_A is hopelessly
        ill-conditioned: its inverse has entries that grow exponentially in N, and any computation
        through it loses that many digits. The table measures max |(V_A⁻¹)ᵢⱼ| with LAPACK
        (eigenvectors normalised to unit length).
        """)
    var rows: [[String]] = []
    for n in [4, 8, 16, 24, 32] {
        let (a, _) = try legSTransition(stateSize: n)
        let (_, vA) = try generalEigen(a)                            // (N, N)
        let inverse = try solve(vA, ComplexMatrix.identity(n), name: "V_A")
        let largest = inverse.elements.reduce(0) { max($0, $1.length) }
        rows.append(["\(n)", String(format: "%.2e", largest)])
    }
    book.table(header: ["N", "max |V_A⁻¹|"], rows: rows)
}

/// Returns the DPLR forms of LegS at N = 8, 64, 256, which every later cell reuses.
func nplrToDPLR(_ book: Notebook) throws -> [Int: DPLR] {
    book.cell("2. Normal plus low rank → diagonal plus low rank", """
        With P_n = √(n + ½), PPᵀ has entries ½√(2n+1)√(2k+1): adding it to A cancels half of every
        off-diagonal entry and turns the diagonal −(n+1) into −½. What is left, S = A + PPᵀ, is
        −½I plus a skew-symmetric matrix — normal. LAPACK's Hermitian eigensolver on −i(S + ½I)
        gives S = V Λ V* with V unitary and Λ = −½ + iμ. Then A = V(Λ − P̃P̃*)V*, P̃ = V*P,
        B̃ = V*B. We keep the N/2 eigenvalues with μ > 0; their conjugates are implied.
        """)
    var dplrs: [Int: DPLR] = [:]
    for n in [8, 64, 256] {
        let (a, _) = try legSTransition(stateSize: n)
        let p = try legSLowRankFactor(stateSize: n)
        let s = a + (try Matrix(rows: n, cols: n, elements: (0..<n * n).map { p[$0 / n] * p[$0 % n] }))  // (N, N)
        book.check(.agreement("N = \(n): S + Sᵀ = −I (S = A + PPᵀ is −½I + skew)", (s + s.transposed).elements,
                              (-1 * Matrix.identity(n)).elements, tolerance: 1e-14 * Double(n),
                              reason: n == 8 ? "entrywise √(2n+1)√(2k+1) − 2√(n+½)√(k+½) cancels terms of size ≤ 2N: a few ε·2N" : nil))
        let dplr = try DPLR.legS(stateSize: n)
        dplrs[n] = dplr
        let rebuilt = dplr.reconstructedA()                          // (N, N), complex
        book.check(.agreement("N = \(n): V(Λ − P̃P̃*)V* = A", rebuilt.real.elements, a.elements, tolerance: 1e-12,
                              reason: n == 8 ? "a unitary change of basis loses nothing: error ≈ ε·N·‖A‖" : nil))
        book.check(.bound("N = \(n): imaginary part of the rebuilt A (it must be real)", rebuilt.maxAbsImaginary, .lessOrEqual, 1e-12 * Double(n)))
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
        let cTilde = try truncatedOutputMatrix(c: c, aBar: dense.aBar, length: length)  // (N)
        var fast: [Double] = [], materialised: [Double] = []
        let fastTime = try book.medianTime(repetitions: 3) { fast = try s4Kernel(dplrs[n]!, cTilde: cTilde, step: step, length: length) }
        let slowTime = try book.medianTime(repetitions: 3) { materialised = try dense.kernel(length: length) }
        book.check(.agreement("N = \(n), L = \(length): S4 kernel (Cauchy) = C Āᵏ B̄ (dense)", fast, materialised,
                              tolerance: 1e-10, reason: n == 8 && length == 16
                                ? "both exact in exact arithmetic; the dense path's rounding grows with N (‖Ā‖ products), measured ≤ 1e-12 here" : nil))
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

func costAndFigures(_ book: Notebook, dplrs: [Int: DPLR], legS64: LegS64, costRows: [[String]]) throws {
    book.cell("5. What it costs, and what it looks like", """
        The Cauchy path is O(N·L) with small constants and no N×N matrix in sight; materialising
        costs O(L·N²). At tiny sizes the fixed costs (threads, an FFT plan) win; from N·L ≈ 10⁴⁻⁵
        the Cauchy path does. The timings are informative (medians of 3 after a warm-up); the
        release benchmark has the real numbers: `swift run -c release Bench --filter s4`.
        """)
    book.table(header: ["N", "L", "Cauchy path", "materialised C Āᵏ B̄", "ratio"], rows: costRows)

    var kernelSeries: [Figure.Series] = []
    let cTildeShown = (0..<64).map { _ in book.rng.nextGaussian() / 8 }  // (N)
    for delta in [0.1, 0.01, 0.001] {
        let k = try s4Kernel(dplrs[64]!, cTilde: cTildeShown, step: delta, length: 2048)
        kernelSeries.append(.init("Δ = \(delta)", x: (1...2048).map(Double.init), y: k))
    }
    var kernelFigure = Figure(name: "s4-kernel", title: "S4 kernels (LegS N = 64, one C̃) at three steps Δ",
                              xLabel: "step k", yLabel: "K_k", series: kernelSeries)
    kernelFigure.logX = true
    try book.figure(kernelFigure)

    // |K̂(ω)| on the unit circle: the kernel's frequency response, straight from the Cauchy sums.
    let spectrumLength = 4096
    let spectrum = try s4GeneratingFunction(dplrs[64]!, cTilde: cTildeShown, step: 0.01, length: spectrumLength)  // (L/2+1)
    let dft = try FFT.forward(try s4Kernel(dplrs[64]!, cTilde: cTildeShown, step: 0.01, length: spectrumLength))  // (L/2+1)
    book.check(.agreement("N = 64, L = 4096: K̂ from the Cauchy sums = DFT of the S4 kernel (FFTW forward), re and im",
                          spectrum.flatMap { [$0.real, $0.imaginary] }, dft.flatMap { [$0.real, $0.imaginary] },
                          tolerance: 1e-12, reason: "an inverse FFT followed by a forward one: rounding only"))
    var spectrumFigure = Figure(name: "cauchy-spectrum", title: "|K̂(ω)| on the unit circle (LegS N = 64, Δ = 0.01)",
                                xLabel: "frequency k/L (cycles per step)", yLabel: "|K̂(ω_k)|",
                                series: [.init("|K̂(e^{-2πik/L})|", x: (0..<spectrum.count).map { Double($0) / Double(spectrumLength) },
                                               y: spectrum.map(\.length))])
    spectrumFigure.logY = true
    try book.figure(spectrumFigure)

    try book.timingSweep(name: "kernel-cost", title: "Kernel cost vs L (N = 64): Cauchy path vs materialising C Ā^k B̄",
                         parameter: "L (steps)", sizes: (8...13).map { 1 << $0 }, methods: [
                             TimedMethod("Cauchy + iFFT (S4)") { length in
                                 _ = try s4Kernel(dplrs[64]!, cTilde: legS64.c, step: legS64.step, length: length)
                             },
                             TimedMethod("stepping v ← Āv (dense)") { length in _ = try legS64.dense.kernel(length: length) },
                         ])
}

func whatComesNext(_ book: Notebook) {
    book.cell("Final check and what comes next", """
        The central identity of S4 holds to rounding: the kernel from four Cauchy sums and an FFT
        equals the kernel from L dense matrix-vector products, at every (N, L) tried, including a
        length that is not a power of two. Chapter 04 runs it at length: an S4 layer over 65536
        steps, the diagonal simplification S4D, and the RNN mode that generates one step at a time.
        """)
    book.exercises("""
        1. Drop the Woodbury correction (keep only c·k(C̃V, B̃)). Which matrix's kernel is that, and
           how far is it from LegS's? Measure it with the check of section 3.
        2. Evaluate the kernel at L = 4096 but pass C instead of C̃. Where in K does the error
           appear, and why (think about what (I − Āᴸ) removes)?
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
    try costAndFigures(book, dplrs: dplrs, legS64: legS64, costRows: costRows)
    whatComesNext(book)
}
