import _Differentiation
import Foundation
import Notebook
import StateSpace

let book = Notebook(chapter: "Chapter07", title: "Learning: gradients through a scan", abstract: """
    Backward passes derived by hand: the adjoint of a linear recurrence is the same recurrence \
    run in reverse time; Swift's own differentiation agrees; every layer of a Mamba model is \
    checked against central finite differences; the selective scan's backward with stored \
    states equals the one that recomputes them from checkpoints, at a fraction of the memory; \
    gradients that survive thousands of steps in an SSM and vanish in a tanh RNN; and a first \
    fit whose loss falls by orders of magnitude.
    """)

func introduction(_ book: Notebook) {
    book.introduction("""
        Chapters 00–06 ran models forward: nothing was learned. Training needs ∂loss/∂θ for every
        parameter θ, and the book computes these by hand, layer by layer, so that each backward
        pass can be read next to its forward pass (`Sources/StateSpace/Learning`). Each layer's
        `forward` returns its output and a *tape* (what the backward pass will need); its
        `backward` takes ∂ℓ/∂output, adds ∂ℓ/∂θ into its parameters' gradients and returns
        ∂ℓ/∂input. Chaining the backward passes in reverse order is backpropagation.

        The most instructive fact of this chapter: the backward pass of a scan is itself a scan,
        run in reverse time with the same decays. And because it needs the forward states, a
        long selective scan must either store L·D·N numbers or recompute them — which is what
        Mamba's fused kernel does (Mamba §3.3.2, "recomputation").

        Glossary: ℓ the loss, g_t = ∂ℓ/∂y_t, λ_t = ∂ℓ/∂h_t (the adjoint), L length, D channels,
        N state size, B batch.
        """)
}

func oneChannelAdjoint(_ book: Notebook) throws -> ScalarRecurrence {
    book.cell("1. The adjoint of one channel: a scan in reverse time", """
        Take one channel of any diagonal SSM: h_t = a_t·h_{t−1} + b_t·x_t, y_t = c_t·h_t. The
        state h_t influences the loss through y_t and through h_{t+1} = a_{t+1}·h_t + …, so its
        total derivative λ_t = ∂ℓ/∂h_t obeys

            λ_t = a_{t+1}·λ_{t+1} + c_t·g_t,        λ_{L−1} = c_{L−1}·g_{L−1}

        — the forward recurrence again, run from t = L−1 down to 0, with input c_t·g_t and the
        decays shifted by one step. Every gradient is then local to its step:

            ∂ℓ/∂x_t = b_t·λ_t    ∂ℓ/∂b_t = x_t·λ_t    ∂ℓ/∂a_t = h_{t−1}·λ_t    ∂ℓ/∂c_t = g_t·h_t

        Below: a random channel (L = 64, a_t ∈ (0.5, 1)) and the loss ℓ = Σ_t w_t·y_t with
        random w (so g = w). The backward pass (`ScalarRecurrence.backward`) is compared with
        central finite differences of the forward pass, and its adjoint with the *forward*
        recurrence applied to the reversed, shifted sequence — the claim that it is a scan.
        """)
    let l = 64
    let a = (0..<l).map { _ in Double.random(in: 0.5..<1, using: &book.rng) }   // (L)
    let b = (0..<l).map { _ in book.rng.nextGaussian() }, c = (0..<l).map { _ in book.rng.nextGaussian() }
    let channel = try ScalarRecurrence(a: a, b: b, c: c, initial: book.rng.nextGaussian())
    let x = (0..<l).map { _ in book.rng.nextGaussian() }, w = (0..<l).map { _ in book.rng.nextGaussian() }   // (L), (L)
    let forward = try channel.forward(x)
    var gradient = try channel.backward(x, states: forward.states, outputGradient: w)
    if book.injects("adjoint-unshifted", "the adjoint with a_t in place of a_{t+1}: λ_t = a_t·λ_{t+1} + c_t·g_t") {
        gradient = try unshiftedAdjointGradient(channel, x, states: forward.states, w)
    }
    let loss = { (m: ScalarRecurrence, x: [Double]) throws -> Double in zip(try m.forward(x).y, w).reduce(0) { $0 + $1.0 * $1.1 } }
    var numericX: [Double] = [], numericA: [Double] = []
    for t in 0..<l {
        numericX.append(try centralDifference(at: x[t]) { v in var y = x; y[t] = v; return try loss(channel, y) })
        numericA.append(try centralDifference(at: a[t]) { v in var m = channel; m.a[t] = v; return try loss(m, x) })
    }
    book.check(.agreement("∂ℓ/∂x_t: reverse scan = central differences (L = 64)", gradient.x, numericX, tolerance: 1e-6,
                          reason: "central differences at step 1e-5 carry ~1e-10 relative error (truncation h², rounding ε/h)"))
    book.check(.agreement("∂ℓ/∂a_t: h_{t−1}·λ_t = central differences", gradient.a, numericA, tolerance: 1e-6,
                          reason: "as above: the difference quotient's own error is ~1e-10"))
    let reversed = try ScalarRecurrence(a: [0] + a.dropFirst().reversed(), b: [Double](repeating: 1, count: l),
                                        c: [Double](repeating: 1, count: l))
    let asScan = try reversed.forward(zip(c, w).map { $0 * $1 }.reversed()).y.reversed()   // (L): λ by the forward scan
    book.check(.agreement("adjoint λ_t = forward scan of reversed c_t·g_t with decays a_{t+1}", gradient.adjoint, Array(asScan),
                          tolerance: 1e-13, reason: "the same multiply-adds in the same order: equal up to rounding"))
    return channel
}

/// The adjoint computed with the decays *not* shifted (the `adjoint-unshifted` mistake).
func unshiftedAdjointGradient(_ m: ScalarRecurrence, _ x: [Double], states: [Double], _ g: [Double]) throws -> ScalarRecurrenceGradient {
    var wrong = m
    wrong.a = [m.a[0]] + m.a.dropLast()                                  // carries a_t·λ_{t+1} into λ_t, not a_{t+1}·λ_{t+1}
    return try wrong.backward(x, states: states, outputGradient: g)
}

func swiftDifferentiation(_ book: Notebook) throws {
    book.cell("2. Swift differentiates the same recurrence", """
        Swift is the one language among this field's references (Python, JAX, C++/CUDA) whose
        compiler can differentiate ordinary code: mark a function `@differentiable(reverse)` and
        `gradient(at:of:)` returns its reverse-mode gradient, the compiler having generated the
        backward pass (`import _Differentiation`, still an underscored, experimental module in
        Swift 6). Below, a time-invariant channel h_t = a·h_{t−1} + x_t, y_t = h_t, with loss
        Σ_t w_t·y_t, written as a plain loop and differentiated by the compiler with respect to a
        and to every x_t; then the same gradients from cell 1's hand-derived reverse scan
        (∂ℓ/∂a = Σ_t h_{t−1}·λ_t, since the one a is used at every step).
        """)
    let l = 64
    let a = Double.random(in: 0.8..<0.99, using: &book.rng)
    let x = (0..<l).map { _ in book.rng.nextGaussian() }, w = (0..<l).map { _ in book.rng.nextGaussian() }   // (L), (L)
    let byCompiler = gradient(at: a, x) { a, x in weightedScanLoss(a, x, weights: w) }
    let channel = try ScalarRecurrence(a: [Double](repeating: a, count: l), b: [Double](repeating: 1, count: l),
                                       c: [Double](repeating: 1, count: l))
    let forward = try channel.forward(x)
    let byHand = try channel.backward(x, states: forward.states, outputGradient: w)
    book.check(.agreement("∂ℓ/∂x_t: compiler-generated backward = hand-derived reverse scan", byHand.x, byCompiler.1.base,
                          tolerance: 1e-12, reason: "two exact derivations of the same sums: they differ by rounding only"))
    book.check(.agreement("∂ℓ/∂a: compiler = Σ_t h_{t−1}·λ_t", [byHand.a.reduce(0, +)], [byCompiler.0], tolerance: 1e-12,
                          reason: "as above"))
    book.finding("At a = \(String(format: "%.3f", a)), ∂ℓ/∂a = \(String(format: "%.6f", byCompiler.0)) both ways.")
}

/// Σ_t w_t·h_t for h_t = a·h_{t−1} + x_t, h_{−1} = 0: a plain loop the compiler differentiates.
@differentiable(reverse, wrt: (a, x))
func weightedScanLoss(_ a: Double, _ x: [Double], weights: [Double]) -> Double {
    var h = 0.0, loss = 0.0
    for t in withoutDerivative(at: 0..<x.count) {
        h = a * h + x[t]
        loss = loss + weights[t] * h
    }
    return loss
}

book.run { book in
    introduction(book)
    _ = try oneChannelAdjoint(book)
    try swiftDifferentiation(book)
}
