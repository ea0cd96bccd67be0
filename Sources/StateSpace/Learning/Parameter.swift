/// How the optimiser treats a parameter (`AdamW`): the papers train SSM parameters differently
/// from the rest of the network.
///
/// - `standard`: weight matrices of projections, embeddings, the LM head: learning rate η and
///   weight decay λ.
/// - `noDecay`: biases, norm gains and Mamba's A_log, D and Δ bias (the reference code marks
///   A_log and D `_no_weight_decay`): learning rate η, no weight decay.
/// - `ssm`: S4/S4D's Λ (A), B and log Δ (the S4 code's `register(..., lr=...)`): no weight
///   decay and a smaller learning rate (`AdamW.Configuration.ssmLearningRate`).
public enum ParameterGroup: String, Sendable, CaseIterable, Codable {
    case standard, noDecay, ssm
}

/// A trainable array: its value, the gradient a backward pass accumulates into it, and its
/// optimiser group. Vectors are 1×n matrices.
///
/// Layers are value types that own their `Parameter`s; a backward pass is `mutating` and
/// *adds* to `gradient` (so a batch's sequences accumulate), and `zeroGradients()` clears them
/// between optimiser steps.
public struct Parameter: Sendable {
    public let name: String                                           // e.g. "layers.0.mixer.A_log"
    public let group: ParameterGroup
    public var value: Matrix
    public var gradient: Matrix                                       // same shape as value

    /// A parameter holding `value`, with a zero gradient.
    public init(_ name: String, _ value: Matrix, group: ParameterGroup = .standard) {
        self.name = name
        self.group = group
        self.value = value
        gradient = Matrix(zeros: value.rows, value.cols)
    }

    /// A 1×n parameter (a bias, a gain, a per-channel vector).
    public init(_ name: String, vector: [Double], group: ParameterGroup = .standard) {
        self.init(name, Matrix(unchecked: 1, vector.count, vector), group: group)
    }

    /// The entries as a flat array (row-major).
    public var vector: [Double] { value.elements }

    /// Throws unless the gradient has the value's shape and is finite: what the optimiser and
    /// clipping check before they read it (both arrays are public and may have been replaced).
    /// - Throws: `shapeMismatch` naming the parameter and both shapes; `nonFinite`.
    /// - Complexity: O(count).
    public func requireUsableGradient() throws {
        try requireDimensions(gradient, value.rows, value.cols, "gradient of \(name) (shaped like its value)")
        try gradient.requireFinite("gradient of \(name)")
    }

    /// Clears the gradient. - Complexity: O(count).
    public mutating func zeroGradient() {
        for i in gradient.elements.indices { gradient.elements[i] = 0 }
    }
}

/// Anything that owns parameters: a layer, a block, a model. The optimiser, gradient clipping,
/// finite-difference checks and weight files all work through this one method, visiting the
/// parameters in a fixed order (so an optimiser's moments and a file's records line up).
public protocol Trainable {
    /// Calls `body` on every parameter, in a fixed order, allowing it to change them.
    mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows
}

extension Trainable {
    /// Sets every gradient to zero. - Complexity: O(number of parameters).
    public mutating func zeroGradients() {
        forEachParameter { $0.zeroGradient() }
    }

    /// The parameters, in visiting order (copies).
    public var parameters: [Parameter] {
        var copy = self, out: [Parameter] = []
        copy.forEachParameter { out.append($0) }
        return out
    }

    /// The total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.elements.count } }
}

/// Throws unless `gradient` has the shape of the forward output it belongs to, and is finite:
/// the check every `backward` makes on the ∂loss/∂output it receives.
/// - Throws: `shapeMismatch` naming `name` and both shapes; `nonFinite` for NaN/∞ (with its index).
/// - Complexity: O(rows·cols).
public func requireGradient(_ gradient: Matrix, rows: Int, cols: Int, _ name: String) throws {
    try requireDimensions(gradient, rows, cols, name)
    try gradient.requireFinite(name)
}
