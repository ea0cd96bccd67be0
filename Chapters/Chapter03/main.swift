import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter03", title: "S4: diagonal plus low rank, and the Cauchy kernel", abstract: """
    S4: why HiPPO-LegS cannot be diagonalised directly, how writing it as diagonal plus low rank \
    lets its kernel come from a generating function at the roots of unity (Cauchy sums, the \
    Woodbury identity, one inverse FFT) in O(N·L) summed directly (Õ(N + L) with a fast Cauchy \
    multiply), and that this kernel gives the same output as the recurrence, whose kernel costs \
    O(L·N²) by stepping.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        Chapter 02 left one problem: the convolution view needs the kernel K_k = C Āᵏ B̄, and
        computing it by stepping costs as much as running the recurrence, O(L·N²). S4 (Gu, Goel &
        Ré, 2022) computes it without powering Ā, from four Cauchy sums: O(N·L) operations when
        they are summed directly, as in this chapter, and Õ(N + L) with a fast Cauchy multiply —
        the bound of the paper's Theorem 3 (§3.3). Three ideas:

        1. **NPLR → DPLR.** HiPPO-LegS is *normal plus low rank*: A = S − PPᵀ with S normal. Normal
           matrices are diagonalised by a *unitary* V (perfectly conditioned), so
           A = V(Λ − P̃P̃*)V*: diagonal plus rank one.
        2. **Generating function.** Instead of K, compute its DFT: K̂(ω) = C̃(I − Āω)⁻¹B̄ at the L
           roots of unity, a resolvent rather than L matrix powers.
        3. **Cauchy + Woodbury.** The resolvent of diagonal-plus-rank-one is four Cauchy sums
           Σ aₙbₙ/(g − Λₙ), combined by the Woodbury identity. One inverse FFT gives K.

        Glossary: N state size, L kernel length, Δ step, Λ the eigenvalues of the normal part, P̃, B̃
        the low-rank factor and input matrix in its eigenbasis, C̃ = C(I − Āᴸ) the output matrix S4
        learns, ω_k = e^{−2πik/L} the roots of unity. S4 trains C̃ directly (the paper's
        Appendix C.3, the note after Lemma C.4), so it never needs Āᴸ; this chapter starts from
        a C and computes C̃ from a dense Āᴸ (`truncatedOutputMatrix`) only so that the fast
        kernel can be compared with the dense kernel of the same system.
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
        With P_n = √(n + ½), PPᵀ has entries ½√(2n+1)√(2k+1). LegS has A_nk = −√(2n+1)√(2k+1)
        below the diagonal, −(n+1) on it and 0 above it, so adding PPᵀ halves every entry below
        the diagonal (to −½√(2n+1)√(2k+1)), fills every zero above it with +½√(2n+1)√(2k+1), and
        turns the diagonal into −½. The off-diagonal part of S = A + PPᵀ is therefore
        antisymmetric: S is −½I plus a skew-symmetric matrix — normal. LAPACK's Hermitian eigensolver on −i(S + ½I)
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
    book.cell("3. The kernel without powers of Ā: generating function, Cauchy, Woodbury", """
        The S4 kernel (`s4Kernel`, bilinear discretisation):

            K̂(ω) = c(ω)·[k(C̃V, B̃) − k(C̃V, P̃)·(1 + k(P̃*, P̃))⁻¹·k(P̃*, B̃)],
            k(a, b)(g) = Σₙ aₙbₙ/(g − Λₙ),   g = (2/Δ)(1−ω)/(1+ω),   c = 2/(1+ω),

        evaluated at ω_k = e^{−2πik/L} for k = 0…L/2 (K is real, the rest is conjugate), then
        K = iFFT(K̂) by FFTW's complex-to-real transform. The check that matters most in this book:
        it must equal K_k = C Āᵏ B̄ materialised from the dense bilinear SSM of Chapter 02, where
        C̃ = C(I − Āᴸ). L = 1000 checks that no power of two is needed. (C̃ is computed here from C
        and a dense Āᴸ, for this comparison only: S4 learns C̃ itself.)
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
        samples the middle of each step, and the figure plots K_k/Δ at t = (k + ½)Δ. The table
        computes C e^{tA} B independently, by a dense matrix exponential at t = 0.5, 1, 2, 4
        (shifted by Δ/2), and adds Δ = 1e-4. The bilinear step is second order, so the gap
        should fall 100× per tenfold smaller Δ — but only once Δ is small next to the fastest
        rates of the system, and LegS N = 64 has eigenvalues down to −64 and Λ with imaginary
        parts in the hundreds. The finding under the table says where the Δ² regime starts in
        this run. The time axis is logarithmic: LegS's kernel changes fastest near t = 0.
        """)
    let (a, b) = try legSTransition(stateSize: 64)
    var series: [Figure.Series] = [], rows: [[String]] = [], gaps: [Double: Double] = [:]
    let probeTimes = [0.5, 1.0, 2.0, 4.0], deltas = [0.1, 0.01, 0.001, 0.0001]
    func continuous(_ t: Double) throws -> Double { zip(legS64.c, try matrixExponential(t * a) * b).reduce(0) { $0 + $1.0 * $1.1 } }  // C e^{tA} B
    for delta in deltas {
        let length = delta < 0.001 ? 40001 : Int((8 / delta).rounded())   // Δ = 1e-4: only up to t = 4 (the probes)
        let dense = try StateSpaceModel(a: a, b: b, c: legS64.c).discretized(step: delta, method: .bilinear)
        let cTilde = try truncatedOutputMatrix(c: legS64.c, aBar: dense.aBar, length: length)
        let k = try s4Kernel(dplrs[64]!, cTilde: cTilde, step: delta, length: length)   // (L)
        let sampled = probeTimes.map { k[Int(($0 / delta).rounded())] / delta }
        gaps[delta] = relativeDifference(sampled, try probeTimes.map { try continuous($0 + delta / 2) })
        rows.append(["\(delta)", "\(length)", String(format: "%.2e", gaps[delta]!)])
        if delta >= 0.001 {
            series.append(.init("Δ = \(delta)", x: (0..<length).map { (Double($0) + 0.5) * delta }, y: k.map { $0 / delta },
                                style: delta == 0.1 ? "linespoints lw 1 pt 7 ps 0.6 lc rgb '#7b3294'"
                                    : delta == 0.01 ? "lines lw 3 lc rgb '#1b9e77'" : "lines lw 1.5 lc rgb '#e66101'"))
        }
    }
    book.table(header: ["Δ", "L", "|K_k/Δ − C e^{(k+½)ΔA} B| / max (t = 0.5, 1, 2, 4)"], rows: rows)
    let ratios = zip(deltas, deltas.dropFirst()).map { String(format: "%.3g", gaps[$0.0]! / gaps[$0.1]!) }
    book.finding("Dividing Δ by 10 divided the gap by " + ratios.joined(separator: ", then ") +
                 " (Δ = 0.1 → 0.01 → 0.001 → 1e-4): second order (100) shows only from Δ = 1e-3 on; at Δ = 0.1 and 0.01 the gap is \(String(format: "%.2f", gaps[0.1]!)) and \(String(format: "%.2f", gaps[0.01]!)) of the kernel's size.")
    book.check(.bound("N = 64, Δ = 1e-4: K_k/Δ (Cauchy) = C e^{(k+½)ΔA} B (dense expm) at t = 0.5, 1, 2, 4", gaps[0.0001]!, .lessOrEqual, 2e-3,
                      reason: "bilinear is second order, O((Δω)²) with ω up to a few hundred for LegS N = 64's top components: measured 3e-6 … 5.8e-4 over 100 seeds"))
    book.check(.bound("N = 64: that gap at Δ = 1e-3 / at Δ = 1e-4 (second order: 100)", gaps[0.001]! / gaps[0.0001]!, .greaterOrEqual, 30,
                      reason: "O(Δ²) gives 100; measured 53 … 115 over 100 seeds"))
    series.append(.init("C e^{tA} B (dense expm)", x: probeTimes, y: try probeTimes.map(continuous), style: "points pt 6 ps 2.5 lw 2 lc rgb 'black'"))
    var figure = Figure(name: "s4-kernel", title: "One LegS system (N = 64, one C) discretised at three steps: K_k/Δ against t = (k + ½)Δ",
                        xLabel: "t = (k + ½)Δ (time units, log scale)", yLabel: "K_k / Δ", series: series)
    figure.logX = true
    figure.size = (width: 1200, height: 600)
    figure.extraCommands = ["set xrange [0.01:8]"]
    try book.figure(figure)
}

/// ‖Āᵏ‖₂ against ρ(Ā)ᵏ and the normal part's max |z(Λ)|ᵏ at Δ = 0.1 (LegS N = 64), then the bilinear-map figure.
func whyItZigzags(_ book: Notebook, dplrs: [Int: DPLR]) throws {
    book.cell("7. Why Δ = 0.1 zigzags: Ā is far from normal", """
        In the figure above the Δ = 0.1 kernel flips sign from step to step long after the other
        two have settled, and the dense kernel C Āᵏ B̄ does the same (cell 3 checked that the two
        agree): it is the discretised system, not the Cauchy path. Ā's eigenvalues do not explain
        it. They are the bilinear images z = (1 + Δλ/2)/(1 − Δλ/2) of A's eigenvalues −1…−64: all
        real, the negative ones (Δk > 2) with |z| ≤ 0.53, gone within a few steps, and the
        largest, ρ(Ā) = (1 − Δ/2)/(1 + Δ/2), predicts that every mode decays like ρ(Ā)ᵏ. That
        holds for a normal matrix; Ā is far from normal (cell 1 measured how nearly parallel A's
        eigenvectors are), and the size of its powers can stay large long after the eigenvalues
        say they are small. The table measures ‖Āᵏ‖₂ (largest singular value, LAPACK) beside
        ρ(Ā)ᵏ, beside ‖e^{kΔA}‖₂ — the continuous system over the same time, which decays at
        least like e^{−t/2} because A + Aᵀ = −I − 2PPᵀ — and beside max |z(Λ)|ᵏ, the norm of
        the k-th power of the bilinear image of the normal part S = A + PPᵀ.

        The right picture is S's eigenvalues Λ = −½ + iμ (the figure). The bilinear map sends a
        mode −a + iμ to a point that turns by θ = 2·atan(Δμ/2) < π per step — nothing aliases —
        with |z|² = ((1 − aΔ/2)² + (Δμ/2)²)/((1 + aΔ/2)² + (Δμ/2)²) ≈ 1 − 2aΔ/(1 + (Δμ/2)²): the
        damping per step is divided by the same factor 1 + (Δμ/2)² that stretches the mode's
        delay. Every μ with Δμ ≫ 2 lands just short of −1 on the unit circle: a mode that changes
        sign every step and hardly decays. The continuous system damps those directions within
        a few time units; Ā keeps them for as many steps as the table shows, and that is the
        zigzag. At Δ = 0.01 the same images sit near +1 (right panel) for all but the fastest μ.
        """)
    let delta = 0.1, n = 64
    let (a, b) = try legSTransition(stateSize: n)
    let aBar = try StateSpaceModel(a: a, b: b, c: [Double](repeating: 0, count: n)).discretized(step: delta, method: .bilinear).aBar  // (N, N)
    let rho = try generalEigen(aBar).0.reduce(0) { max($0, $1.length) }
    let normalRadius = dplrs[n]!.lambda.reduce(0) { max($0, bilinearImage($1.real, $1.imaginary, delta).length) }
    var power = Matrix.identity(n), rows: [[String]] = [], norms: [Int: Double] = [:], continuous: [Int: Double] = [:]  // (N, N): Āᵏ
    for k in 1...120 {
        power = power * aBar
        guard [1, 10, 20, 40, 60, 80, 100, 120].contains(k) else { continue }
        norms[k] = try singularValues(power)[0]
        continuous[k] = try singularValues(try matrixExponential(Double(k) * delta * a))[0]
        rows.append(["\(k)", String(format: "%.3g", norms[k]!), String(format: "%.3g", pow(rho, Double(k))),
                     String(format: "%.3g", continuous[k]!), String(format: "%.3g", pow(normalRadius, Double(k)))])
    }
    book.table(header: ["k (steps of Δ = 0.1)", "‖Āᵏ‖₂", "ρ(Ā)ᵏ (eigenvalues)", "‖e^{kΔA}‖₂ (continuous)", "max |z(Λ)|ᵏ (normal part)"], rows: rows)
    let topFrequency = dplrs[n]!.lambda.reduce(0) { max($0, abs($1.imaginary)) }
    book.finding(String(format: "At Δ = 0.1, ‖Ā⁶⁰‖₂ = %.3g while ρ(Ā)⁶⁰ = %.2g (a decay by %.0f× promised by the eigenvalues) and the continuous ‖e^{6A}‖₂ = %.2g; then ‖Āᵏ‖₂ = %.3g, %.3g, %.3g at k = 80, 100, 120. Λ's frequencies reach |μ| = %.0f, Δ·|μ| = %.0f ≫ 2.",
                        norms[60]!, pow(rho, 60), 1 / pow(rho, 60), continuous[60]!, norms[80]!, norms[100]!, norms[120]!, topFrequency, delta * topFrequency))
    try drawBilinearMap(book, dplr: dplrs[n]!)
}

/// z = (1 + Δλ/2)/(1 − Δλ/2) for λ = x + iy.
func bilinearImage(_ x: Double, _ y: Double, _ delta: Double) -> (real: Double, imaginary: Double, length: Double) {
    let (nr, ni, dr, di) = (1 + delta * x / 2, delta * y / 2, 1 - delta * x / 2, -delta * y / 2)
    let d = dr * dr + di * di
    let (real, imaginary) = ((nr * dr + ni * di) / d, (ni * dr - nr * di) / d)
    return (real, imaginary, (real * real + imaginary * imaginary).squareRoot())
}

/// Two unit disks side by side (Δ = 0.1 left, Δ = 0.01 right): the bilinear images of A's eigenvalues −1…−N and of Λ.
func drawBilinearMap(_ book: Notebook, dplr: DPLR) throws {
    let circle = (0...200).map { Double($0) * 2 * Double.pi / 200 }
    let lambdas = dplr.lambda.map { ($0.real, $0.imaginary) } + dplr.lambda.map { ($0.real, -$0.imaginary) }
    let offset = 2.6                                                 // the right disk's centre
    var series: [Figure.Series] = []
    for (panel, delta) in [0.1, 0.01].enumerated() {
        let shift = Double(panel) * offset
        let fromA = (1...dplr.stateSize).map { bilinearImage(-Double($0), 0, delta) }
        let fromLambda = lambdas.map { bilinearImage($0.0, $0.1, delta) }
        series.append(.init(panel == 0 ? "unit circle" : "", x: circle.map { cos($0) + shift }, y: circle.map(sin), style: "lines lw 1 lc rgb 'gray50'"))
        series.append(.init(panel == 0 ? "images of Λ = −½ + iμ (normal part S)" : "", x: fromLambda.map { $0.real + shift }, y: fromLambda.map { $0.imaginary },
                            style: "points pt 6 ps 1.3 lw 1.5 lc rgb '#2166ac'"))
        series.append(.init(panel == 0 ? "images of A's eigenvalues −1…−64" : "", x: fromA.map { $0.real + shift }, y: fromA.map { $0.imaginary },
                            style: "points pt 7 ps 0.9 lc rgb '#b2182b'"))
    }
    var figure = Figure(name: "bilinear-map", title: "Where z = (1 + Δλ/2)/(1 − Δλ/2) sends A's eigenvalues and Λ (LegS N = 64): Δ = 0.1 left, Δ = 0.01 right",
                        xLabel: "Re z (each disk has its own origin)", yLabel: "Im z", series: series)
    figure.size = (width: 1200, height: 640)
    figure.extraCommands = ["set size ratio -1", "set xrange [-1.2:\(offset + 1.2)]", "set yrange [-1.25:1.25]",
                            "set xtics ('-1' -1, '0' 0, '1' 1, '-1' \(offset - 1), '0' \(offset), '1' \(offset + 1))",
                            "set label 'Δ = 0.1' at 0,1.12 center", "set label 'Δ = 0.01' at \(offset),1.12 center",
                            "set key bottom center horizontal"]
    try book.figure(figure)
}

func whatItCosts(_ book: Notebook, dplrs: [Int: DPLR], costRows: [[String]]) throws {
    book.cell("8. What it costs", """
        The Cauchy path as implemented here sums directly — N/2 pairs, four sums, at L/2 + 1
        frequencies, O(N·L) — plus an O(L log L) inverse FFT, with no N×N matrix inside the kernel
        computation (C̃ is its input); materialising C Āᵏ B̄ costs O(L·N²). The S4 paper's
        Theorem 3 (§3.3) states Õ(N + L) operations: that bound assumes a fast Cauchy multiply
        (its Appendix C, Proposition 5: O((M + N) log²(M + N)) in exact arithmetic, against the
        naive O(M·N) summed here). The table repeats the timings of cell 3 (medians of 3 after a
        warm-up, in the build you ran — the finding names it). The figure times both paths at
        fixed L = 1024 as N doubles from 16 to 512. Operation counts N·L and L·N² are slopes 1
        and 2 on log-log axes; fixed costs per call, per frequency and per step flatten the
        measured curves at small N, so the finding gives the slope fitted over the three largest
        N and the local slope between neighbouring N. Compare the fitted one with 1 and 2; on a
        busy machine a single local slope (one doubling of N) can be far off. Last, the share
        of the inverse FFT in `s4Kernel` at N = 64: the Cauchy sums (`s4GeneratingFunction`)
        and `FFT.inverse` timed separately. The release benchmark: `swift run -c release Bench
        --filter s4`.
        """)
    book.table(header: ["N", "L", "Cauchy path", "materialised C Āᵏ B̄", "ratio"], rows: costRows)
    let faster = costRows.filter { (Double($0[4].dropLast()) ?? 0) > 1 }.map { "N = \($0[0]), L = \($0[1])" }
    book.finding("In this run (\(buildType())) the Cauchy path was faster in \(faster.count) of \(costRows.count) rows" + (faster.isEmpty ? "." : ": " + faster.joined(separator: "; ") + "."))
    guard !book.skipsTimings else { return }
    let sizes = [16, 32, 64, 128, 256, 512], length = 1024, step = 0.01
    var models: [Int: (DPLR, DiscreteStateSpaceModel, [Double])] = [:]
    for n in sizes {
        let (a, b) = try legSTransition(stateSize: n)
        let c = (0..<n).map { _ in book.rng.nextGaussian() / Double(n).squareRoot() }   // (N)
        models[n] = (try dplrs[n] ?? DPLR.legS(stateSize: n), try StateSpaceModel(a: a, b: b, c: c).discretized(step: step, method: .bilinear), c)
    }
    guard let result = try book.timingSweep(name: "kernel-cost", title: "Kernel cost vs N at L = 1024 (\(buildType())): Cauchy path vs materialising C Ā^k B̄",
                                            parameter: "N (state size)", sizes: sizes, methods: [
        TimedMethod("Cauchy + iFFT (S4), O(N·L)", repetitions: 5) { n in _ = try s4Kernel(models[n]!.0, cTilde: models[n]!.2, step: step, length: length) },
        TimedMethod("stepping v ← Āv (dense), O(L·N²)", repetitions: 5) { n in _ = try models[n]!.1.kernel(length: length) },
    ]) else { return }
    let slopes = try result.labels.map { label in
        let local = sizes.indices.dropFirst().map { i in log(result[label][i] / result[label][i - 1]) / log(Double(sizes[i]) / Double(sizes[i - 1])) }
        let top = try logLogSlope(sizes.suffix(3).map(Double.init), Array(result[label].suffix(3)))
        return label + String(format: ": %.2f fitted over N = 128…512 (local: ", top) + local.map { String(format: "%.2f", $0) }.joined(separator: ", ") + ")"
    }
    book.finding("Log-log slopes in N in this run (\(buildType()); local ones between neighbouring N, 16→32 … 256→512) — " + slopes.joined(separator: "; ") + ".")
    try timeInverseFFTShare(book, dplr: dplrs[64]!)
}

/// The build this binary was compiled in ("debug build, …" or "release build").
func buildType() -> String {
    #if DEBUG
    return "debug build, library compiled with -O"
    #else
    return "release build"
    #endif
}

/// Times `s4Kernel` at N = 64 and L = 2¹², 2¹⁴, 2¹⁶ next to its two parts: the Cauchy sums and the inverse FFT.
func timeInverseFFTShare(_ book: Notebook, dplr: DPLR) throws {
    let cTilde = [Double](repeating: 1 / Double(dplr.stateSize).squareRoot(), count: dplr.stateSize)   // (N): any C̃ costs the same
    let lengths = [4096, 16384, 65536]
    var rows: [[String]] = [], shares: [Double] = [], wholes: [Double] = []
    for length in lengths {
        var spectrum = try s4GeneratingFunction(dplr, cTilde: cTilde, step: 0.01, length: length)   // (L/2+1)
        let sums = try book.medianTime(repetitions: 5) { spectrum = try s4GeneratingFunction(dplr, cTilde: cTilde, step: 0.01, length: length) }
        let inverse = try book.medianTime(repetitions: 5) { _ = try FFT.inverse(spectrum, count: length) }
        let whole = try book.medianTime(repetitions: 5) { _ = try s4Kernel(dplr, cTilde: cTilde, step: 0.01, length: length) }
        shares.append(inverse / whole)
        wholes.append(whole)
        rows.append(["\(length)", Timing.format(sums), Timing.format(inverse), Timing.format(whole), String(format: "%.1f%%", 100 * inverse / whole)])
    }
    book.table(header: ["L (N = 64)", "Cauchy sums (s4GeneratingFunction)", "inverse FFT (FFT.inverse)", "s4Kernel", "iFFT share"], rows: rows)
    book.finding(String(format: "In this run (%@) the inverse FFT took %.1f%%–%.1f%% of s4Kernel at N = 64; 16× more L cost %.1f× more time (linear in L: 16×).",
                        buildType(), 100 * shares.min()!, 100 * shares.max()!, wholes.last! / wholes.first!))
}

func whatS4Learns(_ book: Notebook) {
    book.cell("9. What S4 learns", """
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
        3. Cell 8 times `s4Kernel` at N = 64 and L = 2¹², 2¹⁴, 2¹⁶ next to its two parts,
           `s4GeneratingFunction` (the Cauchy sums) and `FFT.inverse` (the code is
           `timeInverseFFTShare`). Run it in release (`swift run -c release Chapter03`) and
           compare with the debug run: is the growth linear in L, and what share of the time is
           the inverse FFT? Predict that share from operation counts first.
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
    try whyItZigzags(book, dplrs: dplrs)
    try whatItCosts(book, dplrs: dplrs, costRows: costRows)
    whatS4Learns(book)
    whatComesNext(book)
}
