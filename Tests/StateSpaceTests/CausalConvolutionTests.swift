import Testing
@testable import StateSpace

@Suite("Causal convolution")
struct CausalConvolutionTests {
    @Test("FFT convolution = direct O(L²) convolution", arguments: [1, 2, 3, 17, 256, 1000, 4097])
    func fftMatchesDirect(length: Int) throws {
        let k = randomVector(length, seed: 11), u = randomVector(length, seed: 12)
        let fast = try causalConvolution(k, u)
        let slow = try directCausalConvolution(k, u)
        // FFT error ≈ ε·log₂n·‖K‖₂‖u‖₂; relative to ‖y‖∞ this stays well under 1e-12 here.
        #expect(relativeDifference(fast, slow) <= 1e-12)
    }

    @Test("no wrap-around: a kernel tap at L−1 reaches only the last output")
    func noWrapAround() throws {
        let length = 64
        var k = [Double](repeating: 0, count: length); k[length - 1] = 1
        var u = [Double](repeating: 0, count: length); u[0] = 1; u[length - 1] = 5
        let y = try causalConvolution(k, u)
        var expected = [Double](repeating: 0, count: length); expected[length - 1] = 1
        #expect(maxAbsDifference(y, expected) <= 1e-14)
    }

    @Test("one CausalConvolution applied to many inputs, one of them refused (NaN): each = the direct sum (the padding stays zero)")
    func reuse() throws {
        let conv = try CausalConvolution(kernel: randomVector(300, seed: 3))
        for seed in 20..<24 as Range<UInt64> {
            let u = randomVector(300, seed: seed)
            #expect(relativeDifference(try conv.apply(u), try directCausalConvolution(randomVector(300, seed: 3), u)) <= 1e-12)
            var bad = u
            bad[299] = .nan
            #expect(throws: StateSpaceError.self) { _ = try conv.apply(bad) }
        }
        #expect(conv.paddedLength == 1024)
    }

    @Test("padded size is the smallest power of two ≥ 2L−1")
    func paddedSize() throws {
        #expect(try CausalConvolution.paddedSize(for: 1) == 1)
        #expect(try CausalConvolution.paddedSize(for: 2) == 4)
        #expect(try CausalConvolution.paddedSize(for: 3) == 8)
        #expect(try CausalConvolution.paddedSize(for: 512) == 1024)
        #expect(try CausalConvolution.paddedSize(for: 513) == 2048)
        #expect(try CausalConvolution.paddedSize(for: 65536) == 131072)
        // Against the definition, for every L up to 5000.
        for l in 1...5000 {
            let n = try CausalConvolution.paddedSize(for: l)
            #expect(n >= 2 * l - 1 && (n == 1 || n / 2 < 2 * l - 1) && n & (n - 1) == 0, "L = \(l): n = \(n)")
        }
    }

    @Test("padded size at the limit: L = 2²⁹ gives 2³⁰; beyond it, and L ≤ 0, throw (the doubling loop hung or trapped)")
    func paddedSizeLimits() throws {
        #expect(try CausalConvolution.paddedSize(for: CausalConvolution.maximumLength) == 1 << 30)
        #expect(try CausalConvolution.paddedSize(for: (1 << 28) + 1) == 1 << 30)
        for bad in [CausalConvolution.maximumLength + 1, (1 << 62) - 1, 1 << 62, Int.max, 0, -1, Int.min] {
            let error = #expect(throws: StateSpaceError.self) { try CausalConvolution.paddedSize(for: bad) }
            #expect(error?.description.contains("kernel length L = \(bad)") == true, "\(String(describing: error))")
        }
    }

    @Test("bad input throws a named error")
    func badInput() throws {
        #expect(throws: StateSpaceError.self) { try causalConvolution([], []) }
        #expect(throws: StateSpaceError.shapeMismatch(name: "input u of a length-3 convolution", expected: "length 3", actual: "length 2")) {
            try causalConvolution([1, 2, 3], [1, 2])
        }
        let nan = #expect(throws: StateSpaceError.self) { try causalConvolution([1, 2], [0, .nan]) }
        #expect(nan?.description.contains("input u[1] = nan") == true)
        #expect(throws: StateSpaceError.self) { try directCausalConvolution([1, .infinity], [1, 1]) }
    }
}

