import Numerics
import Testing
@testable import StateSpace

@Suite("FFT through FFTW")
struct FFTTests {
    @Test("real forward FFT = direct DFT", arguments: [1, 2, 3, 7, 16, 100, 1024])
    func realForwardMatchesDFT(n: Int) throws {
        let x = randomVector(n, seed: UInt64(n))
        let fast = try FFT.forward(x)                              // (n/2+1)
        let slow = naiveDFT(x.map { Complex($0, 0) }, sign: -1)    // (n)
        #expect(fast.count == n / 2 + 1)
        // Rounding in both grows like ε·log n (FFT) and ε·n (direct sum): 1e-12 relative covers n ≤ 1024.
        #expect(maxAbsDifference(fast, Array(slow[0...(n / 2)])) <= 1e-12 * max(1, maxAbs(slow)))
    }

    @Test("complex forward FFT = direct DFT; inverse undoes it", arguments: [1, 5, 64, 243])
    func complexRoundTrip(n: Int) throws {
        let x = randomComplex(n, seed: 99 + UInt64(n))
        let fast = try FFT.forward(x)
        let slow = naiveDFT(x, sign: -1)
        #expect(maxAbsDifference(fast, slow) <= 1e-12 * max(1, maxAbs(slow)))
        let back = try FFT.inverse(fast)
        #expect(maxAbsDifference(back, x) <= 1e-14 * Double(n).squareRoot() + 1e-15)
        // The inverse's sign and normalisation, checked against the definition too.
        let inverseByDefinition = naiveDFT(x, sign: +1).map { $0.divided(by: Double(n)) }
        #expect(maxAbsDifference(try FFT.inverse(x), inverseByDefinition) <= 1e-13)
    }

    @Test("real round trip x → r2c → c2r = x", arguments: [1, 2, 9, 4096, 65536])
    func realRoundTrip(n: Int) throws {
        let x = randomVector(n, seed: 7)
        let back = try FFT.inverse(try FFT.forward(x), count: n)
        #expect(maxAbsDifference(back, x) <= 1e-14 * Double(n).squareRoot().squareRoot() + 1e-15)
    }

    @Test("plans are cached: a second transform of the same size makes no new plan")
    func plansAreReused() throws {
        let n = 3 * 5 * 7 * 11                                     // a size no other test uses
        _ = try FFT.forward(randomVector(n, seed: 1))
        let count = FFTPlanCache.shared.count
        _ = try FFT.forward(randomVector(n, seed: 2))
        #expect(FFTPlanCache.shared.count == count)
        let plan1 = FFTPlanCache.shared.plan(.realForward, size: n)
        let plan2 = FFTPlanCache.shared.plan(.realForward, size: n)
        #expect(plan1 === plan2)
    }

    @Test("bad input throws a named error")
    func badInput() {
        #expect(throws: StateSpaceError.invalidParameter(name: "FFT length n", value: "0", allowed: "must be a positive integer (≥ 1)")) {
            try FFT.forward([Double]())
        }
        #expect(throws: StateSpaceError.nonFinite(name: "x", index: 2, value: .infinity)) {
            try FFT.forward([1, 2, Double.infinity])
        }
        #expect(throws: StateSpaceError.self) { try FFT.inverse([Complex<Double>](repeating: .zero, count: 3), count: 8) }
        #expect(throws: StateSpaceError.self) { try FFT.forward([Complex(Double.nan, 0)]) }
    }
}
