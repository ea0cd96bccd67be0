import Foundation

/// One optimiser step's data: B sequences of length L stacked (B·L), the target at each
/// position and its weight in the loss (1 on the positions a task scores, 0 elsewhere).
public struct TrainingBatch: Sendable {
    public let tokens: [Int]                                          // (B·L)
    public let targets: [Int]                                         // (B·L)
    public let weights: [Double]                                      // (B·L)
    public let length: Int                                            // L

    public init(tokens: [Int], targets: [Int], weights: [Double], length: Int) {
        (self.tokens, self.targets, self.weights, self.length) = (tokens, targets, weights, length)
    }
}

/// How a model is trained: AdamW with warm-up and cosine decay, gradient clipping — a common
/// recipe, used by Chapter 08 at CPU size (the Mamba paper's synthetic tasks use a constant
/// learning rate, Appendix E.1; Chapter 08 states both).
public struct TrainingRecipe: Sendable, Equatable {
    public var steps: Int
    public var warmupSteps: Int
    public var optimizer: AdamW.Configuration
    public var clipNorm: Double
    /// The schedule's last factor (a fraction of the peak learning rate).
    public var floor: Double

    /// - Throws: `invalidParameter` for steps < 1, warm-up outside 0…steps, clipNorm ≤ 0.
    public init(steps: Int, warmupSteps: Int, optimizer: AdamW.Configuration, clipNorm: Double = 1, floor: Double = 0.1) throws {
        _ = try LearningRateSchedule(warmupSteps: warmupSteps, totalSteps: steps, floor: floor)
        try requirePositive(clipNorm, "gradient clipping norm")
        (self.steps, self.warmupSteps, self.optimizer, self.clipNorm, self.floor) = (steps, warmupSteps, optimizer, clipNorm, floor)
    }
}

/// What a training run leaves: the loss and accuracy of every step's batch (on its scored
/// positions), the gradient norm before clipping, and the time taken.
public struct TrainingHistory: Sendable {
    public var losses: [Double] = []                                  // (steps)
    public var accuracies: [Double] = []                              // (steps)
    public var gradientNorms: [Double] = []                           // (steps)
    public var seconds = 0.0
    public var tokens = 0                                             // tokens processed (B·L per step)

    public init() {}

    /// Mean of the last `count` entries of `values` (the end of a noisy curve).
    public static func tail(_ values: [Double], _ count: Int) -> Double {
        let last = values.suffix(max(1, count))
        return last.isEmpty ? .nan : last.reduce(0, +) / Double(last.count)
    }
}

/// Trains `model` for `recipe.steps` optimiser steps on the batches `nextBatch(step)` returns:
/// forward, cross-entropy on the weighted positions, backward, clip, AdamW step with the
/// schedule's factor. `progress(step, history)` is called after every step.
/// - Throws: what the model, the loss or the optimiser throw (a NaN gradient stops the run
///   naming the parameter).
/// - Complexity: `recipe.steps` × (one forward and one backward of a batch).
public func train<Mixer: SequenceMixer>(_ model: inout LanguageModel<Mixer>, recipe: TrainingRecipe,
                                        nextBatch: (Int) throws -> TrainingBatch,
                                        progress: (Int, TrainingHistory) -> Void = { _, _ in }) throws -> TrainingHistory {
    var optimizer = AdamW(recipe.optimizer)
    let schedule = try LearningRateSchedule(warmupSteps: recipe.warmupSteps, totalSteps: recipe.steps, floor: recipe.floor)
    var history = TrainingHistory()
    let start = Date()
    for step in 0..<recipe.steps {
        let batch = try nextBatch(step)
        model.zeroGradients()
        let result = try model.accumulateGradients(tokens: batch.tokens, targets: batch.targets, weights: batch.weights,
                                                   length: batch.length)
        history.gradientNorms.append(try clipGradientNorm(&model, maxNorm: recipe.clipNorm))
        try optimizer.step(&model, learningRateFactor: schedule.factor(at: step))
        history.losses.append(result.loss)
        history.accuracies.append(result.accuracy)
        history.tokens += batch.tokens.count
        history.seconds = Date().timeIntervalSince(start)
        progress(step, history)
    }
    return history
}
