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

    @Test("plans are cached: one plan per (kind, n), reused, freed by removeAll")
    func cacheKeepsOnePlanPerKey() {
        // A private cache, so tests running in parallel on `shared` cannot change the counts.
        let cache = FFTPlanCache()
        let first = cache.plan(.realForward, size: 12)
        #expect(cache.plan(.realForward, size: 12) === first)
        #expect(cache.count == 1)
        #expect(cache.plan(.realInverse, size: 12) !== first)
        #expect(cache.plan(.realForward, size: 13) !== first)
        #expect(cache.count == 3)
        cache.removeAll()
        #expect(cache.count == 0 && cache.cachedPlan(.realForward, size: 12) == nil)
    }

    @Test("a second transform of the same size reuses the shared cache's plan")
    func transformsReuseSharedPlans() throws {
        let n = 3 * 5 * 7 * 11                                     // a size no other test uses
        _ = try FFT.forward(randomVector(n, seed: 1))
        // Only this key is inspected: other tests add plans to `shared` concurrently, and
        // nothing ever removes from it, so the identity of this one plan is race-free.
        let plan = try #require(FFTPlanCache.shared.cachedPlan(.realForward, size: n))
        _ = try FFT.forward(randomVector(n, seed: 2))
        #expect(FFTPlanCache.shared.cachedPlan(.realForward, size: n) === plan)
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
