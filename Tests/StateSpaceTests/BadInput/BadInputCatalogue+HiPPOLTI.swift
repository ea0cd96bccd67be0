import Foundation
@testable import StateSpace

// Small, valid models the rows below feed bad inputs to.

/// Ā = 0.5, B̄ = C = 10: stable, so only the inputs can be at fault.
private func stableModel() throws -> DiscreteStateSpaceModel {
    try DiscreteStateSpaceModel(aBar: Matrix([[0.5]]), bBar: [10], c: [10], step: 0.1, method: .zoh)
}

/// Ā = 2: finite, but its state doubles every step and overflows after ~1024 of them.
private func growingModel() throws -> DiscreteStateSpaceModel {
    try DiscreteStateSpaceModel(aBar: Matrix([[2]]), bBar: [1], c: [1], step: 0.1, method: .euler)
}

private func decay() throws -> StateSpaceModel { try StateSpaceModel(a: Matrix([[-1]]), b: [1], c: [10]) }
private func growth() throws -> StateSpaceModel { try StateSpaceModel(a: Matrix([[1]]), b: [1], c: [1]) }
private func spring() throws -> MassSpringDamper { try MassSpringDamper(mass: 1, stiffness: 4, damping: 0.4) }
private func undampedSpring() throws -> MassSpringDamper { try MassSpringDamper(mass: 1, stiffness: 4, damping: 0) }
private func signal() throws -> BandLimitedSignal {
    var rng = SplitMix64(seed: 9)
    return try BandLimitedSignal(maxFrequency: 5, rng: &rng)
}
private func legT4() throws -> (a: Matrix, b: [Double]) { try legTTransition(stateSize: 4, window: 1) }
private let a2 = Matrix.diagonal([-1, -2])                       // (2, 2)
private let ones2000 = [Double](repeating: 1, count: 2000)      // (2000)

private extension Matrix {
    /// For rows whose result is a matrix and a vector, e.g. (A, B).
    static func numbers(_ pair: (a: Matrix, b: [Double])) -> [Double] { pair.a.elements + pair.b }
}

extension BadInput {
    /// Rows for this area of the library (see BadInputCatalogue.swift for what a row asserts).
    static let hippoLTI: [BadInput] = hippoRows + discretizationRows + lti + viewRows + continuousRows + springRows + signalRows

    // MARK: HiPPO

    static let hippoRows: [BadInput] = [
        BadInput("legSTransition(stateSize: 0)", mentions: ["state size N", "0"]) {
            Matrix.numbers(try legSTransition(stateSize: 0))
        },
        BadInput("legSTransition(stateSize: -1)", mentions: ["state size N", "-1"]) {
            Matrix.numbers(try legSTransition(stateSize: -1))
        },
        BadInput("legSTransition(stateSize: Int.max)", mentions: ["state size N", "\(Int.max)"]) {
            Matrix.numbers(try legSTransition(stateSize: .max))
        },
        BadInput("lagTTransition(stateSize: 1 << 20)", mentions: ["state size N", "1048576"]) {
            Matrix.numbers(try lagTTransition(stateSize: 1 << 20))
        },
        BadInput("lagTTransition(stateSize: Int.min)", mentions: ["state size N", "\(Int.min)"]) {
            Matrix.numbers(try lagTTransition(stateSize: .min))
        },
        BadInput("legTTransition(stateSize: 4, window: 0)", mentions: ["window θ", "0.0"]) {
            Matrix.numbers(try legTTransition(stateSize: 4, window: 0))
        },
        BadInput("legTTransition(stateSize: 4, window: -1)", mentions: ["window θ", "-1.0"]) {
            Matrix.numbers(try legTTransition(stateSize: 4, window: -1))
        },
        BadInput("legTTransition(stateSize: 4, window: .nan)", mentions: ["window θ", "nan"]) {
            Matrix.numbers(try legTTransition(stateSize: 4, window: .nan))
        },
        BadInput("legTTransition(stateSize: 4, window: .infinity)", mentions: ["window θ", "inf"]) {
            Matrix.numbers(try legTTransition(stateSize: 4, window: .infinity))
        },
        BadInput("legTTransition(stateSize: 4, window: 1e-300 / 1e20) (7/θ overflows)", mentions: ["window θ", "1e-320"]) {
            Matrix.numbers(try legTTransition(stateSize: 4, window: 1e-300 / 1e20))
        },
        BadInput("fouTTransition(stateSize: 4, window: 1)", mentions: ["state size N (FouT)", "4", "odd"]) {
            Matrix.numbers(try fouTTransition(stateSize: 4, window: 1))
        },
        BadInput("fouTTransition(stateSize: 0, window: 1)", mentions: ["state size N", "0"]) {
            Matrix.numbers(try fouTTransition(stateSize: 0, window: 1))
        },
        BadInput("fouTTransition(stateSize: 5, window: -.infinity)", mentions: ["window θ", "-inf"]) {
            Matrix.numbers(try fouTTransition(stateSize: 5, window: -.infinity))
        },
        BadInput("fouTTransition(stateSize: 5, window: .leastNonzeroMagnitude)", mentions: ["window θ", "5e-324"]) {
            Matrix.numbers(try fouTTransition(stateSize: 5, window: .leastNonzeroMagnitude))
        },
        BadInput("HiPPOMeasure.legT(window: 0).transition(stateSize: 4)", mentions: ["window θ", "0.0"]) {
            Matrix.numbers(try HiPPOMeasure.legT(window: 0).transition(stateSize: 4))
        },
        BadInput("HiPPOMeasure.fouT(window: .nan).transition(stateSize: 5)", mentions: ["window θ", "nan"]) {
            Matrix.numbers(try HiPPOMeasure.fouT(window: .nan).transition(stateSize: 5))
        },
        BadInput("HiPPOMeasure.legT(window: 0).basis(stateSize: 8, at: [0.5], now: 1)", mentions: ["window θ", "0.0"]) {
            try HiPPOMeasure.legT(window: 0).basis(stateSize: 8, at: [0.5], now: 1).elements
        },
        BadInput("HiPPOMeasure.legT(window: -2).basis(stateSize: 8, at: [0.5], now: 1)", mentions: ["window θ", "-2.0"]) {
            try HiPPOMeasure.legT(window: -2).basis(stateSize: 8, at: [0.5], now: 1).elements
        },
        BadInput("HiPPOMeasure.fouT(window: .nan).reconstruct(state: [1, 0, 0], at: [0.5], now: 1)", mentions: ["window θ", "nan"]) {
            try HiPPOMeasure.fouT(window: .nan).reconstruct(state: [1, 0, 0], at: [0.5], now: 1)
        },
        BadInput("HiPPOMeasure.fouT(window: .infinity).basis(stateSize: 3, at: [0.5], now: 1)", mentions: ["window θ", "inf"]) {
            try HiPPOMeasure.fouT(window: .infinity).basis(stateSize: 3, at: [0.5], now: 1).elements
        },
        BadInput("HiPPOMeasure.legS.basis(stateSize: 4, at: [.nan], now: 1)", mentions: ["times", "nan"]) {
            try HiPPOMeasure.legS.basis(stateSize: 4, at: [.nan], now: 1).elements
        },
        BadInput("HiPPOMeasure.legS.basis(stateSize: 4, at: [0.5], now: 0)", mentions: ["now t", "0.0"]) {
            try HiPPOMeasure.legS.basis(stateSize: 4, at: [0.5], now: 0).elements
        },
        BadInput("HiPPOMeasure.legS.basis(stateSize: 4, at: [0.5], now: .infinity)", mentions: ["now t", "inf"]) {
            try HiPPOMeasure.legS.basis(stateSize: 4, at: [0.5], now: .infinity).elements
        },
        BadInput("HiPPOMeasure.legT(window: 1).basis(stateSize: 4, at: [0.5], now: .nan)", mentions: ["now t", "nan"]) {
            try HiPPOMeasure.legT(window: 1).basis(stateSize: 4, at: [0.5], now: .nan).elements
        },
        BadInput("HiPPOMeasure.legT(window: 1).basis(stateSize: 64, at: [1e300], now: 1) (x = 2e300: P_n overflows)",
                 mentions: ["times[0]", "1e+300", "window"]) {
            try HiPPOMeasure.legT(window: 1).basis(stateSize: 64, at: [1e300], now: 1).elements
        },
        BadInput("HiPPOMeasure.legS.basis(stateSize: 4, at: [0.5, -1], now: 1)", mentions: ["times[1]", "-1.0", "[0, now]"]) {
            try HiPPOMeasure.legS.basis(stateSize: 4, at: [0.5, -1], now: 1).elements
        },
        BadInput("HiPPOMeasure.lagT.basis(stateSize: 4, at: [2], now: 1)", mentions: ["times[0]", "2.0", "now"]) {
            try HiPPOMeasure.lagT.basis(stateSize: 4, at: [2], now: 1).elements
        },
        BadInput("HiPPOMeasure.lagT.basis(stateSize: 4, at: [-.infinity], now: 1)", mentions: ["times", "-inf"]) {
            try HiPPOMeasure.lagT.basis(stateSize: 4, at: [-.infinity], now: 1).elements
        },
        BadInput("HiPPOMeasure.lagT.basis(stateSize: 4, at: [-1e308], now: 1e308) (age overflows)", mentions: ["times[0]", "-1e+308"]) {
            try HiPPOMeasure.lagT.basis(stateSize: 4, at: [-1e308], now: 1e308).elements
        },
        BadInput("HiPPOMeasure.fouT(window: 1).basis(stateSize: 3, at: [-5], now: 1)", mentions: ["times[0]", "-5.0"]) {
            try HiPPOMeasure.fouT(window: 1).basis(stateSize: 3, at: [-5], now: 1).elements
        },
        BadInput("HiPPOMeasure.legS.basis(stateSize: 0, at: [0.5], now: 1)", mentions: ["state size N", "0"]) {
            try HiPPOMeasure.legS.basis(stateSize: 0, at: [0.5], now: 1).elements
        },
        BadInput("HiPPOMeasure.legS.basis(stateSize: 4, at: [], now: 1)", mentions: ["number of times P", "0"]) {
            try HiPPOMeasure.legS.basis(stateSize: 4, at: [], now: 1).elements
        },
        BadInput("HiPPOMeasure.legT(window: 1).basis(stateSize: Int.max, at: [1], now: 1)", mentions: ["state size N", "\(Int.max)"]) {
            try HiPPOMeasure.legT(window: 1).basis(stateSize: .max, at: [1], now: 1).elements
        },
        BadInput("HiPPOMeasure.legS.reconstruct(state: [], at: [0.5], now: 1)", mentions: ["state c's length N", "0"]) {
            try HiPPOMeasure.legS.reconstruct(state: [], at: [0.5], now: 1)
        },
        BadInput("HiPPOMeasure.legS.reconstruct(state: [1, .nan], at: [0.5], now: 1)", mentions: ["state c", "nan"]) {
            try HiPPOMeasure.legS.reconstruct(state: [1, .nan], at: [0.5], now: 1)
        },
        BadInput("HiPPOMeasure.legT(window: 1).reconstruct(state: [1e308, 1e308, 1e308], at: [1], now: 1)",
                 mentions: ["state c", "1e+308"]) {
            try HiPPOMeasure.legT(window: 1).reconstruct(state: [1e308, 1e308, 1e308], at: [1], now: 1)
        },
        // Times outside the memory by far more than rounding, at a large now (the slack was 1e-9·|now|/θ).
        BadInput("HiPPOMeasure.legT(window: 1).basis(stateSize: 3, at: [1.7e9 + 1.5], now: 1.7e9) (the future)",
                 mentions: ["times[0]", "1700000001.5", "[now − θ, now]"]) {
            try HiPPOMeasure.legT(window: 1).basis(stateSize: 3, at: [1.7e9 + 1.5], now: 1.7e9).elements
        },
        BadInput("HiPPOMeasure.legT(window: 1).reconstruct(state: [1, 0, 0], at: [1.7e9 - 2.5], now: 1.7e9) (before the window)",
                 mentions: ["times[0]", "1699999997.5"]) {
            try HiPPOMeasure.legT(window: 1).reconstruct(state: [1, 0, 0], at: [1.7e9 - 2.5], now: 1.7e9)
        },
        BadInput("HiPPOMeasure.fouT(window: 1).basis(stateSize: 3, at: [1e12 + 900], now: 1e12)", mentions: ["times[0]", "1000000000900.0"]) {
            try HiPPOMeasure.fouT(window: 1).basis(stateSize: 3, at: [1e12 + 900], now: 1e12).elements
        },
        BadInput("HiPPOMeasure.lagT.basis(stateSize: 3, at: [1e12 + 900], now: 1e12)", mentions: ["times[0]", "1000000000900.0", "now"]) {
            try HiPPOMeasure.lagT.basis(stateSize: 3, at: [1e12 + 900], now: 1e12).elements
        },
        BadInput("HiPPOMeasure.legS.basis(stateSize: 3, at: [1.7e9 + 1], now: 1.7e9)", mentions: ["times[0]", "1700000001.0", "[0, now]"]) {
            try HiPPOMeasure.legS.basis(stateSize: 3, at: [1.7e9 + 1], now: 1.7e9).elements
        },
        BadInput("legendreBasis(stateSize: -1, at: [0])", mentions: ["state size N", "-1"]) {
            try legendreBasis(stateSize: -1, at: [0]).elements
        },
        BadInput("legendreBasis(stateSize: 4, at: [2])", mentions: ["x[0]", "2.0", "[-1.0, 1.0]"]) {
            try legendreBasis(stateSize: 4, at: [2]).elements
        },
        BadInput("legendreBasis(stateSize: 4, at: [.nan])", mentions: ["x", "nan"]) {
            try legendreBasis(stateSize: 4, at: [.nan]).elements
        },
        BadInput("legendreBasis(stateSize: 4, at: [])", mentions: ["number of points P", "0"]) {
            try legendreBasis(stateSize: 4, at: []).elements
        },
        BadInput("laguerreFunctions(stateSize: 4, at: [-1])", mentions: ["age[0]", "-1.0"]) {
            try laguerreFunctions(stateSize: 4, at: [-1]).elements
        },
        BadInput("laguerreFunctions(stateSize: 4, at: [.infinity])", mentions: ["age", "inf"]) {
            try laguerreFunctions(stateSize: 4, at: [.infinity]).elements
        },
        BadInput("laguerreFunctions(stateSize: 0, at: [1])", mentions: ["state size N", "0"]) {
            try laguerreFunctions(stateSize: 0, at: [1]).elements
        },
        BadInput("fourierBasis(stateSize: 3, at: [1.5])", mentions: ["x[0]", "1.5"]) {
            try fourierBasis(stateSize: 3, at: [1.5]).elements
        },
        BadInput("fourierBasis(stateSize: Int.min, at: [0])", mentions: ["state size N", "\(Int.min)"]) {
            try fourierBasis(stateSize: .min, at: [0]).elements
        },
        BadInput("legSTimeVaryingStates(signal: [], stateSize: 4)", mentions: ["signal length L", "0"]) {
            try legSTimeVaryingStates(signal: [], stateSize: 4).elements
        },
        BadInput("legSTimeVaryingStates(signal: [1, .infinity], stateSize: 4)", mentions: ["signal f", "inf"]) {
            try legSTimeVaryingStates(signal: [1, .infinity], stateSize: 4).elements
        },
        BadInput("legSTimeVaryingStates(signal: [1, 2], stateSize: 0)", mentions: ["state size N", "0"]) {
            try legSTimeVaryingStates(signal: [1, 2], stateSize: 0).elements
        },
        BadInput("legSTimeVaryingStates(signal: [1], stateSize: 1 << 15)", mentions: ["state size N", "32768"]) {
            try legSTimeVaryingStates(signal: [1], stateSize: 1 << 15).elements
        },
        BadInput("legSTimeVaryingStates(signal: [1e308, -1e308, 1e308], stateSize: 8)", mentions: ["signal f", "1e+308"]) {
            try legSTimeVaryingStates(signal: [1e308, -1e308, 1e308], stateSize: 8).elements
        },
        BadInput("hippoImpulseResponse(LegT N = 4, step: .nan, length: 3)", mentions: ["step Δ", "nan"]) {
            let (a, b) = try legT4()
            return try hippoImpulseResponse(a: a, b: b, step: .nan, length: 3).elements
        },
        BadInput("hippoImpulseResponse(LegT N = 4, step: 1e308, length: 3)", mentions: ["step Δ", "1e+308"]) {
            let (a, b) = try legT4()
            return try hippoImpulseResponse(a: a, b: b, step: 1e308, length: 3).elements
        },
        BadInput("hippoImpulseResponse(LegT N = 4, step: 0.01, length: 0)", mentions: ["length L", "0"]) {
            let (a, b) = try legT4()
            return try hippoImpulseResponse(a: a, b: b, step: 0.01, length: 0).elements
        },
        BadInput("hippoImpulseResponse(LegT N = 4, step: 0.01, length: Int.max)", mentions: ["length L", "\(Int.max)"]) {
            let (a, b) = try legT4()
            return try hippoImpulseResponse(a: a, b: b, step: 0.01, length: .max).elements
        },
        BadInput("hippoImpulseResponse(a: 4×4, b: [1, 2], step: 0.01, length: 3)", mentions: ["B", "length 2"]) {
            let (a, _) = try legT4()
            return try hippoImpulseResponse(a: a, b: [1, 2], step: 0.01, length: 3).elements
        },
        BadInput("hippoImpulseResponse(a: 2×3, b: [1, 2], step: 0.01, length: 3)", mentions: ["A", "2×3"]) {
            try hippoImpulseResponse(a: Matrix(zeros: 2, 3), b: [1, 2], step: 0.01, length: 3).elements
        },
        BadInput("hippoImpulseResponse(a: [[1]], b: [1], step: 1, length: 2000) (e^{k} overflows)", mentions: ["Ā", "spectral radius"]) {
            try hippoImpulseResponse(a: Matrix([[1]]), b: [1], step: 1, length: 2000).elements
        },
    ]

    // MARK: Discretisation

    static let discretizationRows: [BadInput] = [
        BadInput("discretize(a: A, b: B, step: 0, method: .zoh)", mentions: ["step Δ", "0.0"]) {
            Matrix.numbers(try discretize(a: a2, b: [1, 1], step: 0, method: .zoh))
        },
        BadInput("discretize(a: A, b: B, step: -0.1, method: .euler)", mentions: ["step Δ", "-0.1"]) {
            Matrix.numbers(try discretize(a: a2, b: [1, 1], step: -0.1, method: .euler))
        },
        BadInput("discretize(a: A, b: B, step: .nan, method: .bilinear)", mentions: ["step Δ", "nan"]) {
            Matrix.numbers(try discretize(a: a2, b: [1, 1], step: .nan, method: .bilinear))
        },
        BadInput("discretize(a: A, b: B, step: .infinity, method: .zoh)", mentions: ["step Δ", "inf"]) {
            Matrix.numbers(try discretize(a: a2, b: [1, 1], step: .infinity, method: .zoh))
        },
        BadInput("discretize(a: diag(−1, −2), b: B, step: 1e308, method: .zoh) (ΔA overflows)", mentions: ["step Δ", "1e+308"]) {
            Matrix.numbers(try discretize(a: a2, b: [1, 1], step: 1e308, method: .zoh))
        },
        BadInput("discretize(a: diag(−1, −2), b: B, step: 1e308, method: .euler)", mentions: ["step Δ", "1e+308"]) {
            Matrix.numbers(try discretize(a: a2, b: [1, 1], step: 1e308, method: .euler))
        },
        BadInput("discretize(a: diag(−1, −2), b: [1e300, 1], step: 1e10, method: .bilinear) (ΔB overflows)",
                 mentions: ["step Δ", "10000000000.0"]) {
            Matrix.numbers(try discretize(a: a2, b: [1e300, 1], step: 1e10, method: .bilinear))
        },
        BadInput("discretize(a: [[1]], b: [1], step: 1000, method: .zoh) (e^{1000} overflows)", mentions: ["step Δ", "1000.0"]) {
            Matrix.numbers(try discretize(a: Matrix([[1]]), b: [1], step: 1000, method: .zoh))
        },
        BadInput("discretize(a: 2·I, b: [1, 1], step: 1, method: .bilinear) (I − Δ/2·A = 0)", mentions: ["I − Δ/2·A", "Δ = 1.0", "singular"]) {
            Matrix.numbers(try discretize(a: Matrix.diagonal([2, 2]), b: [1, 1], step: 1, method: .bilinear))
        },
        BadInput("discretize(a: 2×3, b: [1, 1], step: 1, method: .zoh)", mentions: ["A", "2×3"]) {
            Matrix.numbers(try discretize(a: Matrix(zeros: 2, 3), b: [1, 1], step: 1, method: .zoh))
        },
        BadInput("discretize(a: 2×2, b: [1], step: 1, method: .euler)", mentions: ["B", "length 1"]) {
            Matrix.numbers(try discretize(a: a2, b: [1], step: 1, method: .euler))
        },
        BadInput("discretize(a: 0×0, b: [], step: 1, method: .euler)", mentions: ["state size N", "0"]) {
            Matrix.numbers(try discretize(a: Matrix(zeros: 0, 0), b: [], step: 1, method: .euler))
        },
        BadInput("discretize(a: [[.nan]], b: [1], step: 1, method: .zoh)", mentions: ["A", "nan"]) {
            Matrix.numbers(try discretize(a: Matrix([[.nan]]), b: [1], step: 1, method: .zoh))
        },
        BadInput("discretize(a: 2×2, b: [1, .infinity], step: 1, method: .bilinear)", mentions: ["B", "inf"]) {
            Matrix.numbers(try discretize(a: a2, b: [1, .infinity], step: 1, method: .bilinear))
        },
        BadInput("StateSpaceModel(a: [[-1e6]]).discretized(step: 1e-3, method: .euler, requireStable: true)",
                 mentions: ["forward Euler", "spectral radius 999"]) {
            try StateSpaceModel(a: Matrix([[-1e6]]), b: [1], c: [1]).discretized(step: 1e-3, method: .euler, requireStable: true).aBar.elements
        },
    ]

    // MARK: LTI models

    static let lti: [BadInput] = [
        BadInput("StateSpaceModel(a: 2×2, b: [1, 1], c: [1])", mentions: ["C", "length 1"]) {
            try StateSpaceModel(a: a2, b: [1, 1], c: [1]).a.elements
        },
        BadInput("StateSpaceModel(a: [[1]], b: [1], c: [1], d: .nan)", mentions: ["D", "nan"]) {
            try StateSpaceModel(a: Matrix([[1]]), b: [1], c: [1], d: .nan).a.elements
        },
        BadInput("StateSpaceModel(a: [[.infinity]], b: [1], c: [1])", mentions: ["A", "inf"]) {
            try StateSpaceModel(a: Matrix([[.infinity]]), b: [1], c: [1]).a.elements
        },
        BadInput("DiscreteStateSpaceModel(aBar: [[0.5]], bBar: [1], c: [1], step: 0, method: .zoh)", mentions: ["step Δ", "0.0"]) {
            try DiscreteStateSpaceModel(aBar: Matrix([[0.5]]), bBar: [1], c: [1], step: 0, method: .zoh).aBar.elements
        },
        BadInput("DiscreteStateSpaceModel(aBar: [[0.5]], bBar: [1, 2], c: [1], step: 1, method: .zoh)", mentions: ["B̄", "length 2"]) {
            try DiscreteStateSpaceModel(aBar: Matrix([[0.5]]), bBar: [1, 2], c: [1], step: 1, method: .zoh).aBar.elements
        },
        BadInput("DiscreteStateSpaceModel(aBar: [[.nan]], bBar: [1], c: [1], step: 1, method: .zoh)", mentions: ["Ā", "nan"]) {
            try DiscreteStateSpaceModel(aBar: Matrix([[.nan]]), bBar: [1], c: [1], step: 1, method: .zoh).aBar.elements
        },
        BadInput("(Ā = 2).requireStable()", mentions: ["Ā", "spectral radius 2.0"], void: {
            try growingModel().requireStable()
        }),
    ]

    // MARK: the recurrent, convolutional and matmul views

    static let viewRows: [BadInput] = [
        BadInput("ssm.scan([])", mentions: ["sequence length L", "0"]) { try stableModel().scan([]) },
        BadInput("ssm.scan([1, .nan])", mentions: ["input u", "nan"]) { try stableModel().scan([1, .nan]) },
        BadInput("ssm.scan([1e308, 1e308]) (y = 100·u overflows)", mentions: ["input u", "1e+308"]) {
            try stableModel().scan([1e308, 1e308])
        },
        BadInput("(Ā = 2).scan(2000 ones) (the state overflows)", mentions: ["Ā", "L = 2000", "spectral radius 2.0"]) {
            try growingModel().scan(ones2000)
        },
        BadInput("ssm.states([-.infinity])", mentions: ["input u", "-inf"]) { try stableModel().states([-.infinity]).elements },
        BadInput("ssm.states([])", mentions: ["sequence length L", "0"]) { try stableModel().states([]).elements },
        BadInput("(Ā = 2).states(2000 ones)", mentions: ["Ā", "spectral radius 2.0"]) { try growingModel().states(ones2000).elements },
        BadInput("ssm.finalState([])", mentions: ["sequence length L", "0"]) { try stableModel().finalState([]) },
        BadInput("(Ā = 2).finalState(2000 ones)", mentions: ["Ā", "spectral radius 2.0"]) { try growingModel().finalState(ones2000) },
        BadInput("ssm.kernel(length: 0)", mentions: ["kernel length L", "0"]) { try stableModel().kernel(length: 0) },
        BadInput("ssm.kernel(length: -3)", mentions: ["kernel length L", "-3"]) { try stableModel().kernel(length: -3) },
        BadInput("ssm.kernel(length: Int.max)", mentions: ["kernel length L", "\(Int.max)"]) { try stableModel().kernel(length: .max) },
        BadInput("ssm.stateKernel(length: 1 << 40)", mentions: ["kernel length L", "1099511627776"]) {
            try stableModel().stateKernel(length: 1 << 40).elements
        },
        BadInput("(Ā = 2).kernel(length: 2000)", mentions: ["Ā", "spectral radius 2.0"]) { try growingModel().kernel(length: 2000) },
        BadInput("ssm.convolve([])", mentions: ["sequence length L", "0"]) { try stableModel().convolve([]) },
        BadInput("ssm.convolve([.infinity])", mentions: ["input u", "inf"]) { try stableModel().convolve([.infinity]) },
        BadInput("ssm.convolve([1e308, 1e308, 1e308])", mentions: ["input u", "1e+308"]) {
            try stableModel().convolve([1e308, 1e308, 1e308])
        },
        BadInput("ssm.statesByConvolution([])", mentions: ["sequence length L", "0"]) { try stableModel().statesByConvolution([]).elements },
        BadInput("ssm.statesByConvolution([.nan])", mentions: ["input u", "nan"]) { try stableModel().statesByConvolution([.nan]).elements },
        BadInput("ssm.toeplitz(length: 0)", mentions: ["length L", "0"]) { try stableModel().toeplitz(length: 0).elements },
        BadInput("ssm.toeplitz(length: 1 << 16) (L² = 2^32 numbers)", mentions: ["length L", "65536"]) {
            try stableModel().toeplitz(length: 1 << 16).elements
        },
        BadInput("ssm.matmul([])", mentions: ["sequence length L", "0"]) { try stableModel().matmul([]) },
        BadInput("ssm.matmul([.nan])", mentions: ["input u", "nan"]) { try stableModel().matmul([.nan]) },
        BadInput("ssm.matmul(65536 ones) (T would be 2^32 numbers)", mentions: ["sequence length L", "65536"]) {
            try stableModel().matmul([Double](repeating: 1, count: 1 << 16))
        },
        BadInput("ssm.statesByMatmul([])", mentions: ["sequence length L", "0"]) { try stableModel().statesByMatmul([]).elements },
        BadInput("ssm.statesByMatmul([0, .infinity])", mentions: ["input u", "inf"]) { try stableModel().statesByMatmul([0, .infinity]).elements },
        BadInput("toeplitzMatrix(kernel: [])", mentions: ["kernel length L", "0"]) { try toeplitzMatrix(kernel: []).elements },
        BadInput("toeplitzMatrix(kernel: [1, .nan])", mentions: ["kernel K", "nan"]) { try toeplitzMatrix(kernel: [1, .nan]).elements },
    ]

    // MARK: the continuous (RK4) reference

    static let continuousRows: [BadInput] = [
        BadInput("continuousOutput(heldInput: [1, 2], holdInterval: 0.1, substeps: Int.max / 2 + 1)",
                 mentions: ["substeps m", "\(Int.max / 2 + 1)", "overflows"]) {
            try decay().continuousOutput(heldInput: [1, 2], holdInterval: 0.1, substeps: Int.max / 2 + 1)
        },
        BadInput("continuousOutput(heldInput: [1, 2], holdInterval: 0.1, substeps: 1 << 30)", mentions: ["substeps m", "1073741824", "2^30"]) {
            try decay().continuousOutput(heldInput: [1, 2], holdInterval: 0.1, substeps: 1 << 30)
        },
        BadInput("continuousOutput(heldInput: [1], holdInterval: 0.1, substeps: 0)", mentions: ["substeps m", "0"]) {
            try decay().continuousOutput(heldInput: [1], holdInterval: 0.1, substeps: 0)
        },
        BadInput("continuousOutput(heldInput: [1], holdInterval: 0.1, substeps: -1)", mentions: ["substeps m", "-1"]) {
            try decay().continuousOutput(heldInput: [1], holdInterval: 0.1, substeps: -1)
        },
        BadInput("continuousOutput(heldInput: [1], holdInterval: 0, substeps: 4)", mentions: ["hold interval h", "0.0"]) {
            try decay().continuousOutput(heldInput: [1], holdInterval: 0, substeps: 4)
        },
        BadInput("continuousOutput(heldInput: [1], holdInterval: .nan, substeps: 4)", mentions: ["hold interval h", "nan"]) {
            try decay().continuousOutput(heldInput: [1], holdInterval: .nan, substeps: 4)
        },
        BadInput("continuousOutput(heldInput: [1], holdInterval: .infinity, substeps: 4)", mentions: ["hold interval h", "inf"]) {
            try decay().continuousOutput(heldInput: [1], holdInterval: .infinity, substeps: 4)
        },
        BadInput("continuousOutput(heldInput: [], holdInterval: 0.1, substeps: 4)", mentions: ["sequence length L", "0"]) {
            try decay().continuousOutput(heldInput: [], holdInterval: 0.1, substeps: 4)
        },
        BadInput("continuousOutput(heldInput: [.nan], holdInterval: 0.1, substeps: 4)", mentions: ["input u", "nan"]) {
            try decay().continuousOutput(heldInput: [.nan], holdInterval: 0.1, substeps: 4)
        },
        BadInput("(A = −1).continuousOutput(heldInput: 30 ones, holdInterval: 100, substeps: 1) (τρ(A) = 100: RK4 blows up)",
                 mentions: ["substeps m", "1", "m ≥ 50"]) {
            try decay().continuousOutput(heldInput: [Double](repeating: 1, count: 30), holdInterval: 100, substeps: 1)
        },
        BadInput("(A = +1).continuousOutput(heldInput: 1000 ones, holdInterval: 1, substeps: 1000) (e^{1000})",
                 mentions: ["time span L·h", "1000.0"]) {
            try growth().continuousOutput(heldInput: [Double](repeating: 1, count: 1000), holdInterval: 1, substeps: 1000)
        },
        BadInput("(A = −1).continuousOutput(heldInput: [1e308], holdInterval: 1, substeps: 8)", mentions: ["input u", "1e+308"]) {
            try decay().continuousOutput(heldInput: [1e308], holdInterval: 1, substeps: 8)
        },
    ]

    // MARK: the mass–spring–damper

    static let springRows: [BadInput] = [
        BadInput("MassSpringDamper(mass: 0, stiffness: 1, damping: 0)", mentions: ["mass m", "0.0"]) {
            [try MassSpringDamper(mass: 0, stiffness: 1, damping: 0).naturalFrequency]
        },
        BadInput("MassSpringDamper(mass: .nan, stiffness: 1, damping: 0)", mentions: ["mass m", "nan"]) {
            [try MassSpringDamper(mass: .nan, stiffness: 1, damping: 0).naturalFrequency]
        },
        BadInput("MassSpringDamper(mass: 1, stiffness: -1, damping: 0)", mentions: ["stiffness k", "-1.0"]) {
            [try MassSpringDamper(mass: 1, stiffness: -1, damping: 0).naturalFrequency]
        },
        BadInput("MassSpringDamper(mass: 1, stiffness: 1, damping: .infinity)", mentions: ["damping c", "inf"]) {
            [try MassSpringDamper(mass: 1, stiffness: 1, damping: .infinity).naturalFrequency]
        },
        BadInput("MassSpringDamper(mass: 1e-300, stiffness: 1, damping: 1e300).stateSpace (c/m = ∞ in A: the try! trapped)",
                 mentions: ["damping c / mass m", "1e+300 / 1e-300"]) {
            try MassSpringDamper(mass: 1e-300, stiffness: 1, damping: 1e300).stateSpace.a.elements
        },
        BadInput("MassSpringDamper(mass: 1e300, stiffness: 1e-300, damping: 0) (ω₀² underflows to 0)",
                 mentions: ["stiffness k / mass m", "1e-300 / 1e+300"]) {
            [try MassSpringDamper(mass: 1e300, stiffness: 1e-300, damping: 0).stepResponse(at: 1)]
        },
        BadInput("MassSpringDamper(mass: .leastNonzeroMagnitude, stiffness: 1, damping: 0) (1/m = ∞)", mentions: ["mass m", "5e-324"]) {
            try MassSpringDamper(mass: .leastNonzeroMagnitude, stiffness: 1, damping: 0).stateSpace.b
        },
        BadInput("MassSpringDamper(mass: 1, stiffness: 1e-300 / 1e10, damping: 0) (1/k = ∞)", mentions: ["stiffness k", "1e-310"]) {
            [try MassSpringDamper(mass: 1, stiffness: 1e-300 / 1e10, damping: 0).stepResponse(at: 1)]
        },
        BadInput("spring.stepResponse(at: .nan)", mentions: ["time t", "nan"]) { [try spring().stepResponse(at: .nan)] },
        BadInput("spring.stepResponse(at: .infinity)", mentions: ["time t", "inf"]) { [try spring().stepResponse(at: .infinity)] },
        BadInput("undampedSpring.stepResponse(at: 1e300) (cos of ∞)", mentions: ["time t", "1e+300", "2^52"]) {
            [try undampedSpring().stepResponse(at: 1e300)]
        },
        BadInput("spring.exactPosition(force: [], step: 0.1)", mentions: ["sequence length L", "0"]) {
            try spring().exactPosition(force: [], step: 0.1)
        },
        BadInput("spring.exactPosition(force: [1], step: -0.1)", mentions: ["step Δ", "-0.1"]) {
            try spring().exactPosition(force: [1], step: -0.1)
        },
        BadInput("spring.exactPosition(force: [.nan], step: 0.1)", mentions: ["force u", "nan"]) {
            try spring().exactPosition(force: [.nan], step: 0.1)
        },
        BadInput("undampedSpring.exactPosition(force: [1, 1], step: 1e308) (L·Δ = ∞)", mentions: ["step Δ", "1e+308"]) {
            try undampedSpring().exactPosition(force: [1, 1], step: 1e308)
        },
        BadInput("spring.exactPosition(force: [1e308, -1e308], step: 0.1) (the jump overflows)", mentions: ["force u", "1e+308"]) {
            try spring().exactPosition(force: [1e308, -1e308], step: 0.1)
        },
    ]

    // MARK: the band-limited test signal

    static let signalRows: [BadInput] = [
        BadInput("BandLimitedSignal(maxFrequency: 0)", mentions: ["maxFrequency", "0.0"]) {
            var rng = SplitMix64(seed: 1)
            return try BandLimitedSignal(maxFrequency: 0, rng: &rng).frequencies
        },
        BadInput("BandLimitedSignal(maxFrequency: .nan)", mentions: ["maxFrequency", "nan"]) {
            var rng = SplitMix64(seed: 1)
            return try BandLimitedSignal(maxFrequency: .nan, rng: &rng).frequencies
        },
        BadInput("BandLimitedSignal(maxFrequency: .infinity)", mentions: ["maxFrequency", "inf"]) {
            var rng = SplitMix64(seed: 1)
            return try BandLimitedSignal(maxFrequency: .infinity, rng: &rng).frequencies
        },
        BadInput("BandLimitedSignal(maxFrequency: 5, components: 0)", mentions: ["components J", "0"]) {
            var rng = SplitMix64(seed: 1)
            return try BandLimitedSignal(maxFrequency: 5, components: 0, rng: &rng).frequencies
        },
        BadInput("BandLimitedSignal(maxFrequency: 5, components: Int.max)", mentions: ["components J", "\(Int.max)"]) {
            var rng = SplitMix64(seed: 1)
            return try BandLimitedSignal(maxFrequency: 5, components: .max, rng: &rng).frequencies
        },
        BadInput("BandLimitedSignal(maxFrequency: 1e308)(1) (2πνt overflows)", mentions: ["time t", "1.0", "2^52"]) {
            var rng = SplitMix64(seed: 1)
            return [try BandLimitedSignal(maxFrequency: 1e308, rng: &rng)(1)]
        },
        BadInput("signal(.nan)", mentions: ["time t", "nan"]) { [try signal()(.nan)] },
        BadInput("signal.sample([0, .infinity])", mentions: ["times[1]", "inf"]) { try signal().sample([0, .infinity]) },
        BadInput("signal.sample([1e300])", mentions: ["times[0]", "1e+300"]) { try signal().sample([1e300]) },
    ]
}
