import CVectorMath
import Foundation
import Numerics
import PropertyBased
import Testing
@testable import StateSpace

/// The C kernels of issue 15 (Sources/CVectorMath/scan_selective.c, cauchy_s4.c) against the
/// readable Swift they sit beside, over shapes that reach every vector tail: N = 1…24 (one and
/// two AVX-512 registers, masked or not, and Mamba's N = 16, which has its own compiled copy),
/// D = 1…40 (groups of eight channels and their remainder), L = 1…300 (groups of 32 leaves).
struct KernelCase: CustomStringConvertible {
    let scan: SelectiveCase
    var description: String { scan.description }
    static let generator = zip(lengthGenerator(upTo: 300), Gen.int(in: 1...40), Gen.int(in: 1...24), Gen.int(in: 1...3),
                               logUniform(-2...1), Gen.bool, dataSeed)
        .map { t in
            KernelCase(scan: SelectiveCase(length: t.0, channels: t.1, stateSize: t.2, threads: t.3, largestStep: t.4,
                                           zeroSteps: t.5, data: t.6))
        }
}

/// Elementwise tolerance of `selectiveProperty`: 2·(9L + N)·u times the magnitude of each
/// output's terms (every Ā within 8u, products of ≤ L of them, sums of ≤ L·N terms, in orders
/// that differ between the forms compared).
func kernelTolerances(_ c: SelectiveCase, _ inputs: SelectiveScanInputs) throws -> [Double] {
    try termMagnitudes(inputs).elements.map { 2 * Double(9 * c.length + c.stateSize) * unitRoundoff * $0 }
}

@Suite("Issue 15 kernels in C = the readable Swift")
struct PerfKernelsTests {
    @Test("C scan rows (sequential and two-level, 1–3 threads) = the plain recurrence (200 cases, N ≤ 24, D ≤ 40)")
    func scanRowsEqualRecurrence() async {
        let run = await checkProperty("C scan rows", count: 200, seed: 0x15_5CA7, input: KernelCase.generator) { k in
            let c = k.scan, inputs = try c.inputs()
            let plain = selectiveRecurrence(inputs, input: .euler).elements, tolerances = try kernelTolerances(c, inputs)
            return [
                compareElementwise("sequential − recurrence", selectiveScan(inputs, threads: c.threads).elements, plain, tolerances: tolerances),
                compareElementwise("two-level − recurrence", selectiveScanTwoLevel(inputs, threads: c.threads).elements, plain, tolerances: tolerances),
            ]
        }
        #expect(run.cases.contains { $0.scan.stateSize == 16 } && run.cases.contains { $0.scan.stateSize > 16 }
                && run.cases.contains { $0.scan.channels > 8 && $0.scan.channels % 8 != 0 })
    }

    @Test("C Blelloch (b-only down-sweep, fused low levels) = readable Swift Blelloch (200 cases)")
    func blellochEqualsReadable() async {
        let run = await checkProperty("C Blelloch", count: 200, seed: 0x15_B1E1, input: KernelCase.generator) { k in
            let c = k.scan, inputs = try c.inputs()
            let readable = selectiveScanParallel(inputs, threads: c.threads, combine: AffineComposition.self).elements
            return [compareElementwise("C − readable Blelloch", selectiveScanParallel(inputs, threads: c.threads).elements, readable,
                                       tolerances: try kernelTolerances(c, inputs))]
        }
        #expect(run.cases.contains { $0.scan.length > 64 } && run.cases.contains { $0.scan.length < 32 })
    }

    /// The portable C forms (what a CPU without AVX-512 runs) against the dispatched ones — on a
    /// machine without AVX-512 both are the portable form and this compares it with itself; the
    /// recurrence test above checks the dispatched one independently.
    @Test("portable C forms = dispatched (AVX-512 here): scan rows, two-level, Blelloch (100 cases)")
    func portableEqualsDispatched() async {
        await checkProperty("portable C kernels", count: 100, seed: 0x15_9047, input: KernelCase.generator) { k in
            let c = k.scan, inputs = try c.inputs(), tolerances = try kernelTolerances(c, inputs)
            return [
                compareElementwise("scan rows", selectiveScan(inputs, threads: c.threads, portable: true).elements,
                                   selectiveScan(inputs, threads: c.threads).elements, tolerances: tolerances),
                compareElementwise("two-level", selectiveScanTwoLevel(inputs, threads: c.threads, portable: true).elements,
                                   selectiveScanTwoLevel(inputs, threads: c.threads).elements, tolerances: tolerances),
                compareElementwise("Blelloch", selectiveScanParallel(inputs, threads: c.threads, portable: true).elements,
                                   selectiveScanParallel(inputs, threads: c.threads).elements, tolerances: tolerances),
            ]
        }
    }

    /// Both forms evaluate one formula per (pole pair, frequency), the AVX-512 one with FMAs and a
    /// Newton-refined reciprocal (≤ ~2 ulp from the quotient): they agree to a few u of Σ|terms|.
    @Test("portable Cauchy sums = dispatched, every tail length 1…40 and L = 4096, N = 2…64")
    func portableCauchy() throws {
        for n in [2, 6, 16, 64] {
            let dplr = try DPLR.legS(stateSize: n)
            let weights = (0..<4).map { w in dplr.b.indices.map { dplr.b[$0] * Complex(Double(w + 1), 0.5) } }
            for length in Array(1...40) + [4096] {
                let sums = CauchySums(weights: weights, poles: dplr.lambda, step: 0.01, length: length)
                var fast: [CauchySums.Four] = [], portable: [CauchySums.Four] = []
                sums.fused(0..<(length / 2 + 1)) { _, four, _ in fast.append(four) }
                sums.fused(0..<(length / 2 + 1), portable: true) { _, four, _ in portable.append(four) }
                for (f, p) in zip(fast, portable) {
                    for (x, y) in [(f.k00, p.k00), (f.k01, p.k01), (f.k10, p.k10), (f.k11, p.k11)] {
                        #expect((x - y).length <= 1e-12 * max(1, y.length), "N = \(n), L = \(length): \(x) vs \(y)")
                    }
                }
                #expect(fast.count == length / 2 + 1 && portable.count == fast.count)
            }
        }
    }

    /// The check can fail: the recurrence with one decay rate A_{d,n} off by one part in 10⁶
    /// differs from the C scan by far more than the tolerance, in some case.
    @Test("caught: a scan whose A is off by 1e-6 relative in one entry")
    func perturbedDecayIsCaught() async {
        await expectCaught {
            await checkProperty("C scan rows vs a perturbed A", count: 200, seed: 0x15_5CA7, input: KernelCase.generator) { k in
                let c = k.scan, inputs = try c.inputs()
                var a = inputs.a
                a.elements[a.elements.count - 1] *= 1 + 1e-6
                let wrong = try SelectiveScanInputs(x: inputs.x, delta: inputs.delta, a: a, b: inputs.b, c: inputs.c, skip: inputs.skip)
                return [compareElementwise("sequential − perturbed recurrence", selectiveScan(inputs, threads: c.threads).elements,
                                           selectiveRecurrence(wrong, input: .euler).elements, tolerances: try kernelTolerances(c, inputs))]
            }
        }
    }

    @Test("scanExponentials = Foundation's exp to ≤ 4 ulp, every length 0…19 (the masked tail) and exp's edges")
    func exponentials() {
        let edges: [Double] = [0, -0.0, -1e-300, -1e-17, -0.5, -1, -20, -700, -708.4, -745, -746, -1e4, 1, 5, 709]
        for count in 0...19 {
            let x = (0..<count).map { edges[$0 % edges.count] - 0.37 * Double($0 / edges.count) }
            var y = [Double](repeating: .nan, count: count)
            x.withUnsafeBufferPointer { input in y.withUnsafeMutableBufferPointer { scanExponentials(input, into: $0) } }
            for (value, result) in zip(x, y) {
                let expected = exp(value)
                let ulps = expected == 0 ? abs(result) / Double.leastNonzeroMagnitude : abs(result - expected) / expected.ulp
                #expect(ulps <= 4, "exp(\(value)) = \(result), expected \(expected)")
            }
        }
    }

    /// Tolerance as `PerfFusedPathsTests.cauchyFusedEqualsReadable` (1e-11 of the largest |K̂|).
    @Test("fused Cauchy sums = readable where the frequencies end mid-register (L/2 + 1 ≢ 0 mod 16), odd pair counts",
          arguments: [6, 10, 22])
    func cauchyTails(n: Int) throws {
        var rng = SplitMix64(seed: UInt64(n))
        let dplr = try DPLR.legS(stateSize: n)
        let cTilde = (0..<n).map { _ in rng.nextGaussian() }
        for length in [1, 15, 16, 17, 30, 31, 33, 34, 35, 66, 4097] {
            for step in [1e-3, 0.1] {
                let fused = try s4GeneratingFunction(dplr, cTilde: cTilde, step: step, length: length)
                let readable = try s4GeneratingFunction(dplr, cTilde: cTilde, step: step, length: length, fused: false)
                let scale = readable.reduce(0) { max($0, $1.length) }
                let error = zip(fused, readable).reduce(0) { max($0, ($1.0 - $1.1).length) }
                #expect(error <= 1e-11 * scale, "N = \(n), L = \(length), Δ = \(step): \(error / scale)")
            }
        }
    }

    @Test("S4Layer: kernels over the cores = s4Kernel channel by channel, and apply = CausalConvolution + skip, bit for bit")
    func s4LayerEqualsPerChannel() throws {
        var rng = SplitMix64(seed: 15)
        let layer = try S4Layer(stateSize: 8, channels: 5, rng: &rng)
        let length = 300
        let kernels = try layer.kernels(length: length)
        let u = try Matrix(rows: 5, cols: length, elements: (0..<5 * length).map { _ in rng.nextGaussian() })
        let y = try layer.apply(u, kernels: kernels)
        for h in 0..<5 {
            #expect(kernels.row(h) == (try s4Kernel(layer.dplr, cTilde: layer.cTilde.row(h), step: layer.steps[h], length: length)))
            let expected = zip(try CausalConvolution(kernel: kernels.row(h)).apply(u.row(h)), u.row(h)).map { $0 + layer.skip[h] * $1 }
            #expect(y.row(h) == expected)
        }
    }

    @Test("complexFinite: NaN or ±∞ in either part is caught; finite extremes pass")
    func complexFiniteness() {
        let finite: [Complex<Double>] = [.zero, Complex(.greatestFiniteMagnitude, -.greatestFiniteMagnitude),
                                         Complex(.leastNonzeroMagnitude, -0.0), Complex(1e-310, 1)]
        #expect(complexFinite(finite) && complexFinite([]))
        for bad in [Double.nan, .infinity, -.infinity] {
            #expect(!complexFinite(finite + [Complex(bad, 0)]))
            #expect(!complexFinite(finite + [Complex(0, bad)] + finite))
        }
    }

    @Test("C spectrum product = the readable complex loop to 2 roundings per part, every length 1…40 (the vector tails)")
    func spectrumProductEqualsReadable() {
        var rng = SplitMix64(seed: 0x15_C0)
        for count in 1...40 {
            let k = (0..<count).map { _ in Complex(rng.nextGaussian(), rng.nextGaussian()) }   // (count)
            let s = (0..<count).map { _ in Complex(rng.nextGaussian(), rng.nextGaussian()) }   // (count)
            let scale = 1 / Double(count + 3)
            var fast = s, readable = s, conjugated = s
            k.withUnsafeBufferPointer { pk in
                spectrumProduct(&fast, pk.baseAddress!, scale: scale, count: count)
                spectrumProductReadable(&readable, pk.baseAddress!, scale: scale, count: count)
                let wrong = pk.map { $0.conjugate }                    // the wrong ingredient: K̄ for K
                spectrumProductReadable(&conjugated, wrong, scale: scale, count: count)
            }
            for i in 0..<count {
                // One product of each part may be fused with the sum (FMA): at most 2u of the terms' magnitudes.
                let (kr, ki, sr, si) = (scale * k[i].real, scale * k[i].imaginary, s[i].real, s[i].imaginary)
                let bound = (re: 2 * unitRoundoff * (abs(kr * sr) + abs(ki * si)), im: 2 * unitRoundoff * (abs(kr * si) + abs(ki * sr)))
                #expect(abs(fast[i].real - readable[i].real) <= bound.re && abs(fast[i].imaginary - readable[i].imaginary) <= bound.im,
                        "count \(count), i \(i): \(fast[i]) vs \(readable[i])")
            }
            let caught = (0..<count).contains { i in abs(conjugated[i].imaginary - readable[i].imaginary) > 1e-3 * abs(readable[i].imaginary) + 1e-12 }
            #expect(caught || k.allSatisfy { abs($0.imaginary) < 1e-9 }, "a conjugated kernel spectrum went unnoticed at count \(count)")
        }
    }

    @Test("C transpose = its index definition, exactly (shapes across the 8 × 8 tiles' edges)")
    func transposeMatchesDefinition() {
        var rng = SplitMix64(seed: 0x15_7A)
        for (rows, cols) in [(1, 1), (1, 9), (7, 8), (8, 8), (9, 17), (33, 5), (64, 64), (65, 3)] {
            let p = (0..<rows * cols).map { _ in rng.nextGaussian() }   // (rows, cols)
            var out = [Double](repeating: .nan, count: rows * cols)      // (cols, rows)
            ass_transpose(p, rows, cols, &out)
            #expect((0..<rows).allSatisfy { i in (0..<cols).allSatisfy { j in out[j * rows + i] == p[i * cols + j] } }, "\(rows) × \(cols)")
        }
    }

    @Test("C column gather and scatter = their index definitions, exactly (widths 1…33, odd pitches, the last rows)")
    func gatherScatterColumns() {
        var rng = SplitMix64(seed: 0x15_6A)
        for (rows, ld) in [(1, 1), (3, 5), (17, 40), (64, 33), (130, 97)] {
            let p = (0..<rows * ld).map { _ in rng.nextGaussian() }   // (rows, ld)
            for width in [1, 7, 8, 9, 33] where width <= ld {
                let first = ld - width, pitch = rows + 3
                var gathered = [Double](repeating: .nan, count: width * pitch)   // (width, pitch)
                ass_gather_columns(p, rows, ld, first, width, &gathered, pitch)
                #expect((0..<width).allSatisfy { j in (0..<rows).allSatisfy { t in gathered[j * pitch + t] == p[t * ld + first + j] } })
                var back = [Double](repeating: 0, count: rows * ld)       // (rows, ld)
                ass_scatter_columns(gathered, pitch, rows, ld, first, width, &back)
                #expect((0..<rows).allSatisfy { t in (0..<ld).allSatisfy { c in back[t * ld + c] == (c >= first ? p[t * ld + c] : 0) } })
            }
        }
    }
}
