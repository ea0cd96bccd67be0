/// Chapter 08 — Learning to select. Task, math and shapes: Exercises/Chapter08/…; row-major.
public protocol Chapter08Exercises {
    /// 08.1, `SelectiveCopyingLayout.swift`: one selective-copying sequence of length L = body + k.
    /// Body length, the k sorted data positions (in 0 ..< body), the k data tokens (in 1 … V), V
    /// → the input ids, the target ids and the loss mask (L each).
    static func selectiveCopyingSequence(bodyLength: Int, dataPositions: [Int], data: [Int], dataVocabulary: Int) throws
        -> (tokens: [Int], targets: [Int], mask: [Double])
    /// 08.2, `SelectionRatio.swift`: per channel, the mean of a per-position quantity over the data
    /// tokens ÷ its mean over the noise tokens, over the bodies of B sequences (markers excluded).
    /// values (B·L, channels), body length, k, data positions (B·k, sorted per sequence) → (channels).
    static func selectionRatios(values: [Double], channels: Int, bodyLength: Int, dataCount: Int, dataPositions: [Int]) throws
        -> [Double]
    /// 08.3, `AttentionStep.swift`: one step of one attention head with a KV cache: append (k, v)
    /// to the cache (T rows of P each → T + 1), then softmax(q·Kᵀ/√P)·V over the T + 1 rows.
    /// q, k, v (P each), keys, values (T·P each, updated) → the output (P).
    static func attentionStep(query: [Double], key: [Double], value: [Double], keys: inout [Double], values: inout [Double]) throws
        -> [Double]
}
