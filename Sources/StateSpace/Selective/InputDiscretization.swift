import Foundation

/// How B is discretised in a selective SSM. A is always discretised exactly, Ā = exp(ΔA); the
/// two rules differ in B̄, per channel d, state index n and time t:
///
///     zero-order hold (Mamba paper, eq. 4):   B̄ = (ΔA)⁻¹(exp(ΔA) − 1)·ΔB = (exp(ΔA) − 1)/A · B
///     Euler (Mamba's reference code):          B̄ = Δ·B
///
/// They agree to first order in ΔA, (e^{ΔA} − 1)/A = Δ(1 + ΔA/2 + …), so at Mamba's initial
/// steps (Δ ≤ 0.1, |A| ≤ N) they differ by a few percent; at ΔA = −2.8 ZOH's B̄ is a third of ΔB.
/// The paper states ZOH; the reference code (and `SelectiveScanInputs`, every scan of this
/// library) uses ΔB, which the authors describe as a mix of ZOH for A and Euler for B that keeps
/// the implementation simpler without changing results (state-spaces/mamba issue #114).
public enum InputDiscretization: Sendable, CaseIterable {
    case euler
    case zeroOrderHold

    /// B̄ / B for one step Δ ≥ 0 and one diagonal entry A < 0. ZOH is formed as expm1(ΔA)/A, which
    /// keeps full relative accuracy for tiny ΔA (no cancellation in e^{ΔA} − 1).
    /// - Complexity: O(1).
    public func inputScale(step delta: Double, a: Double) -> Double {
        switch self {
        case .euler: delta
        case .zeroOrderHold: expm1(delta * a) / a
        }
    }
}

/// The selective SSM written as the paper's recurrence, one channel, one state entry and one time
/// step at a time, with `rule` for B̄ (Foundation's exp, no SIMD, no blocking): the plain
/// reference that the fast scans are checked against, and the only scan here that offers ZOH's B̄.
///
///     h_{t,d,n} = exp(Δ_{t,d}A_{d,n})·h_{t−1,d,n} + B̄_{t,d,n}·x_{t,d},   y_{t,d} = Σ_n C_{t,n}h_{t,d,n} + D_d x_{t,d}
///
/// - Returns: y, (L, D).
/// - Complexity: O(L·D·N) time, O(N) extra memory.
public func selectiveRecurrence(_ inputs: SelectiveScanInputs, input rule: InputDiscretization) -> Matrix {
    let (l, dd, n) = (inputs.length, inputs.channels, inputs.stateSize)
    var y = Matrix(zeros: l, dd)                                       // (L, D)
    var h = [Double](repeating: 0, count: n)                           // (N): one channel's state
    for d in 0..<dd {
        for i in 0..<n { h[i] = 0 }
        for t in 0..<l {
            let (delta, x) = (inputs.delta[t, d], inputs.x[t, d])
            var out = 0.0
            for i in 0..<n {
                let a = inputs.a[d, i]
                h[i] = exp(delta * a) * h[i] + rule.inputScale(step: delta, a: a) * inputs.b[t, i] * x
                out += inputs.c[t, i] * h[i]
            }
            y[t, d] = out + inputs.skip[d] * x
        }
    }
    return y
}
