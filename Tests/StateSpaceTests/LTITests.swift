import Foundation
import Testing
@testable import StateSpace

@Suite("LTI SSM: recurrent, convolutional and matmul views")
struct LTITests {
    func model(n: Int, method: DiscretizationMethod) throws -> DiscreteStateSpaceModel {
        try StateSpaceModel(a: randomStableMatrix(n, seed: 31), b: randomVector(n, seed: 32),
                            c: randomVector(n, seed: 33), d: 0.7).discretized(step: 0.1, method: method)
    }

    @Test("scan = FFT convolution = Toeplitz matmul", arguments: DiscretizationMethod.allCases)
    func threeViews(method: DiscretizationMethod) throws {
        let ssm = try model(n: 6, method: method)
        let u = randomVector(777, seed: 34)
        let scanned = try ssm.scan(u)
        // Exact identities in exact arithmetic; 1e-11 relative absorbs rounding over 777 steps.
        #expect(relativeDifference(try ssm.convolve(u), scanned) <= 1e-11)
        #expect(relativeDifference(try ssm.matmul(u), scanned) <= 1e-11)
    }

    @Test("kernel by stepping = C Āᵏ B̄ by matrix powers")
    func kernelMatchesPowers() throws {
        let ssm = try model(n: 4, method: .zoh)
        let k = try ssm.kernel(length: 40)
        for step in [0, 1, 2, 17, 39] {
            let p = try matrixPower(ssm.aBar, step) * ssm.bBar
            #expect(abs(k[step] - zip(ssm.c, p).reduce(0) { $0 + $1.0 * $1.1 }) <= 1e-14)
        }
    }

    @Test("states: the last row is the state the output reads")
    func statesMatchOutput() throws {
        let ssm = try model(n: 3, method: .bilinear)
        let u = randomVector(50, seed: 35)
        let xs = try ssm.states(u)
        let y = try ssm.scan(u)
        for t in [0, 25, 49] {
            let readout = zip(ssm.c, xs.row(t)).reduce(0) { $0 + $1.0 * $1.1 } + ssm.d * u[t]
            #expect(abs(readout - y[t]) <= 1e-14)
        }
    }

    @Test("stability: a stable A passes, an unstable Euler step is refused with the radius")
    func stability() throws {
        try model(n: 4, method: .zoh).requireStable()
        let stiff = try StateSpaceModel(a: Matrix.diagonal([-100]), b: [1], c: [1])
        let error = #expect(throws: StateSpaceError.self) { try stiff.discretized(step: 0.1, method: .euler).requireStable() }
        #expect(error?.description.contains("spectral radius 9") == true)
    }

    @Test("bad input: mismatched B/C, NaN, empty sequence, non-positive kernel length")
    func errors() throws {
        #expect(throws: StateSpaceError.shapeMismatch(name: "C (must have length N = 2)", expected: "length 2", actual: "length 3")) {
            try StateSpaceModel(a: Matrix.identity(2), b: [1, 1], c: [1, 1, 1])
        }
        #expect(throws: StateSpaceError.self) { try StateSpaceModel(a: Matrix.identity(1), b: [1], c: [1], d: .nan) }
        let ssm = try model(n: 2, method: .zoh)
        #expect(throws: StateSpaceError.self) { try ssm.scan([]) }
        #expect(throws: StateSpaceError.nonFinite(name: "input u", index: 1, value: .infinity)) { try ssm.scan([0, .infinity]) }
        #expect(throws: StateSpaceError.self) { try ssm.kernel(length: 0) }
        #expect(throws: StateSpaceError.self) { try ssm.matmul([.infinity]) }
    }
}

@Suite("Mass–spring–damper")
struct MassSpringDamperTests {
    @Test("closed-form solution = ZOH recurrence in every damping regime", arguments: [0.05, 0.5, 1.0, 2.5])
    func exactMatchesRecurrence(zeta: Double) throws {
        let k = 9.0, m = 1.0
        let spring = try MassSpringDamper(mass: m, stiffness: k, damping: 2 * zeta * (k * m).squareRoot())
        var force = [Double](repeating: 0, count: 600)
        for i in 0..<600 { force[i] = Double((i / 37) % 3) - 1 }  // a held square-ish wave
        let exact = try spring.exactPosition(force: force, step: 0.02)
        let scanned = try spring.stateSpace.discretized(step: 0.02, method: .zoh).scan(force)
        #expect(relativeDifference(scanned, exact) <= 1e-11)
    }

    @Test("step response settles at 1/k and starts at rest")
    func stepLimits() throws {
        let spring = try MassSpringDamper(mass: 2, stiffness: 5, damping: 3)
        #expect(try spring.stepResponse(at: 0) == 0)
        #expect(abs(try spring.stepResponse(at: 200) - 1 / 5.0) <= 1e-15)
        #expect(abs(try spring.stepResponse(at: 1e-4)) <= 1e-8)        // position ∝ t² at first
    }

    @Test("bad parameters are refused by name")
    func errors() {
        #expect(throws: StateSpaceError.self) { try MassSpringDamper(mass: 0, stiffness: 1, damping: 0) }
        #expect(throws: StateSpaceError.invalidParameter(name: "damping c", value: "-1.0", allowed: "must be finite and ≥ 0")) {
            try MassSpringDamper(mass: 1, stiffness: 1, damping: -1)
        }
        #expect(throws: StateSpaceError.self) { try MassSpringDamper(mass: 1, stiffness: 1, damping: 0).exactPosition(force: [1], step: -0.1) }
    }
}

@Suite("SplitMix64")
struct SplitMix64Tests {
    @Test("same seed, same stream; different seeds, different streams")
    func determinism() {
        var a = SplitMix64(seed: 5), b = SplitMix64(seed: 5), c = SplitMix64(seed: 6)
        let sa = (0..<10).map { _ in a.next() }, sb = (0..<10).map { _ in b.next() }, sc = (0..<10).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }

    @Test("Gaussian samples have mean ≈ 0 and variance ≈ 1")
    func gaussian() {
        var rng = SplitMix64(seed: 1)
        let n = 100_000
        let x = (0..<n).map { _ in rng.nextGaussian() }
        let mean = x.reduce(0, +) / Double(n)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        // Standard errors: 1/√n ≈ 0.003 for the mean, √(2/n) ≈ 0.0045 for the variance; 5σ bounds.
        #expect(abs(mean) < 0.016)
        #expect(abs(variance - 1) < 0.023)
    }
}

@Suite("LTI: state views, final state, continuous solution")
struct LTIStateViewTests {
    let ssm = try! StateSpaceModel(a: randomStableMatrix(5, seed: 51), b: randomVector(5, seed: 52),
                                   c: randomVector(5, seed: 53)).discretized(step: 0.05, method: .bilinear)

    @Test("states by recurrence = by N FFT convolutions = by one GEMM with T(u)")
    func stateViews() throws {
        let u = randomVector(300, seed: 54)
        let xs = try ssm.states(u)
        #expect(relativeDifference(try ssm.statesByConvolution(u).elements, xs.elements) <= 1e-12)
        #expect(relativeDifference(try ssm.statesByMatmul(u).elements, xs.elements) <= 1e-12)
        #expect(try ssm.finalState(u) == xs.row(299))
    }

    @Test("a kernel that decays below 2.2e-308 ends in exact zeros, never subnormal numbers")
    func kernelTailUnderflow() throws {
        // Ā = 0.5, B̄ = 0.5: Āᵏ B̄ = 2⁻⁽ᵏ⁺¹⁾ is normal up to k = 1021, subnormal from 1022.
        let model = try StateSpaceModel(a: Matrix([[-1]]), b: [1], c: [1])
            .discretized(step: Double.log(2), method: .zoh)           // Ā = e^{−ln 2} = 0.5
        let k = try model.stateKernel(length: 1 << 16).elements        // (L)
        #expect(k.allSatisfy { $0 == 0 || $0.isNormal }, "\(k.filter(\.isSubnormal).count) subnormal taps")
        #expect(abs(k[1000] / 0x1p-1001 - 1) <= 1e-12)                 // still exact while normal
        #expect(k[1021] != 0 && k[1022...].allSatisfy { $0 == 0 })
    }

    @Test("the early stop never hides a tail a non-normal or unstable Ā would amplify (review of issue 9)")
    func kernelTailAmplified() throws {
        // Eigenvalues ±0.5 but ‖Ā‖∞ = 1e300: a subnormal state comes back to 1e-13 one step later.
        let transient = DiscreteStateSpaceModel(unchecked: try Matrix([[0, 1e300], [2.5e-301, 0]]), [1, 0], [1, 0], 0, 1, .zoh)
        var u = [Double](repeating: 0, count: 64)                       // (L): a unit impulse
        u[0] = 1
        #expect(relativeDifference(try transient.kernel(length: 64), try transient.scan(u)) <= 1e-12)
        // Ā = 2 from a subnormal B̄: the kernel grows to 1e41 at L = 1200, and overflows past L ≈ 2100.
        let growing = DiscreteStateSpaceModel(unchecked: try Matrix([[2]]), [1e-320], [1], 0, 1, .zoh)
        #expect(try growing.kernel(length: 1200)[1199] > 1e40)
        #expect(throws: StateSpaceError.self) { try growing.kernel(length: 2200) }
    }

    @Test("RK4 continuous output = ZOH recurrence (exact for held input), error shrinking like h⁴")
    func continuous() throws {
        let model = try StateSpaceModel(a: randomStableMatrix(4, seed: 55), b: randomVector(4, seed: 56), c: randomVector(4, seed: 57))
        let u = randomVector(50, seed: 58)
        let zoh = try model.discretized(step: 0.1, method: .zoh).scan(u)
        let coarse = relativeDifference(try model.continuousOutput(heldInput: u, holdInterval: 0.1, substeps: 2), zoh)
        let fine = relativeDifference(try model.continuousOutput(heldInput: u, holdInterval: 0.1, substeps: 4), zoh)
        #expect(fine <= 1e-5)
        #expect(coarse / fine >= 12)                                 // ≈ 2⁴ = 16 for a fourth-order method
        #expect(relativeDifference(try model.continuousOutput(heldInput: u, holdInterval: 0.1, substeps: 64), zoh) <= 1e-11)
        #expect(throws: StateSpaceError.self) { try model.continuousOutput(heldInput: u, holdInterval: 0.1, substeps: 0) }
    }

    @Test("marginal stability (|μ| = 1) passes requireStable; growth does not")
    func marginal() throws {
        let rotation = try StateSpaceModel(a: try Matrix([[0, -1], [1, 0]]), b: [1, 0], c: [1, 0])
        _ = try rotation.discretized(step: 0.1, method: .bilinear, requireStable: true)
        #expect(throws: StateSpaceError.self) { try rotation.discretized(step: 0.1, method: .euler, requireStable: true) }
    }

    @Test("an explicitly given recurrence validates its shapes")
    func explicitInit() {
        #expect(throws: StateSpaceError.self) {
            try DiscreteStateSpaceModel(aBar: Matrix.identity(2), bBar: [1], c: [1, 1], step: 1, method: .zoh)
        }
        #expect(throws: StateSpaceError.self) {
            try DiscreteStateSpaceModel(aBar: Matrix.identity(1), bBar: [1], c: [1], step: -1, method: .zoh)
        }
    }
}

@Suite("LTI: bad input gives a clear error, never a trap or NaN (issue 9)")
struct LTIBadInputTests {
    let model = try! StateSpaceModel(a: randomStableMatrix(3, seed: 61), b: randomVector(3, seed: 62), c: randomVector(3, seed: 63))

    @Test("continuousOutput(substeps: Int.max/2 + 1) overflowed L·m and trapped; now it names m and the bound")
    func substepOverflow() {
        let error = #expect(throws: StateSpaceError.self) {
            try model.continuousOutput(heldInput: [1, 2], holdInterval: 0.1, substeps: Int.max / 2 + 1)
        }
        #expect(error?.description.contains("invalid substeps m = 4611686018427387904") == true)
        #expect(error?.description.contains("L·m overflows Int") == true)
        let tooMuch = #expect(throws: StateSpaceError.self) {
            try model.continuousOutput(heldInput: [1, 2], holdInterval: 0.1, substeps: 1 << 30)
        }
        #expect(tooMuch?.description.contains("must be ≤ 2^30") == true)
    }

    @Test("an RK4 substep past the stability limit is refused with the m that would do")
    func rk4Limit() throws {
        let radius = try spectralRadius(model.a)
        let needed = Int((10 * radius / 2).rounded(.up))
        _ = try model.continuousOutput(heldInput: [1], holdInterval: 10, substeps: needed)
        let error = #expect(throws: StateSpaceError.self) {
            try model.continuousOutput(heldInput: [1], holdInterval: 10, substeps: needed - 1)
        }
        #expect(error?.description.contains("use m ≥ \(needed)") == true)
    }

    @Test("a state that overflows is reported as instability by every view, not returned as NaN")
    func overflowingViews() throws {
        let growing = try DiscreteStateSpaceModel(aBar: Matrix([[0, 1.5], [-1.5, 0]]), bBar: [1, 0], c: [1, 1],
                                                  step: 1, method: .euler)       // a rotation scaled by 1.5
        let u = [Double](repeating: 1, count: 3000)                    // 1.5³⁰⁰⁰ ≫ 1e308
        let views: [(String, () throws -> [Double])] = [
            ("scan", { try growing.scan(u) }), ("states", { try growing.states(u).elements }),
            ("finalState", { try growing.finalState(u) }), ("kernel", { try growing.kernel(length: 3000) }),
            ("convolve", { try growing.convolve(u) }), ("statesByConvolution", { try growing.statesByConvolution(u).elements }),
            ("matmul", { try growing.matmul(u) }), ("statesByMatmul", { try growing.statesByMatmul(u).elements }),
        ]
        for (name, view) in views {
            let error = #expect(throws: StateSpaceError.self, "\(name)") { _ = try view() }
            guard case let .unstable(_, radius)? = error else { Issue.record("\(name): \(String(describing: error))"); continue }
            #expect(abs(radius - 1.5) <= 1e-12)
        }
    }

    @Test("lengths whose results would not fit in memory are refused by name")
    func hugeLengths() throws {
        let ssm = try model.discretized(step: 0.1, method: .zoh)
        for (call, name) in [({ _ = try ssm.kernel(length: Int.max) }, "kernel length L"),
                             ({ _ = try ssm.toeplitz(length: 1 << 20) }, "length L")] as [(() throws -> Void, String)] {
            let error = #expect(throws: StateSpaceError.self) { try call() }
            #expect(error?.description.contains(name) == true)
            #expect(error?.description.contains("2^30") == true)
        }
    }

    @Test("mass–spring–damper: extreme ratios refused at init, so stateSpace's try! cannot trap")
    func springRatios() {
        #expect(throws: StateSpaceError.self) { try MassSpringDamper(mass: 1e-300, stiffness: 1, damping: 1e300) }
        #expect(throws: StateSpaceError.self) { try MassSpringDamper(mass: 1e300, stiffness: 1e-300, damping: 0) }
        #expect(throws: StateSpaceError.self) { try MassSpringDamper(mass: 1e-300 / 1e20, stiffness: 1, damping: 0) }
    }

    @Test("step response: settled (not NaN) at huge times in every regime; a ringing phase past 2^52 is refused", arguments: [0.3, 1.0, 40.0, 1e150])
    func stepResponseFarOut(zeta: Double) throws {
        let k = 4.0, m = 1.0
        let spring = try MassSpringDamper(mass: m, stiffness: k, damping: 2 * zeta * (k * m).squareRoot())
        #expect(try spring.stepResponse(at: 1e300) == 1 / k || zeta > 1e100)   // ζ = 1e150 creeps: r₁ ≈ −1e-150
        #expect(try spring.stepResponse(at: 1e300).isFinite)
        let undamped = try MassSpringDamper(mass: 1, stiffness: 4, damping: 0)
        #expect(throws: StateSpaceError.self) { try undamped.stepResponse(at: 1e20) }
        #expect(try undamped.stepResponse(at: 1e15).isFinite)             // ω_d·t = 2e15 < 2⁵²
    }

    @Test("exact position: an overflowing force and an L·Δ past ∞ are refused by name")
    func exactPositionRange() throws {
        let spring = try MassSpringDamper(mass: 1, stiffness: 4, damping: 1)
        let big = #expect(throws: StateSpaceError.self) { try spring.exactPosition(force: [1e308, -1e308], step: 0.1) }
        #expect(big?.description.contains("force u") == true)
        let long = #expect(throws: StateSpaceError.self) { try spring.exactPosition(force: [1, 1], step: 1e308) }
        #expect(long?.description.hasPrefix("invalid step Δ = 1e+308") == true)
    }
}
