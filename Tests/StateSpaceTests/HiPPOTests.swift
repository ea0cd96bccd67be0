import Foundation
import Testing
@testable import StateSpace

@Suite("HiPPO transition matrices")
struct HiPPOTransitionTests {
    @Test("LegS: closed-form entries and eigenvalues −1…−N", arguments: [1, 5, 32])
    func legS(n: Int) throws {
        let (a, b) = try legSTransition(stateSize: n)
        for row in 0..<n {
            #expect(b[row] == (2 * Double(row) + 1).squareRoot())
            for col in 0..<n {
                let expected = row > col ? -((2 * Double(row) + 1) * (2 * Double(col) + 1)).squareRoot()
                    : (row == col ? -Double(row + 1) : 0)
                #expect(abs(a[row, col] - expected) <= 1e-14 * max(1, abs(expected)))
            }
        }
        let eigenvalues = try generalEigen(a).values.map(\.real).sorted(by: >)
        #expect(maxAbsDifference(eigenvalues, (1...n).map { -Double($0) }) <= 1e-12)
    }

    @Test("LegT: entries, the (−1)^{n−k} pattern above the diagonal, and 1/θ scaling")
    func legT() throws {
        let (a1, b1) = try legTTransition(stateSize: 6, window: 1)
        let (a2, b2) = try legTTransition(stateSize: 6, window: 0.5)
        #expect(abs(a1[3, 1] + (7.0 * 3).squareRoot()) <= 1e-14)                  // n > k: −√(2n+1)√(2k+1)
        #expect(abs(a1[1, 4] - (3.0 * 9).squareRoot()) <= 1e-14)                   // n − k = −3: (−1)^{−3} = −1 → +√27
        #expect(abs(a1[1, 3] + (3.0 * 7).squareRoot()) <= 1e-14)                  // n − k = −2: (−1)^{−2} = +1 → −√21
        #expect(abs(a1[2, 2] + 5) <= 1e-14)                             // √5·√5 rounds
        #expect(maxAbsDifference(a2.elements, (2 * a1).elements) <= 1e-14)
        #expect(maxAbsDifference(b2, b1.map { 2 * $0 }) <= 1e-15)
    }

    @Test("LagT: −½ on the diagonal, −1 below, 0 above, B = 1")
    func lagT() throws {
        let (a, b) = try lagTTransition(stateSize: 4)
        #expect(a == (try Matrix([[-0.5, 0, 0, 0], [-1, -0.5, 0, 0], [-1, -1, -0.5, 0], [-1, -1, -1, -0.5]])))
        #expect(b == [1, 1, 1, 1])
    }

    @Test("FouT: skew part ±2πk/θ and A + Aᵀ = −(4/θ)eeᵀ; even N refused")
    func fouT() throws {
        let theta = 0.8
        let (a, b) = try fouTTransition(stateSize: 7, window: theta)
        let e = [1, 2.0.squareRoot(), 0, 2.0.squareRoot(), 0, 2.0.squareRoot(), 0]
        #expect(maxAbsDifference(b, e.map { 2 * $0 / theta }) <= 1e-15)
        for i in 0..<7 { for j in 0..<7 {
            #expect(abs(a[i, j] + a[j, i] + 4 / theta * e[i] * e[j]) <= 1e-13)
        } }
        let skew = a + (2 / theta) * (try Matrix(rows: 7, cols: 7, elements: (0..<49).map { e[$0 / 7] * e[$0 % 7] }))
        #expect(abs(skew[3, 4] - 2 * .pi * 2 / theta) <= 1e-13)       // (cos 2, sin 2)
        #expect(abs(skew[4, 3] + 2 * .pi * 2 / theta) <= 1e-13)
        #expect(skew[1, 3] == 0)
        let error = #expect(throws: StateSpaceError.self) { try fouTTransition(stateSize: 8, window: 1) }
        #expect(error?.description.contains("must be odd") == true)
    }

    @Test("bad sizes and windows are refused by name")
    func errors() {
        #expect(throws: StateSpaceError.invalidParameter(name: "state size N", value: "0", allowed: "must be a positive integer (≥ 1)")) {
            try legSTransition(stateSize: 0)
        }
        for theta in [0.0, -1, .nan] {
            let error = #expect(throws: StateSpaceError.self) { try legTTransition(stateSize: 4, window: theta) }
            #expect(error?.description.contains("window θ") == true)
        }
        #expect(throws: StateSpaceError.self) { try HiPPOMeasure.fouT(window: -2).transition(stateSize: 3) }
        #expect(throws: StateSpaceError.self) { try HiPPOMeasure.legS.basis(stateSize: 3, at: [0], now: 0) }
    }
}

@Suite("HiPPO bases and memories")
struct HiPPOBasisTests {
    @Test("Legendre, Laguerre and Fourier bases against explicit formulas")
    func explicitValues() throws {
        let x = [-0.7, 0.0, 0.3, 1.0]
        let g = try legendreBasis(stateSize: 4, at: x)
        for (p, v) in x.enumerated() {
            #expect(abs(g[p, 2] - 5.0.squareRoot() * (3 * v * v - 1) / 2) <= 1e-14)
            #expect(abs(g[p, 3] - 7.0.squareRoot() * (5 * v * v * v - 3 * v) / 2) <= 1e-14)
        }
        let ages = [0.0, 0.5, 3.0]
        let l = try laguerreFunctions(stateSize: 3, at: ages)
        for (p, a) in ages.enumerated() {
            #expect(abs(l[p, 2] - (a * a - 4 * a + 2) / 2 * exp(-a / 2)) <= 1e-14)
        }
        let f = try fourierBasis(stateSize: 5, at: [0.125])
        #expect(abs(f[0, 3] - 2.0.squareRoot() * cos(2 * .pi * 2 * 0.125)) <= 1e-15)
        #expect(abs(f[0, 4] - 2.0.squareRoot() * sin(2 * .pi * 2 * 0.125)) <= 1e-15)
    }

    @Test("Legendre basis is orthonormal for dx/2 (Gauss-free check: fine midpoint rule)")
    func orthonormal() throws {
        let m = 4000
        let x = (0..<m).map { -1 + (Double($0) + 0.5) * 2 / Double(m) }
        let g = try legendreBasis(stateSize: 6, at: x)
        var gram = Matrix(zeros: 6, 6)
        gemm(1 / Double(m), g, transposeA: true, g, 0, &gram)       // GᵀG/m ≈ ∫ g_i g_j dx/2
        // The midpoint rule's error is O(h²·max|f''|) ≈ 1e-6 for degree ≤ 10 products.
        #expect(maxAbsDifference(gram.elements, Matrix.identity(6).elements) <= 1e-5)
    }

    @Test("time orientation: LegT's g_1 is +√3 now and −√3 a window ago")
    func orientation() throws {
        let values = try HiPPOMeasure.legT(window: 2).reconstruct(state: [0, 1], at: [5, 3], now: 5)
        #expect(abs(values[0] - 3.0.squareRoot()) <= 1e-15 && abs(values[1] + 3.0.squareRoot()) <= 1e-15)
        let legS = try HiPPOMeasure.legS.reconstruct(state: [0, 1], at: [0, 4], now: 4)
        #expect(abs(legS[0] + 3.0.squareRoot()) <= 1e-15 && abs(legS[1] - 3.0.squareRoot()) <= 1e-15)
    }

    @Test("LegT remembers a slow sinusoid over its window")
    func legTMemory() throws {
        let theta = 1.0, step = 1e-3, n = 32
        let times = (0..<2001).map { Double($0) * step }
        let f: (Double) -> Double = { sin(2 * .pi * 1.5 * $0) }
        let (a, b) = try legTTransition(stateSize: n, window: theta)
        let ssm = try StateSpaceModel(a: a, b: b, c: [Double](repeating: 0, count: n)).discretized(step: step, method: .bilinear)
        let state = try ssm.finalState(times.map { f($0 - step / 2) })
        let window = times.filter { $0 >= 1 }
        let rec = try HiPPOMeasure.legT(window: theta).reconstruct(state: state, at: window, now: 2)
        // Measured ≈ 2e-4 relative; 1e-2 leaves room for another BLAS's rounding, not for a wrong sign.
        #expect(relativeDifference(rec, window.map(f)) <= 1e-2)
    }

    @Test("time-varying LegS = the same recurrence with dense LU solves")
    func legSTimeVaryingMatchesDense() throws {
        let n = 6
        let f = randomVector(40, seed: 41)
        let fast = try legSTimeVaryingStates(signal: f, stateSize: n)
        let (a, b) = try legSTransition(stateSize: n)
        var c = [Double](repeating: 0, count: n); c[0] = f[0]
        for k in 1..<40 {
            let twoK = 2 * Double(k)
            let lhs = twoK * Matrix.identity(n) - a
            var rhs = (twoK * Matrix.identity(n) + a) * c
            for i in 0..<n { rhs[i] += 2 * b[i] * f[k] }
            c = try solve(lhs, rhs)
            #expect(maxAbsDifference(fast.row(k), c) <= 1e-13)
        }
    }

    @Test("time-varying LegS reconstructs a ramp (degree 1) over its whole history")
    func legSRamp() throws {
        let l = 1000
        let f = (0..<l).map { Double($0) / Double(l - 1) }
        let state = try legSTimeVaryingStates(signal: f, stateSize: 8).row(l - 1)
        let times = (0..<l).map(Double.init)
        let rec = try HiPPOMeasure.legS.reconstruct(state: state, at: times, now: Double(l - 1))
        #expect(relativeDifference(rec, f) <= 1e-2)
        #expect(throws: StateSpaceError.self) { try legSTimeVaryingStates(signal: [1, .nan], stateSize: 3) }
    }

    @Test("impulse response e^{kΔA}B by stepping = e^{tA}B by a fresh exponential")
    func impulse() throws {
        let (a, b) = try legTTransition(stateSize: 8, window: 1)
        let rows = try hippoImpulseResponse(a: a, b: b, step: 0.01, length: 60)
        #expect(relativeDifference(rows.row(59), try matrixExponential(0.59 * a) * b) <= 1e-12)
        #expect(throws: StateSpaceError.self) { try hippoImpulseResponse(a: a, b: b, step: 0, length: 3) }
    }

    @Test("band-limited signal: reproducible from its seed, refuses a bad band")
    func signal() throws {
        var r1 = SplitMix64(seed: 3), r2 = SplitMix64(seed: 3)
        let s1 = try BandLimitedSignal(maxFrequency: 4, rng: &r1), s2 = try BandLimitedSignal(maxFrequency: 4, rng: &r2)
        #expect(try s1.sample([0, 0.1, 0.7]) == s2.sample([0, 0.1, 0.7]))
        #expect(s1.frequencies.allSatisfy { $0 > 0 && $0 <= 4 })
        #expect(throws: StateSpaceError.self) { try BandLimitedSignal(maxFrequency: 0, rng: &r1) }
    }
}

@Suite("HiPPO: every parameter checked at every entry point (issue 9)")
struct HiPPOParameterTests {
    @Test("a bad window is refused by transition, basis and reconstruct alike", arguments: [0.0, -1, .nan, .infinity])
    func window(theta: Double) {
        for measure in [HiPPOMeasure.legT(window: theta), .fouT(window: theta)] {
            let calls: [() throws -> Void] = [
                { _ = try measure.transition(stateSize: 5) },
                { _ = try measure.basis(stateSize: 5, at: [0.5], now: 1) },
                { _ = try measure.reconstruct(state: [1, 0, 0, 0, 0], at: [0.5], now: 1) },
            ]
            for call in calls {
                let error = #expect(throws: StateSpaceError.self) { try call() }
                #expect(error?.description.contains("window θ = \(theta)") == true, "\(measure)")
            }
        }
    }

    @Test("legT(window: 0).basis gave 6 of 8 NaN; .legS.basis(at: [.nan]) gave NaN; both now throw")
    func issueExamples() {
        #expect(throws: StateSpaceError.invalidParameter(name: "window θ", value: "0.0", allowed: "must be finite and > 0")) {
            try HiPPOMeasure.legT(window: 0).basis(stateSize: 8, at: [0.5, 1], now: 1)
        }
        let error = #expect(throws: StateSpaceError.self) { try HiPPOMeasure.legS.basis(stateSize: 4, at: [.nan], now: 1) }
        #expect(error?.description.hasPrefix("times[0] = nan") == true)   // (NaN ≠ NaN, so compare the message)
    }

    @Test("legendreBasis(stateSize: -1) trapped; now it throws, naming N")
    func negativeStateSize() {
        let error = #expect(throws: StateSpaceError.self) { try legendreBasis(stateSize: -1, at: [0]) }
        #expect(error?.description == "invalid state size N = -1: must be a positive integer (≥ 1)")
    }

    @Test("a time outside the remembered window is refused; one off by rounding is clamped onto the edge")
    func windowEdges() throws {
        let legT = HiPPOMeasure.legT(window: 2)
        let onEdges = try legT.basis(stateSize: 6, at: [3, 5], now: 5)           // (2, 6)
        let offByRounding = try legT.basis(stateSize: 6, at: [3.nextDown, 5.nextUp], now: 5)
        #expect(onEdges == offByRounding)
        let error = #expect(throws: StateSpaceError.self) { try legT.basis(stateSize: 6, at: [5.001], now: 5) }
        #expect(error?.description.contains("[now − θ, now] = [3.0, 5.0]") == true)
        #expect(throws: StateSpaceError.self) { try HiPPOMeasure.legS.basis(stateSize: 3, at: [-0.01], now: 1) }
        #expect(throws: StateSpaceError.self) { try HiPPOMeasure.lagT.basis(stateSize: 3, at: [1.01], now: 1) }
        #expect(throws: StateSpaceError.self) { try fourierBasis(stateSize: 3, at: [-0.5]) }
    }

    @Test("at a large now, a time a whole window outside the memory is refused; one a few roundings outside is clamped")
    func windowEdgesAtLargeNow() throws {
        // The slack was 1e-9·(1 + |now|/θ): 1.7 windows at now = 1.7e9, 1000 at now = 1e12.
        let legT = HiPPOMeasure.legT(window: 1), fouT = HiPPOMeasure.fouT(window: 1)
        let refused: [() throws -> Void] = [
            { _ = try legT.basis(stateSize: 3, at: [1.7e9 + 1.5], now: 1.7e9) },
            { _ = try legT.basis(stateSize: 3, at: [1.7e9 - 2.5], now: 1.7e9) },
            { _ = try legT.reconstruct(state: [1, 0, 0], at: [1.7e9 + 1.5], now: 1.7e9) },
            { _ = try fouT.basis(stateSize: 3, at: [1e12 + 900], now: 1e12) },
            { _ = try fouT.basis(stateSize: 3, at: [1e12 - 2], now: 1e12) },
            { _ = try HiPPOMeasure.lagT.basis(stateSize: 3, at: [1e12 + 900], now: 1e12) },
            { _ = try HiPPOMeasure.lagT.basis(stateSize: 3, at: [1e12 + 1e-2], now: 1e12) },   // 80 ulps of now
        ]
        for call in refused {
            let error = #expect(throws: StateSpaceError.self) { try call() }
            #expect(error?.description.contains("times[0]") == true)
        }
        // Genuine rounding: the edges computed from now and θ, and one ulp beyond them.
        for (now, theta) in [(1.7e9, 1.0), (1e12, 0.1), (1.0, 1e6), (-3e8, 7.0)] {
            let start = now - theta                                     // rounded
            let times = [start, start.nextDown, start.nextDown.nextDown, now, now.nextUp, start + theta]
            for measure in [HiPPOMeasure.legT(window: theta), .fouT(window: theta)] {
                let g = try measure.basis(stateSize: 4, at: times, now: now)   // (6, 4)
                // Clamped onto the edges: the rows beyond them equal the edge rows' (themselves a
                // rounding off ±1: u = ((now − θ) − now)/θ), up to the basis' slope (≤ 50 at
                // N = 4) × the few ulps of now, in units of θ, that separate them.
                let resolution = max(abs(now), theta).ulp / theta
                for (outside, edge) in [(1, 0), (2, 0), (4, 3), (5, 3)] {
                    let gap = zip(g.row(outside), g.row(edge)).map { abs($0 - $1) }.max()!
                    #expect(gap <= 200 * resolution + 1e-12, "\(measure) at now = \(now): row \(outside) vs \(edge)")
                }
            }
            let ages = try HiPPOMeasure.lagT.basis(stateSize: 4, at: [now.nextUp, now], now: now)
            #expect(ages.row(0) == ages.row(1))
        }
        let legS = try HiPPOMeasure.legS.basis(stateSize: 4, at: [(-0.0).nextDown, 0, 1.7e9.nextUp, 1.7e9], now: 1.7e9)
        #expect(legS.row(0) == legS.row(1) && legS.row(2) == legS.row(3))
    }

    @Test("Laguerre functions: finite and within [−1, 1] at any finite age; the scaled recurrence matches the plain one")
    func laguerreAtLargeAges() throws {
        let ages = [0, 0.5, 40, 700, 2000, 1e6, 1e300]
        let g = try laguerreFunctions(stateSize: 64, at: ages)           // (7, 64)
        #expect(g.elements.allSatisfy { $0.isFinite && abs($0) <= 1 + 1e-12 })
        // The plain recurrence L_n(a)·e^{−a/2} where it does not overflow (a = 40, n < 64).
        var previous = 0.0, current = 1.0
        for n in 0..<64 {
            #expect(abs(g[2, n] - current * exp(-20)) <= 1e-12 * max(1, abs(current * exp(-20))))
            (previous, current) = (current, ((2 * Double(n) + 1 - 40) * current - Double(n) * previous) / Double(n + 1))
        }
        #expect(g.row(6).allSatisfy { $0 == 0 })                        // e^{−5e299}: nothing left
    }

    @Test("the state size is capped at 2^14, by name, everywhere")
    func stateSizeCap() {
        let calls: [() throws -> Void] = [
            { _ = try legSTransition(stateSize: 1 << 14 + 1) },
            { _ = try legTTransition(stateSize: Int.max, window: 1) },
            { _ = try HiPPOMeasure.lagT.basis(stateSize: Int.max, at: [0], now: 0) },
            { _ = try legendreBasis(stateSize: Int.max, at: [0]) },
        ]
        for call in calls {
            let error = #expect(throws: StateSpaceError.self) { try call() }
            #expect(error?.description.contains("state size N") == true)
            #expect(error?.description.contains("2^14") == true)
        }
    }

    @Test("a window so small that A would overflow is refused; the smallest that fits is accepted")
    func tinyWindow() throws {
        #expect(throws: StateSpaceError.self) { try legTTransition(stateSize: 8, window: 1e-300 / 1e20) }
        let (a, b) = try legTTransition(stateSize: 8, window: 1e-300)
        #expect(a.elements.allSatisfy(\.isFinite) && b.allSatisfy(\.isFinite))
    }

    @Test("the time-varying LegS memory refuses a signal that would overflow it, by name")
    func legSOverflow() {
        let error = #expect(throws: StateSpaceError.self) { try legSTimeVaryingStates(signal: [1e308, -1e308], stateSize: 4) }
        #expect(error?.description.contains("signal f = max |f| = 1e+308") == true)
    }

    @Test("the band-limited signal refuses times whose phase has no correct digit, and NaN")
    func signalTimes() throws {
        var rng = SplitMix64(seed: 4)
        let s = try BandLimitedSignal(maxFrequency: 4, rng: &rng)
        #expect(s.maxFrequency == 4)
        #expect(try s(0x1p50).isFinite)                                  // 4·2⁵⁰ = 2⁵² cycles: the limit
        #expect(throws: StateSpaceError.self) { try s(0x1p51) }
        #expect(throws: StateSpaceError.self) { try s.sample([0, .nan]) }
        #expect(throws: StateSpaceError.self) { try BandLimitedSignal(maxFrequency: 4, components: 1 << 21, rng: &rng) }
    }
}
