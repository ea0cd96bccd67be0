import Foundation
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

    @Test("a second transform of the same size reuses its cache's plan")
    func transformsReusePlans() throws {
        // A private cache: the shared one evicts, and tests running in parallel fill it, so an
        // identity check on `shared` could race an eviction.
        let cache = FFTPlanCache()
        let n = 3 * 5 * 7 * 11
        _ = try FFT.forward(randomVector(n, seed: 1), plans: cache)
        let plan = try #require(cache.cachedPlan(.realForward, size: n))
        _ = try FFT.forward(randomVector(n, seed: 2), plans: cache)
        #expect(cache.cachedPlan(.realForward, size: n) === plan && cache.count == 1)
        // The default is the shared cache (only existence is checked: other tests may evict).
        _ = try FFT.forward(randomVector(n, seed: 3))
    }

    @Test("the cache is an LRU per kind: the least recently requested plan goes first")
    func leastRecentlyUsedEviction() {
        let cache = FFTPlanCache(capacityPerKind: 3)
        for n in 1...3 { _ = cache.plan(.realForward, size: n) }
        _ = cache.plan(.complexForward, size: 1)                  // another kind: its own budget
        _ = cache.plan(.realForward, size: 1)                     // 1 is now the most recent
        _ = cache.plan(.realForward, size: 4)                     // evicts 2, the least recent
        #expect(cache.count(.realForward) == 3 && cache.count(.complexForward) == 1 && cache.count == 4)
        #expect(cache.cachedPlan(.realForward, size: 2) == nil)
        #expect([1, 3, 4].allSatisfy { cache.cachedPlan(.realForward, size: $0) != nil })
    }

    @Test("an evicted plan that a caller still holds stays alive and correct")
    func evictedPlanInUse() throws {
        let cache = FFTPlanCache(capacityPerKind: 1)
        let n = 8
        let held = cache.plan(.realForward, size: n)
        _ = cache.plan(.realForward, size: 16)                    // evicts the size-8 plan from the cache
        #expect(cache.cachedPlan(.realForward, size: n) == nil && cache.count == 1)
        let x = randomVector(n, seed: 5)
        let input = FFTWRealBuffer(count: n), output = FFTWComplexBuffer(count: n / 2 + 1)
        _ = input.buffer.update(fromContentsOf: x)
        held.execute(input, output)                               // destroyed only when `held` goes
        let reference = naiveDFT(x.map { Complex($0, 0) }, sign: -1)
        #expect(maxAbsDifference(Array(output.buffer), Array(reference[0...(n / 2)])) <= 1e-13)
    }

    @Test("2,000 distinct lengths through FFT.forward: ≤ 64 plans of a kind stay cached and RSS stays flat")
    func boundedMemory() async {
        // Before the bound, every length kept its plan: 5,000 lengths grew RSS by ≈ 300 MB
        // (≈ 80 MB for these 2,000). Run in a child process (an exit test), so that RSS is not
        // disturbed by the tests running in parallel in this one; the child exits with a failure
        // if either bound is broken. 2,000 rather than 5,000 lengths keeps the planning cost
        // (≈ 1 ms of FFTW per new length) to a couple of seconds.
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            func transform(_ lengths: Range<Int>) throws {
                for n in lengths { _ = try FFT.forward([Double](repeating: 1, count: n)) }
            }
            try transform(1000..<1200)                           // warm-up: fills the cache, allocator arenas
            let before = try residentSetSize()
            try transform(1200..<3000)
            let growth = try residentSetSize() - before
            let plans = FFTPlanCache.shared.count(.realForward)
            FileHandle.standardError.write(Data("plans \(plans), RSS growth \(growth >> 10) KB\n".utf8))
            // A bounded cache holds ≤ 64 plans of n ≤ 3000 (< 4 MB); 16 MB is a wide margin.
            requirePrecondition(plans <= FFTPlanCache.defaultCapacityPerKind && growth < 16 << 20,
                                "bound broken: \(plans) plans, RSS grew by \(growth >> 20) MB")
        }
        let report = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(report.contains("plans 64,"), "\(report)")
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
        let huge = #expect(throws: StateSpaceError.self) { try FFT.inverse([Complex<Double>.zero], count: Int.max) }
        #expect(huge?.description.contains("FFT length n = \(Int.max)") == true)
    }
}

/// The process's resident set size in bytes, from the VmRSS line of /proc/self/status (Linux).
func residentSetSize() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    guard let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else {
        throw CocoaError(.fileReadCorruptFile)
    }
    return kilobytes * 1024
}
