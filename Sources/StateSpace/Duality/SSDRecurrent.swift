import Dispatch
import Foundation

/// The SSD layer as a recurrence: per head, a (P, N) state, h_t = a_t·h_{t−1} + x_t B_tᵀ,
/// y_t = h_t C_t. Linear in T, matrix-vector work only (no GEMM): every step touches the whole
/// state once. Heads are split over `threads` cores.
/// - Returns: Y, (T, H·P).
/// - Complexity: 5·T·H·P·N flops (decay, outer product, read-out), depth T.
public func ssdRecurrent(_ inputs: SSDInputs, threads: Int = 1) -> Matrix {
    let (t, hh, p, n) = (inputs.length, inputs.heads, inputs.headDim, inputs.stateSize)
    let (hp, gn) = (hh * p, inputs.groups * n)
    var y = Matrix(zeros: t, hp)                                       // (T, H·P)
    y.elements.withUnsafeMutableBufferPointer { out in
        let target = DisjointWrites(out.baseAddress!)                  // head h writes columns h·P ..< (h+1)·P
        let workers = max(1, min(threads, hh))
        let run: @Sendable (Int) -> Void = { worker in
            let state = UnsafeMutablePointer<Double>.allocate(capacity: p * n)   // (P, N)
            defer { state.deallocate() }
            inputs.x.elements.withUnsafeBufferPointer { px in
                inputs.b.elements.withUnsafeBufferPointer { pb in
                    inputs.c.elements.withUnsafeBufferPointer { pc in
                        for head in stride(from: worker, to: hh, by: workers) {
                            state.initialize(repeating: 0, count: p * n)
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
                        }
                    }
                }
            }
        }
        if workers == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: run) }
    }
    return y
}
