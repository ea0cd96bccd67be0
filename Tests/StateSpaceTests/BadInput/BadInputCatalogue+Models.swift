import Foundation
import Numerics
@testable import StateSpace

extension BadInput {
    /// Rows for this area of the library (see BadInputCatalogue.swift for what a row asserts).
    static let models: [BadInput] = s4 + selective + duality

    // MARK: - S4: Cauchy kernel, DPLR, bilinear RNN, S4D, generating-function kernel, layer

    static let s4: [BadInput] = [
        BadInput("cauchyKernel(weights: 2, poles: 3, …)", mentions: ["weights", "length 3", "length 2"]) {
            try cauchyKernel(weights: [.one, .one], poles: [.one, .one, .one], points: [.i], conjugatePairs: false).flatMap(parts)
        },
        BadInput("cauchyKernel(weights: [NaN], …)", mentions: ["weights[0]", "nan"]) {
            try cauchyKernel(weights: [Complex(.nan, 0)], poles: [.one], points: [.i], conjugatePairs: false).flatMap(parts)
        },
        // Complex canonicalises a non-finite value (its parts read NaN), so the message says "nan".
        BadInput("cauchyKernel(poles: [∞], …)", mentions: ["poles[0]", "must be finite"]) {
            try cauchyKernel(weights: [.one], poles: [Complex(.infinity, 0)], points: [.i], conjugatePairs: false).flatMap(parts)
        },
        BadInput("cauchyKernel(points: [a pole], …)", mentions: ["points[1]", "pole"]) {
            try cauchyKernel(weights: [.one], poles: [Complex(-0.5, 2)], points: [.i, Complex(-0.5, 2)], conjugatePairs: false).flatMap(parts)
        },
        BadInput("cauchyKernel(points: [a conjugate pole], conjugatePairs: true)", mentions: ["points[0]", "conjugate"]) {
            try cauchyKernel(weights: [.one], poles: [Complex(-0.5, 2)], points: [Complex(-0.5, -2)], conjugatePairs: true).flatMap(parts)
        },
        BadInput("DPLR.legS(stateSize: 0)", mentions: ["state size N", "0"]) { try DPLR.legS(stateSize: 0).p.flatMap(parts) },
        BadInput("DPLR.legS(stateSize: -2)", mentions: ["state size N", "-2"]) { try DPLR.legS(stateSize: -2).p.flatMap(parts) },
        BadInput("DPLR.legS(stateSize: 7)", mentions: ["state size N", "7", "even"]) { try DPLR.legS(stateSize: 7).p.flatMap(parts) },
        BadInput("DPLR.legS(stateSize: 1 << 32)", mentions: ["state size N", "4294967296"]) {
            try DPLR.legS(stateSize: 1 << 32).p.flatMap(parts)
        },
        BadInput("dplr.rowInEigenbasis(C of length 3, N = 4)", mentions: ["C", "length 4", "length 3"]) {
            try dplr(4).rowInEigenbasis([1, 2, 3]).flatMap(parts)
        },
        BadInput("dplr.rowInEigenbasis([1, NaN, 1, 1])", mentions: ["C[1]", "nan"]) {
            try dplr(4).rowInEigenbasis([1, .nan, 1, 1]).flatMap(parts)
        },
        BadInput("legSLowRankFactor(stateSize: -1)", mentions: ["state size N", "-1"]) { try legSLowRankFactor(stateSize: -1) },
        BadInput("DPLRBilinear(dplr, step: 0)", mentions: ["step Δ", "0.0"]) { try DPLRBilinear(dplr(4), step: 0).dInverse.flatMap(parts) },
        BadInput("DPLRBilinear(dplr, step: NaN)", mentions: ["step Δ", "nan"]) { try DPLRBilinear(dplr(4), step: .nan).dInverse.flatMap(parts) },
        BadInput("DPLRBilinear(dplr, step: ∞)", mentions: ["step Δ", "inf"]) {
            try DPLRBilinear(dplr(4), step: .infinity).dInverse.flatMap(parts)
        },
        BadInput("DPLRBilinear(dplr, step: 1e-308) (tiny: Ā = 1)", mentions: ["step Δ", "1e-308", "ε ≤ Δ·|λ_n|"]) {
            try DPLRBilinear(dplr(4), step: 1e-308).dInverse.flatMap(parts)
        },
        BadInput("DPLRBilinear(dplr, step: 1e300) (huge: Ā = −1)", mentions: ["step Δ", "1e+300", "4/ε"]) {
            try DPLRBilinear(dplr(4), step: 1e300).dInverse.flatMap(parts)
        },
        BadInput("rnn.advance(state of length 3, N/2 = 2)", mentions: ["state x", "length 2", "length 3"]) {
            try DPLRBilinear(dplr(4), step: 0.1).advance([.zero, .zero, .zero], input: 1).flatMap(parts)
        },
        BadInput("rnn.advance(x, input: NaN)", mentions: ["input u", "nan"]) {
            try DPLRBilinear(dplr(4), step: 0.1).advance([.zero, .zero], input: .nan).flatMap(parts)
        },
        BadInput("rnn.advance(x with −∞, input: 1)", mentions: ["state x[1]", "must be finite"]) {
            try DPLRBilinear(dplr(4), step: 0.1).advance([.zero, Complex(0, -.infinity)], input: 1).flatMap(parts)
        },
        BadInput("rnn.advance(x, input: 1.7e308) (the state overflows)", mentions: ["input u", "1.7e+308"]) {
            try DPLRBilinear(dplr(4), step: 1).advance([.zero, .zero], input: 1.7e308).flatMap(parts)
        },
        BadInput("rnn.scan([], c:)", mentions: ["sequence length L", "0"]) { try DPLRBilinear(dplr(4), step: 0.1).scan([], c: [1, 1, 1, 1]) },
        BadInput("rnn.scan(u, c: of length 2)", mentions: ["C", "length 4", "length 2"]) {
            try DPLRBilinear(dplr(4), step: 0.1).scan([1, 2], c: [1, 2])
        },
        BadInput("rnn.scan([1, ∞], c:)", mentions: ["input u[1]", "inf"]) {
            try DPLRBilinear(dplr(4), step: 0.1).scan([1, .infinity], c: [1, 1, 1, 1])
        },
        BadInput("S4D(.lin, stateSize: 7)", mentions: ["state size N", "7", "even"]) { try s4d(.lin, 7).a.flatMap(parts) },
        BadInput("S4D(.real, stateSize: 0)", mentions: ["state size N", "0"]) { try s4d(.real, 0).a.flatMap(parts) },
        BadInput("s4d.kernel(step: NaN, length: 8)", mentions: ["step Δ", "nan"]) { try s4d(.lin, 8).kernel(step: .nan, length: 8) },
        BadInput("s4d.kernel(step: -∞, length: 8)", mentions: ["step Δ", "-inf"]) { try s4d(.lin, 8).kernel(step: -.infinity, length: 8) },
        BadInput("s4d.kernel(step: ∞, length: 8)", mentions: ["step Δ", "inf"]) { try s4d(.inv, 8).kernel(step: .infinity, length: 8) },
        BadInput("s4d.kernel(step: -0.1, length: 8)", mentions: ["step Δ", "-0.1"]) { try s4d(.real, 8).kernel(step: -0.1, length: 8) },
        BadInput("s4d.kernel(step: 1e-300, length: 8) (tiny: e^{ΔA} = 1)", mentions: ["step Δ", "1e-300", "ε/min|λ_n|"]) {
            try s4d(.lin, 8).kernel(step: 1e-300, length: 8)
        },
        BadInput("s4d.kernel(step: 0.1, length: 0)", mentions: ["kernel length L", "0"]) { try s4d(.lin, 8).kernel(step: 0.1, length: 0) },
        BadInput("s4d.kernel(step: 0.1, length: -5)", mentions: ["kernel length L", "-5"]) { try s4d(.lin, 8).kernel(step: 0.1, length: -5) },
        BadInput("s4d.scan([], step: 0.1)", mentions: ["sequence length L", "0"]) { try s4d(.lin, 8).scan([], step: 0.1) },
        BadInput("s4d.scan([NaN], step: 0.1)", mentions: ["input u[0]", "nan"]) { try s4d(.real, 8).scan([.nan], step: 0.1) },
        BadInput("s4d.scan(u = 1.7e308 × 100, step: 0.1) (the state overflows)", mentions: ["input u", "1.7e+308"]) {
            try s4d(.lin, 8).scan([Double](repeating: 1.7e308, count: 100), step: 0.1)
        },
        BadInput("s4Kernel(step: 1e-308, length: 65536)", mentions: ["step Δ", "1e-308"]) {
            try s4Kernel(dplr(4), cTilde: [1, 1, 1, 1], step: 1e-308, length: 65536)
        },
        BadInput("s4Kernel(step: 1e300, length: 64)", mentions: ["step Δ", "1e+300"]) {
            try s4Kernel(dplr(4), cTilde: [1, 1, 1, 1], step: 1e300, length: 64)
        },
        BadInput("s4Kernel(step: -∞, length: 64)", mentions: ["step Δ", "-inf"]) {
            try s4Kernel(dplr(4), cTilde: [1, 1, 1, 1], step: -.infinity, length: 64)
        },
        BadInput("s4Kernel(step: 0.1, length: -1)", mentions: ["kernel length L", "-1"]) {
            try s4Kernel(dplr(4), cTilde: [1, 1, 1, 1], step: 0.1, length: -1)
        },
        BadInput("s4Kernel(C̃ of length 5, N = 4)", mentions: ["C", "length 4", "length 5"]) {
            try s4Kernel(dplr(4), cTilde: [1, 1, 1, 1, 1], step: 0.1, length: 8)
        },
        BadInput("s4Kernel(C̃ = [1.7e308, …]) (the kernel overflows)", mentions: ["C̃", "1.7e+308"]) {
            try s4Kernel(dplr(4), cTilde: [1.7e308, 1.7e308, 1.7e308, 1.7e308], step: 0.1, length: 8)
        },
        BadInput("s4GeneratingFunction(step: 0, length: 8)", mentions: ["step Δ", "0.0"]) {
            try s4GeneratingFunction(dplr(4), cTilde: [1, 1, 1, 1], step: 0, length: 8).flatMap(parts)
        },
        BadInput("truncatedOutputMatrix(c of length 2, Ā 3×3)", mentions: ["C", "length 3", "length 2"]) {
            try truncatedOutputMatrix(c: [1, 2], aBar: Matrix.identity(3), length: 8)
        },
        BadInput("truncatedOutputMatrix(Ā 2×3)", mentions: ["Ā", "2×3"]) {
            try truncatedOutputMatrix(c: [1, 2], aBar: Matrix(zeros: 2, 3), length: 8)
        },
        BadInput("truncatedOutputMatrix(length: 0)", mentions: ["kernel length L", "0"]) {
            try truncatedOutputMatrix(c: [1, 2], aBar: 0.5 * Matrix.identity(2), length: 0)
        },
        BadInput("truncatedOutputMatrix(Ā = 2I, length: 2000) (Āᴸ overflows)", mentions: ["Ā", "2000", "stable"]) {
            try truncatedOutputMatrix(c: [1, 2], aBar: 2 * Matrix.identity(2), length: 2000)
        },
        BadInput("outputMatrix(fromTruncated: [NaN, 1], Ā)", mentions: ["C̃[0]", "nan"]) {
            try outputMatrix(fromTruncated: [.nan, 1], aBar: 0.5 * Matrix.identity(2), length: 8)
        },
        BadInput("S4Layer(channels: 0)", mentions: ["channels H", "0"]) { try layer(channels: 0).steps },
        BadInput("S4Layer(stateSize: 5)", mentions: ["state size N", "5", "even"]) { try layer(stateSize: 5).steps },
        BadInput("S4Layer(stepRange: 1e-3...∞)", mentions: ["stepRange upper bound Δ_max", "inf"]) {
            try layer(stepRange: 1e-3...Double.infinity).steps
        },
        BadInput("S4Layer(stepRange: 1e-3...greatestFiniteMagnitude)", mentions: ["stepRange upper bound Δ_max", "1.7976931348623157e+308"]) {
            try layer(stepRange: 1e-3...Double.greatestFiniteMagnitude).steps
        },
        BadInput("S4Layer(stepRange: 1e-300...1e-1)", mentions: ["stepRange lower bound Δ_min", "1e-300"]) {
            try layer(stepRange: 1e-300...1e-1).steps
        },
        BadInput("S4Layer(stepRange: -1...1)", mentions: ["stepRange lower bound Δ_min", "-1.0"]) { try layer(stepRange: -1...1).steps },
        BadInput("layer.kernels(length: -1)", mentions: ["kernel length L", "-1"]) { try layer().kernels(length: -1).elements },
        BadInput("layer.kernels(length: 0)", mentions: ["kernel length L", "0"]) { try layer().kernels(length: 0).elements },
        BadInput("layer.kernels(length: Int.max)", mentions: ["kernel length L", "\(Int.max)"]) {
            try layer().kernels(length: Int.max).elements
        },
        // Huge sizes: each is refused by name before anything is allocated (the cap is 2³⁰ numbers).
        BadInput("S4Layer(stateSize: 4, channels: 1).kernels(length: .max) (was SIGSEGV)", mentions: ["kernel length L", "\(Int.max)"]) {
            try layer(channels: 1).kernels(length: .max).elements
        },
        BadInput("s4Kernel(step: 0.1, length: .max) (was SIGSEGV)", mentions: ["kernel length L", "\(Int.max)", "2^30"]) {
            try s4Kernel(dplr(4), cTilde: [1, 1, 1, 1], step: 0.1, length: .max)
        },
        BadInput("s4GeneratingFunction(step: 0.1, length: .max) (was SIGSEGV)", mentions: ["kernel length L", "\(Int.max)"]) {
            try s4GeneratingFunction(dplr(4), cTilde: [1, 1, 1, 1], step: 0.1, length: .max).flatMap(parts)
        },
        BadInput("s4Kernel(step: 0.1, length: (1 << 31) + 2) (filled 16 GB before the FFT refused)",
                 mentions: ["kernel length L", "2147483650"]) {
            try s4Kernel(dplr(4), cTilde: [1, 1, 1, 1], step: 0.1, length: (1 << 31) + 2)
        },
        BadInput("S4D(.lin, stateSize: 4).kernel(step: 0.01, length: .max) (was SIGSEGV)", mentions: ["kernel length L", "\(Int.max)"]) {
            try s4d(.lin, 4).kernel(step: 0.01, length: .max)
        },
        BadInput("legSLowRankFactor(stateSize: .max) (was SIGSEGV)", mentions: ["state size N", "\(Int.max)"]) {
            try legSLowRankFactor(stateSize: .max)
        },
        BadInput("S4D(.real, stateSize: 1 << 40)", mentions: ["state size N", "1099511627776"]) { try s4d(.real, 1 << 40).a.flatMap(parts) },
        BadInput("S4Layer(channels: 1 << 40)", mentions: ["channels H", "1099511627776"]) { try layer(channels: 1 << 40).steps },
        BadInput("S4Layer(stateSize: -2)", mentions: ["state size N", "-2"]) { try layer(stateSize: -2).steps },
        BadInput("layer.apply(u of 3 channels, H = 2)", mentions: ["S4 layer input u", "3×8"]) {
            let l = try layer()
            return try l.apply(Matrix(zeros: 3, 8), kernels: try l.kernels(length: 8)).elements
        },
        BadInput("layer.apply(u with NaN)", mentions: ["input u[1]", "nan"]) {
            let l = try layer()
            return try l.apply(try Matrix(rows: 2, cols: 2, elements: [0, .nan, 0, 0]), kernels: try l.kernels(length: 2)).elements
        },
    ]

    // MARK: - Selective: activations, selection, scan inputs, scans, costs, Mamba block

    static let selective: [BadInput] = [
        BadInput("inverseSoftplus(0)", mentions: ["softplus value y", "0.0"]) { [try inverseSoftplus(0)] },
        BadInput("inverseSoftplus(-1)", mentions: ["softplus value y", "-1.0"]) { [try inverseSoftplus(-1)] },
        BadInput("inverseSoftplus(NaN)", mentions: ["softplus value y", "nan"]) { [try inverseSoftplus(.nan)] },
        BadInput("inverseSoftplus(∞)", mentions: ["softplus value y", "inf"]) { [try inverseSoftplus(.infinity)] },
        BadInput("SelectiveParameters(channels: 0, …)", mentions: ["channels D", "0"]) { try parameters(channels: 0).dtBias },
        BadInput("SelectiveParameters(stateSize: -1, …)", mentions: ["state size N", "-1"]) { try parameters(stateSize: -1).dtBias },
        BadInput("SelectiveParameters(dtRank: 0, …)", mentions: ["dt_rank R", "0"]) { try parameters(dtRank: 0).dtBias },
        BadInput("SelectiveParameters(channels: Int.max / 2, stateSize: 2, …)", mentions: ["channels D", "\(Int.max / 2)"]) {
            try parameters(channels: Int.max / 2).dtBias
        },
        BadInput("SelectiveParameters(stateSize: Int.max, …)", mentions: ["2·state size N", "\(Int.max)"]) {
            try parameters(stateSize: Int.max).dtBias
        },
        BadInput("SelectiveParameters(channels: 1 << 40, …)", mentions: ["channels D", "1099511627776", "2^30"]) {
            try parameters(channels: 1 << 40).dtBias
        },
        BadInput("SelectiveParameters(dtRank: 1 << 40, …)", mentions: ["dt_rank R", "1099511627776"]) {
            try parameters(dtRank: 1 << 40).dtBias
        },
        BadInput("selectiveMatrix(inputs with L = 40 000, channel: 0) (L² = 1.6e9)", mentions: ["sequence length L", "40000"]) {
            try selectiveMatrix(try randomInputs(length: 40_000, channels: 1, stateSize: 1, seed: 7), channel: 0).elements
        },
        BadInput("selectiveScanMaterialised(inputs with L = 40 000, channels: [0])", mentions: ["sequence length L", "40000"]) {
            try selectiveScanMaterialised(try randomInputs(length: 40_000, channels: 1, stateSize: 1, seed: 7), channels: [0]).elements
        },
        BadInput("params.select(x with 5 columns, D = 4)", mentions: ["x for the selection", "L×4", "3×5"]) {
            try parameters().select(Matrix(zeros: 3, 5)).delta.elements
        },
        BadInput("params.select(x with 0 rows)", mentions: ["sequence length L", "0"]) { try parameters().select(Matrix(zeros: 0, 4)).delta.elements },
        BadInput("params.select(x with −∞)", mentions: ["x[2]", "-inf"]) {
            try parameters().select(Matrix(rows: 1, cols: 4, elements: [0, 0, -.infinity, 0])).delta.elements
        },

        BadInput("SelectiveScanInputs(Δ[1, 1] = 1e308) (the scan would overflow)", mentions: ["Δ[1, 1]", "1e+308"]) {
            try scanInputs(delta: (1, 1, 1e308)).delta.elements
        },
        BadInput("SelectiveScanInputs(Δ[2, 0] = ∞)", mentions: ["Δ[6]", "inf"]) { try scanInputs(delta: (2, 0, .infinity)).delta.elements },
        BadInput("SelectiveScanInputs(Δ[0, 2] = NaN)", mentions: ["Δ[2]", "nan"]) { try scanInputs(delta: (0, 2, .nan)).delta.elements },
        BadInput("SelectiveScanInputs(Δ[3, 1] = -1e-3)", mentions: ["Δ[3, 1]", "-0.001"]) { try scanInputs(delta: (3, 1, -1e-3)).delta.elements },
        BadInput("SelectiveScanInputs(A[0, 0] = 0)", mentions: ["A[0, 0]", "0.0"]) {
            let r = try randomInputs(length: 4, channels: 1, stateSize: 2, seed: 7)
            return try SelectiveScanInputs(x: r.x, delta: r.delta, a: try Matrix([[0, -1]]), b: r.b, c: r.c, skip: r.skip).a.elements
        },
        BadInput("SelectiveScanInputs(B of 3 rows, L = 4)", mentions: ["B (L, N)", "4×2", "3×2"]) {
            let r = try randomInputs(length: 4, channels: 1, stateSize: 2, seed: 7)
            return try SelectiveScanInputs(x: r.x, delta: r.delta, a: r.a, b: Matrix(zeros: 3, 2), c: r.c, skip: r.skip).a.elements
        },
        BadInput("SelectiveScanInputs(L = 0)", mentions: ["sequence length L", "0"]) {
            try SelectiveScanInputs(x: Matrix(zeros: 0, 1), delta: Matrix(zeros: 0, 1), a: try Matrix([[-1]]), b: Matrix(zeros: 0, 1),
                                    c: Matrix(zeros: 0, 1), skip: [1]).a.elements
        },
        BadInput("SelectiveScanInputs(x = 1e308, D = 10) (D·x overflows)", mentions: ["x[0, 0]", "1e+308"]) {
            try SelectiveScanInputs(x: try Matrix([[1e308]]), delta: try Matrix([[0]]), a: try Matrix([[-1]]), b: try Matrix([[1]]),
                                    c: try Matrix([[1]]), skip: [10]).a.elements
        },
        BadInput("selectiveStates(inputs, channel: D)", mentions: ["channel", "3", "0..<3"]) {
            try selectiveStates(try randomInputs(length: 4, channels: 3, stateSize: 2, seed: 7), channel: 3).elements
        },
        BadInput("selectiveMatrix(inputs, channel: -1)", mentions: ["channel", "-1"]) {
            try selectiveMatrix(try randomInputs(length: 4, channels: 3, stateSize: 2, seed: 7), channel: -1).elements
        },
        BadInput("selectiveScanMaterialised(channels: [D])", mentions: ["channels[0]", "3", "0..<3"]) {
            try selectiveScanMaterialised(try randomInputs(length: 4, channels: 3, stateSize: 2, seed: 7), channels: [3]).elements
        },
        BadInput("selectiveScanMaterialised(channels: [0, -1])", mentions: ["channels[1]", "-1"]) {
            try selectiveScanMaterialised(try randomInputs(length: 4, channels: 3, stateSize: 2, seed: 7), channels: [0, -1]).elements
        },
        BadInput("selectiveScanMaterialised(channels: [])", mentions: ["channels", "[]"]) {
            try selectiveScanMaterialised(try randomInputs(length: 4, channels: 3, stateSize: 2, seed: 7), channels: []).elements
        },
        BadInput("ScanCost.paddedLength((1 << 62) + 1)", mentions: ["sequence length L", "\((1 << 62) + 1)"]) {
            [Double(try ScanCost.paddedLength((1 << 62) + 1))]
        },
        BadInput("ScanCost.paddedLength(-1)", mentions: ["sequence length L", "-1"]) { [Double(try ScanCost.paddedLength(-1))] },
        BadInput("ScanCost.sequential(-3)", mentions: ["sequence length L", "-3"]) { [Double(try ScanCost.sequential(-3).work)] },
        BadInput("ScanCost.blelloch((1 << 61) + 1)", mentions: ["sequence length L", "\((1 << 61) + 1)"]) {
            [Double(try ScanCost.blelloch((1 << 61) + 1).work)]
        },
        BadInput("MambaBlock(modelWidth: 0, …)", mentions: ["d_model", "0"]) { try block(modelWidth: 0).convBias },
        BadInput("MambaBlock(stateSize: 0, …)", mentions: ["state size N", "0"]) { try block(stateSize: 0).convBias },
        BadInput("MambaBlock(modelWidth: Int.max, …)", mentions: ["d_inner", "\(Int.max)"]) { try block(modelWidth: Int.max).convBias },
        BadInput("MambaBlock(modelWidth: 1 << 30, …)", mentions: ["d_model", "1073741824", "2^30"]) { try block(modelWidth: 1 << 30).convBias },
        BadInput("MambaBlock(stateSize: 1 << 40, …)", mentions: ["state size N", "1099511627776"]) { try block(stateSize: 1 << 40).convBias },
        BadInput("block.forward(u with 3 columns, d_model = 4)", mentions: ["Mamba block input u", "L×4", "5×3"]) {
            try block().forward(Matrix(zeros: 5, 3)).elements
        },
        BadInput("block.forward(u with 0 rows)", mentions: ["sequence length L", "0"]) { try block().forward(Matrix(zeros: 0, 4)).elements },
        BadInput("block.forward(u = 1e200) (the scan would overflow)", mentions: ["input u", "1e+200"]) {
            try block().forward(Matrix(rows: 2, cols: 4, elements: [Double](repeating: 1e200, count: 8))).elements
        },
        BadInput("block.step(u = 1e200) (the step would overflow)", mentions: ["token u", "1e+200"]) {
            let b = try block()
            var state = b.initialState
            return try b.step([1e200, 1e200, 1e200, 1e200], state: &state)
        },
        BadInput("block.step(token of length 3, d_model = 4)", mentions: ["token u", "length 4", "length 3"]) {
            let b = try block()
            var state = b.initialState
            return try b.step([1, 2, 3], state: &state)
        },
        BadInput("block.step(u, state with ssm reshaped to (N, d_inner))", mentions: ["state.ssm", "8×2", "2×8"]) {
            let b = try block()
            var state = b.initialState
            state.ssm = Matrix(zeros: 2, 8)
            return try b.step([1, 2, 3, 4], state: &state)
        },
        BadInput("block.step(u, state with a 2-row conv buffer)", mentions: ["state.convBuffer", "3×8", "2×8"]) {
            let b = try block()
            var state = b.initialState
            state.convBuffer = Matrix(zeros: 2, 8)
            return try b.step([1, 2, 3, 4], state: &state)
        },
        BadInput("block.step(u, state with NaN)", mentions: ["state.ssm[5]", "nan"]) {
            let b = try block()
            var state = b.initialState
            state.ssm.elements[5] = .nan
            return try b.step([1, 2, 3, 4], state: &state)
        },
    ]

    // MARK: - Duality: SSD inputs, the three forms, masks, flops, segsum, linear attention

    static let duality: [BadInput] = [
        BadInput("causalLinearAttention(q (4, 2), k (4, 3), v)", mentions: ["q, k, v", "k 4×3"]) {
            try causalLinearAttention(q: Matrix(zeros: 4, 2), k: Matrix(zeros: 4, 3), v: Matrix(zeros: 4, 1)).elements
        },
        BadInput("causalLinearAttention(T = 0)", mentions: ["sequence length T", "0"]) {
            try causalLinearAttention(q: Matrix(zeros: 0, 2), k: Matrix(zeros: 0, 2), v: Matrix(zeros: 0, 1)).elements
        },
        BadInput("causalLinearAttention(v with NaN)", mentions: ["v[0]", "nan"]) {
            try causalLinearAttention(q: try Matrix([[1]]), k: try Matrix([[1]]), v: try Matrix([[.nan]])).elements
        },
        BadInput("causalLinearAttention(q = k = v = 1e200) (overflows)", mentions: ["q", "1e+200"]) {
            try causalLinearAttention(q: try Matrix([[1e200]]), k: try Matrix([[1e200]]), v: try Matrix([[1e200]])).elements
        },
        BadInput("ssdChunked(inputs, chunk: 0)", mentions: ["chunk size Q", "0"]) { try ssdChunked(ssd(), chunk: 0).elements },
        BadInput("ssdChunked(inputs, chunk: -4)", mentions: ["chunk size Q", "-4"]) { try ssdChunked(ssd(), chunk: -4).elements },
        BadInput("ssdChunked(inputs with T = 50 000, chunk: .max) (Q×Q masks: 20 GB)", mentions: ["chunk size Q", "\(Int.max)", "2^30"]) {
            try ssdChunked(try longSSD(), chunk: .max).elements
        },
        BadInput("ssdChunked(inputs with T = 50 000, chunk: .max, into: Y)", mentions: ["chunk size Q", "\(Int.max)"]) {
            let inputs = try longSSD()
            var y = Matrix(zeros: inputs.length, 1)
            try ssdChunked(inputs, chunk: .max, into: &y)
            return y.elements
        },
        BadInput("ssdMask(inputs with T = 50 000, head: 0) (a 20 GB mask)", mentions: ["sequence length T", "50000"]) {
            try ssdMask(try longSSD(), head: 0).elements
        },
        BadInput("ssdChunked(inputs, chunk: 2, threads: 0)", mentions: ["threads", "0"]) { try ssdChunked(ssd(), chunk: 2, threads: 0).elements },
        BadInput("ssdChunked(inputs, chunk: 2, into: Y of the wrong shape)", mentions: ["output Y", "6×4", "6×3"]) {
            var y = Matrix(zeros: 6, 3)
            try ssdChunked(ssd(), chunk: 2, into: &y)
            return y.elements
        },
        BadInput("SSDInputs(a[2, 1] = 0)", mentions: ["a[2, 1]", "0.0"]) { try ssd(a: (2, 1, 0)).logA.elements },
        BadInput("SSDInputs(a[0, 0] = 1.5)", mentions: ["a[0, 0]", "1.5"]) { try ssd(a: (0, 0, 1.5)).logA.elements },
        BadInput("SSDInputs(a[1, 1] = NaN)", mentions: ["a[1, 1]", "nan"]) { try ssd(a: (1, 1, .nan)).logA.elements },
        BadInput("SSDInputs(heads: 2, groups: 3)", mentions: ["groups G", "3"]) {
            let r = try ssd()
            return try SSDInputs(x: r.x, a: r.a, b: r.b, c: r.c, heads: 2, groups: 3).logA.elements
        },
        BadInput("SSDInputs(X with +∞)", mentions: ["X[0]", "inf"]) {
            let r = try ssd()
            var x = r.x
            x[0, 0] = .infinity
            return try SSDInputs(x: x, a: r.a, b: r.b, c: r.c, heads: 2).logA.elements
        },
        BadInput("SSDInputs(X[3, 1] = 1.7e308) (the states would overflow)", mentions: ["X", "1.7e+308"]) {
            let r = try ssd()
            var x = r.x
            x[3, 1] = 1.7e308
            return try SSDInputs(x: x, a: r.a, b: r.b, c: r.c, heads: 2).logA.elements
        },
        BadInput("SSDInputs(C of 5 rows, T = 6)", mentions: ["C (T, G·N)", "6×3", "5×3"]) {
            let r = try ssd()
            return try SSDInputs(x: r.x, a: r.a, b: r.b, c: Matrix(zeros: 5, 3), heads: 2).logA.elements
        },
        BadInput("SSDInputs.random(length: 0, …)", mentions: ["sequence length T", "0"]) {
            var rng = SplitMix64(seed: 1)
            return try SSDInputs.random(length: 0, heads: 1, headDim: 1, stateSize: 1, rng: &rng).x.elements
        },
        BadInput("SSDInputs.random(headDim: Int.max, heads: 2, …)", mentions: ["heads H × head dimension P", "\(Int.max)"]) {
            var rng = SplitMix64(seed: 1)
            return try SSDInputs.random(length: 1, heads: 2, headDim: Int.max, stateSize: 1, rng: &rng).x.elements
        },
        BadInput("SSDInputs.random(length: 1 << 40, …)", mentions: ["sequence length T", "1099511627776", "2^30"]) {
            var rng = SplitMix64(seed: 1)
            return try SSDInputs.random(length: 1 << 40, heads: 1, headDim: 1, stateSize: 1, rng: &rng).x.elements
        },
        BadInput("SSDInputs.random(stateSize: 1 << 40, …)", mentions: ["state size N", "1099511627776"]) {
            var rng = SplitMix64(seed: 1)
            return try SSDInputs.random(length: 4, heads: 1, headDim: 1, stateSize: 1 << 40, rng: &rng).x.elements
        },
        BadInput("ssdMask(inputs, head: H)", mentions: ["head", "2", "0..<2"]) { try ssdMask(ssd(), head: 2).elements },
        BadInput("ssdMask(inputs, head: -1)", mentions: ["head", "-1"]) { try ssdMask(ssd(), head: -1).elements },
        BadInput("SSDFlops.chunked(…, q: 0)", mentions: ["chunk size Q", "0"]) { [try SSDFlops.chunked(t: 64, h: 2, p: 4, n: 8, q: 0)] },
        BadInput("SSDFlops.chunkedGEMM(…, q: -5)", mentions: ["chunk size Q", "-5"]) { [try SSDFlops.chunkedGEMM(t: 64, h: 2, p: 4, n: 8, q: -5)] },
        BadInput("SSDFlops.recurrent(t: -1, …)", mentions: ["length T", "-1"]) { [try SSDFlops.recurrent(t: -1, h: 2, p: 4, n: 8)] },
        BadInput("SSDFlops.quadratic(…, g: 0)", mentions: ["groups G", "0"]) { [try SSDFlops.quadratic(t: 64, h: 2, p: 4, n: 8, g: 0)] },
        BadInput("segsum([-0.1, 0.5])", mentions: ["log a[1]", "0.5"]) { try segsum([-0.1, 0.5]) },
        BadInput("segsum([NaN])", mentions: ["log a[0]", "nan"]) { try segsum([Double.nan]) },
        BadInput("segsum([-∞, -1]) (the naive form would give ∞ − ∞)", mentions: ["log a[0]", "-inf"]) { try segsum([-Double.infinity, -1]) },
        BadInput("segsumNaive([Float] with 2)", mentions: ["log a[2]", "2.0"]) { try segsumNaive([Float(-1), -1, 2]).map(Double.init) },
        BadInput("segsum(65 536 entries) (T² = 4.3e9 numbers, 34 GB)", mentions: ["sequence length T", "65536", "2^30"]) {
            try segsum([Double](repeating: -0.01, count: 65_536))
        },
        BadInput("segsumNaive([Float] of 65 536 entries)", mentions: ["sequence length T", "65536"]) {
            try segsumNaive([Float](repeating: -0.01, count: 65_536)).map(Double.init)
        },
        BadInput("segsumNaive([-1e308, -1e308, -1e308]) (S_t overflows: −∞ − (−∞) was NaN)", mentions: ["log a", "-1e+308", "cumulative sum"]) {
            try segsumNaive([-1e308, -1e308, -1e308])
        },
        BadInput("segsumNaive([Float] [-3e38, -3e38, -3e38]) (S_t overflows Float)", mentions: ["log a", "-3e+38", "Float"]) {
            try segsumNaive([Float(-3e38), -3e38, -3e38]).map(Double.init)
        },
    ]
}

// MARK: - Fixtures (built inside each row: rows run independently and must not share state)

/// (re, im) of a complex number, for rows whose result is complex.
private func parts(_ z: Complex<Double>) -> [Double] { [z.real, z.imaginary] }

private func dplr(_ n: Int) throws -> DPLR { try DPLR.legS(stateSize: n) }

private func s4d(_ initialization: S4DInitialization, _ n: Int) throws -> S4D {
    var rng = SplitMix64(seed: 11)
    return try S4D(initialization, stateSize: n, rng: &rng)
}

private func layer(stateSize n: Int = 4, channels h: Int = 2, stepRange: ClosedRange<Double> = 1e-3...1e-1) throws -> S4Layer {
    var rng = SplitMix64(seed: 12)
    return try S4Layer(stateSize: n, channels: h, stepRange: stepRange, rng: &rng)
}

private func parameters(channels d: Int = 4, stateSize n: Int = 2, dtRank r: Int = 1) throws -> SelectiveParameters {
    var rng = SplitMix64(seed: 13)
    return try SelectiveParameters(channels: d, stateSize: n, dtRank: r, rng: &rng)
}

/// Valid selective-scan inputs (L = 4, D = 3, N = 2) with one Δ entry replaced.
private func scanInputs(delta entry: (t: Int, d: Int, value: Double)) throws -> SelectiveScanInputs {
    let r = try randomInputs(length: 4, channels: 3, stateSize: 2, seed: 14)
    var delta = r.delta
    delta[entry.t, entry.d] = entry.value
    return try SelectiveScanInputs(x: r.x, delta: delta, a: r.a, b: r.b, c: r.c, skip: r.skip)
}

private func block(modelWidth: Int = 4, stateSize: Int = 2) throws -> MambaBlock {
    var rng = SplitMix64(seed: 15)
    return try MambaBlock(modelWidth: modelWidth, stateSize: stateSize, rng: &rng)
}

/// Valid SSD inputs of length T = 50 000 (H = P = N = 1: 1.2 MB), too long for a (T, T) mask.
private func longSSD() throws -> SSDInputs {
    var rng = SplitMix64(seed: 17)
    return try SSDInputs.random(length: 50_000, heads: 1, headDim: 1, stateSize: 1, rng: &rng)
}

/// Valid SSD inputs (T = 6, H = 2, P = 2, N = 3), optionally with one a entry replaced.
private func ssd(a entry: (t: Int, h: Int, value: Double)? = nil) throws -> SSDInputs {
    var rng = SplitMix64(seed: 16)
    let r = try SSDInputs.random(length: 6, heads: 2, headDim: 2, stateSize: 3, rng: &rng)
    guard let entry else { return r }
    var a = r.a
    a[entry.t, entry.h] = entry.value
    return try SSDInputs(x: r.x, a: a, b: r.b, c: r.c, heads: 2)
}
