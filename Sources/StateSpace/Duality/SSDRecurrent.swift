import Dispatch
import Foundation

/// The SSD layer as a recurrence: per head, a (P, N) state, h_t = a_t·h_{t−1} + x_t B_tᵀ,
/// y_t = h_t C_t. Linear in T, matrix-vector work only (no GEMM): every step touches the whole
/// state once. Heads are split over `threads` cores.
/// - Returns: Y, (T, H·P).
/// - Complexity: 5·T·H·P·N flops (decay, outer product, read-out), depth T.
public func ssdRecurrent(_ inputs: SSDInputs, threads: Int = 1) -> Matrix {
    var y = Matrix(zeros: inputs.length, inputs.heads * inputs.headDim)   // (T, H·P)
    y.elements.withUnsafeMutableBufferPointer { ssdRecurrentCore(inputs, threads: threads, initial: nil, final: nil, out: $0.baseAddress!) }
    return y
}

/// The recurrent SSD from a given state h₋₁ (H·P, N) (nil: zero), returning the state after the
/// last step too — the recurrent twin of `ssdChunked(_:chunk:initialState:threads:)`; rows
/// h·P ..< (h+1)·P are head h's (P, N) state.
/// - Returns: Y (T, H·P) and `finalState` (H·P, N).
/// - Throws: `shapeMismatch` unless the initial state is (H·P, N); `nonFinite`; `invalidParameter`
///   if N·max|C|·max|h₋₁| > 2¹⁰²¹.
/// - Complexity: as `ssdRecurrent(_:threads:)`.
public func ssdRecurrent(_ inputs: SSDInputs, initialState: Matrix?, threads: Int = 1) throws -> (y: Matrix, finalState: Matrix) {
    let rows = inputs.heads * inputs.headDim
    if let initialState { try requireInitialState(initialState, rows: rows, inputs.stateSize, c: inputs.c, "initial state h (H·P, N)") }
    var y = Matrix(zeros: inputs.length, rows)                         // (T, H·P)
    var final = Matrix(zeros: rows, inputs.stateSize)                  // (H·P, N)
    let start = initialState?.elements ?? [Double](repeating: 0, count: rows * inputs.stateSize)   // (H·P, N)
    y.elements.withUnsafeMutableBufferPointer { py in
        final.elements.withUnsafeMutableBufferPointer { pf in
            start.withUnsafeBufferPointer { p0 in
                ssdRecurrentCore(inputs, threads: threads, initial: UnsafeSendable(p0.baseAddress!), final: DisjointWrites(pf.baseAddress!),
                                 out: py.baseAddress!)
            }
        }
    }
    return (y, final)
}

/// The recurrence over heads split across `threads`, from `initial` (H·P, N) or zero, writing
/// Y into `base` (T, H·P) and the last state into `final` if given.
func ssdRecurrentCore(_ inputs: SSDInputs, threads: Int, initial: UnsafeSendable<UnsafePointer<Double>>?,
                      final: DisjointWrites<Double>?, out base: UnsafeMutablePointer<Double>) {
    let (t, hh, p, n) = (inputs.length, inputs.heads, inputs.headDim, inputs.stateSize)
    let (hp, gn) = (hh * p, inputs.groups * n)
    let target = DisjointWrites(base)                  // head h writes columns h·P ..< (h+1)·P
    let workers = max(1, min(threads, hh))
    let run: @Sendable (Int) -> Void = { worker in
        let state = UnsafeMutablePointer<Double>.allocate(capacity: p * n)   // (P, N)
        defer { state.deallocate() }
        inputs.x.elements.withUnsafeBufferPointer { px in
            inputs.b.elements.withUnsafeBufferPointer { pb in
                inputs.c.elements.withUnsafeBufferPointer { pc in
                    for head in stride(from: worker, to: hh, by: workers) {
                        if let initial { state.initialize(from: initial.value + head * p * n, count: p * n) } else { state.initialize(repeating: 0, count: p * n) }
                        let g = inputs.group(ofHead: head)
                        for step in 0..<t {
                            let decay = inputs.a[step, head]
                            let x = px.baseAddress! + step * hp + head * p
                            let b = pb.baseAddress! + step * gn + g * n, c = pc.baseAddress! + step * gn + g * n
                            for i in 0..<p {
                                let row = state + i * n, xi = x[i]
                                var acc = 0.0
                                for k in 0..<n {
                                    row[k] = decay * row[k] + xi * b[k]
                                    acc += row[k] * c[k]
                                }
                                target[step * hp + head * p + i] = acc
                            }
                        }
                        if let final { for i in 0..<p * n { final[head * p * n + i] = state[i] } }
                    }
                }
            }
        }
    }
    if workers == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: run) }
}
