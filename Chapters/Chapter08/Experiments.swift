import Dispatch
import Foundation
import Notebook
import StateSpace

// The experiments of Chapter 08: which models, how they are trained side by side on the two
// cores, and how they are evaluated. main.swift tells the story; this file runs it.

/// The four mixers of the Mamba paper's Table 1 that we reproduce, and the paper's accuracy.
enum MixerKind: String, CaseIterable, Sendable {
    case s4d, s6, mambaS4D, mambaS6

    var label: String {
        switch self {
        case .s4d: "S4D alone"
        case .s6: "S6 alone"
        case .mambaS4D: "Mamba block + S4D"
        case .mambaS6: "Mamba block + S6"
        }
    }
    /// Selective copying accuracy in the paper's Table 1 (its S4 rows: we use S4D, its diagonal form).
    var paperAccuracy: Double {
        switch self {
        case .s4d: 18.3
        case .s6: 97.0
        case .mambaS4D: 56.4
        case .mambaS6: 99.8
        }
    }
    var selective: Bool { self == .s6 || self == .mambaS6 }
    var block: Bool { self == .mambaS4D || self == .mambaS6 }
    /// Short name for files: plots/… and saved weights.
    var file: String {
        switch self {
        case .s4d: "s4d"
        case .s6: "s6"
        case .mambaS4D: "mamba-s4d"
        case .mambaS6: "mamba-s6"
        }
    }
}

/// A task size and training recipe (the chapter's defaults, `--quick`, or `--steps` overrides).
struct CopyingSetting: Sendable {
    var task: SelectiveCopyingTask
    var width = 32, stateSize = 16, layers = 2, batch = 16
    /// Optimiser steps of the two Mamba blocks and of the two layers without a gate.
    var blockSteps = 4000, noGateSteps = 5000
    var warmup = 100, learningRate = 1e-2
    var testSequences = 1000

    func steps(_ kind: MixerKind) -> Int { kind.block ? blockSteps : noGateSteps }
}

struct InductionSetting: Sendable {
    var task: InductionHeadsTask
    var trainingLength = 32
    var width = 32, stateSize = 16, layers = 2, batch = 32
    /// The attention baseline's width and heads: d = 64 (the paper's), twice the Mamba model's.
    var attentionWidth = 64, heads = 1
    var steps = 800, warmup = 100, learningRate = 3e-3
    var testLengths: [Int] = (5...14).map { 1 << $0 }
    var testSequences = 100
    /// Attention is evaluated up to this length: its KV cache and its O(t) work per token grow
    /// with the length (at 2¹⁴ its step-mode evaluation would take minutes), an SSM's state does not.
    var attentionMaxLength = 1024
}

/// Progress lines on stderr, shared by the runs training at the same time: one line per run
/// every 10% of its steps ("Mamba block + S6  [████░░░░░░]  40%  step 1600/4000  loss 0.41 …").
final class TrainingProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let quiet: Bool
    init(quiet: Bool) { self.quiet = quiet }

    func report(_ label: String, step: Int, of total: Int, _ h: TrainingHistory) {
        let tenth = max(1, total / 10)
        guard !quiet, (step + 1) % tenth == 0 || step + 1 == total else { return }
        let done = Int((10 * Double(step + 1) / Double(total)).rounded(.down))
        let bar = String(repeating: "█", count: done) + String(repeating: "░", count: 10 - done)
        let line = String(format: "  %@ [%@] %3.0f%%  step %d/%d  loss %.3f  accuracy %.3f  %.0f s  %.0f tokens/s\n",
                          label.padding(toLength: 18, withPad: " ", startingAt: 0), bar, 100 * Double(step + 1) / Double(total),
                          step + 1, total, TrainingHistory.tail(h.losses, tenth), TrainingHistory.tail(h.accuracies, tenth),
                          h.seconds, Double(h.tokens) / max(h.seconds, 1e-9))
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// A queue of jobs for the machine's cores: each job starts, in the order submitted, as soon as a
/// core is free, and `Pending.value()` waits for its result. The chapter submits every training
/// run at the start, longest first, so that the induction-heads models train while the last
/// copying models do and neither core idles between the experiments. Each job runs on one core:
/// use the pool inside `BLASThreads.withSingleThreadedBLAS`, as the chapter does, or OpenBLAS's
/// own threads put two threads per GEMM on the same two cores, spinning against each other (30%
/// of the run's CPU time, measured).
/// A job must not wait on another job's `Pending` (with every core taken, neither would finish).
final class JobPool: Sendable {
    private let feeder = DispatchQueue(label: "chapter08.jobs")       // serial: starts jobs in order
    private let cores: DispatchSemaphore
    private let running = DispatchGroup()

    init(cores: Int) { self.cores = DispatchSemaphore(value: max(1, cores)) }

    /// Waits until every job submitted so far has finished (also those whose results nobody
    /// waits for, after an error): no job outlives the run, or the seed, that started it.
    func waitForAll() {
        feeder.sync {}                                                // every job submitted so far has been started…
        running.wait()                                                // …and has finished
    }

    func submit<T: Sendable>(_ job: @escaping @Sendable () throws -> T) -> Pending<T> {
        let pending = Pending<T>()
        running.enter()
        feeder.async { [cores, running] in
            cores.wait()
            DispatchQueue.global().async {
                pending.fulfil(Result { try job() })
                cores.signal()
                running.leave()
            }
        }
        return pending
    }
}

/// The result of a job submitted to a `JobPool`, once it has run.
final class Pending<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<T, Error>?

    fileprivate func fulfil(_ r: Result<T, Error>) {
        lock.withLock { result = r }
        done.signal()
    }

    /// Waits for the job (if it has not finished) and returns its result or rethrows its error.
    func value() throws -> T {
        done.wait()
        done.signal()                                                 // later calls return at once
        return try lock.withLock { result! }.get()
    }
}

/// The 2-layer language model of `kind` for selective copying (d_inner = 2·d, as Mamba).
/// "Alone" = in_proj → SiLU → SSM → out_proj (no conv1d, no gate); "Mamba block" = the full block.
func copyingModel<Core: SequenceMixer>(_ kind: MixerKind, _ s: CopyingSetting, core: (inout SplitMix64) throws -> Core,
                                        rng: inout SplitMix64) throws -> LanguageModel<MambaMixer<Core>> {
    let mixers = try (0..<s.layers).map { _ in
        try MambaMixer(modelWidth: s.width, core: try core(&rng), convolution: kind.block, gated: kind.block, rng: &rng)
    }
    return try LanguageModel(vocabulary: s.task.vocabularySize, width: s.width, mixers: mixers, rng: &rng)
}

func s6Core(_ width: Int, _ stateSize: Int) -> @Sendable (inout SplitMix64) throws -> S6Core {
    { rng in try S6Core("mixer", width: 2 * width, stateSize: stateSize, dtRank: (width + 15) / 16, rng: &rng) }
}

/// S4D with its convolutions as direct sums: at L = 64 they are faster than FFTs (`S4DCore.Route`).
func s4dCore(_ width: Int, _ stateSize: Int) -> @Sendable (inout SplitMix64) throws -> S4DCore {
    { rng in
        var core = try S4DCore("mixer", width: 2 * width, stateSize: stateSize, rng: &rng)
        core.convolution = .direct
        return core
    }
}

/// The recipe: AdamW (β = 0.9, 0.95, the library's defaults; weight decay 0.1 except the groups
/// `.noDecay` and `.ssm`), warm-up then cosine decay to 10%, gradient clipping at norm 1.
func recipe(steps: Int, warmup: Int, learningRate: Double) throws -> TrainingRecipe {
    try TrainingRecipe(steps: steps, warmupSteps: min(warmup, steps),
                       optimizer: try AdamW.Configuration(learningRate: learningRate, ssmLearningRate: learningRate, weightDecay: 0.1))
}

/// Trains `model` (a `kind` model) for `s.steps(kind)` steps on fresh selective-copying batches
/// (data seeded by `seed`).
func trainCopying<M: SequenceMixer>(_ model: inout LanguageModel<M>, _ kind: MixerKind, _ s: CopyingSetting, seed: UInt64,
                                     progress: TrainingProgress) throws -> TrainingHistory {
    var data = SplitMix64(seed: seed)
    let steps = s.steps(kind)
    return try train(&model, recipe: try recipe(steps: steps, warmup: s.warmup, learningRate: s.learningRate), nextBatch: { _ in
        let b = try s.task.batch(s.batch, rng: &data)
        return TrainingBatch(tokens: b.tokens, targets: b.targets, weights: b.mask, length: s.task.length)
    }, progress: { progress.report(kind.label, step: $0, of: steps, $1) })
}

/// Accuracy at each of the k queries on `count` fresh sequences (B = 100 per forward pass).
func copyingAccuracy<M: SequenceMixer>(_ model: LanguageModel<M>, _ task: SelectiveCopyingTask, count: Int, seed: UInt64) throws -> [Double] {
    var rng = SplitMix64(seed: seed)
    var sum = [Double](repeating: 0, count: task.dataCount), seen = 0
    while seen < count {
        let b = try task.batch(min(100, count - seen), rng: &rng)
        let perQuery = try queryAccuracy(try model.forward(b.tokens, length: task.length).logits, batch: b)
        for j in sum.indices { sum[j] += perQuery[j] * Double(b.size) }
        seen += b.size
    }
    return sum.map { $0 / Double(count) }
}

/// Induction-heads accuracy at `length` in step mode: one token of every sequence at a time,
/// the model's state carried from token to token, the sequences never stored (only the last
/// position is scored). Returns the accuracy and the bytes of state held at the end.
func stepModeInductionAccuracy<M: SequenceMixer>(_ model: LanguageModel<M>, _ task: InductionHeadsTask, length: Int, count: Int,
                                                  seed: UInt64, stateBytes: (LanguageModel<M>.State) -> Int) throws -> (accuracy: Double, bytes: Int) {
    var rng = SplitMix64(seed: seed)
    let sequences = try task.sequences(length: length, count: count, rng: &rng)
    var state = model.initialState(batch: count)
    var logits = Matrix(zeros: count, task.vocabularySize)            // (B, V + 1)
    for t in 0..<length { logits = try model.step(sequences.tokens(at: t), state: &state) }
    return (try inductionAccuracy(lastLogits: logits, sequences: sequences), stateBytes(state))
}

/// Trains `model` on induction heads at the training length (loss on the last position only).
func trainInduction<M: SequenceMixer>(_ model: inout LanguageModel<M>, _ label: String, _ s: InductionSetting, seed: UInt64,
                                       progress: TrainingProgress) throws -> TrainingHistory {
    var data = SplitMix64(seed: seed)
    return try train(&model, recipe: try recipe(steps: s.steps, warmup: s.warmup, learningRate: s.learningRate), nextBatch: { _ in
        let b = try s.task.batch(length: s.trainingLength, size: s.batch, rng: &data)
        return TrainingBatch(tokens: b.tokens, targets: b.targets, weights: b.mask, length: s.trainingLength)
    }, progress: { progress.report(label, step: $0, of: s.steps, $1) })
}

/// Number of trainable scalars.
func parameterCount<T: Trainable>(_ model: T) -> Int {
    var m = model, total = 0
    m.forEachParameter { total += $0.value.elements.count }
    return total
}

/// Loads `model` from `directory/name.weights` when `load` is set, else trains it with `body`
/// (and saves it when `save` is set). Returns the history (nil when loaded).
func trainedOrLoaded<T: Trainable>(_ model: inout T, name: String, load: String?, save: String?,
                                   _ body: (inout T) throws -> TrainingHistory) throws -> TrainingHistory? {
    if let load {
        try WeightsFile.load(&model, from: URL(fileURLWithPath: load).appendingPathComponent("\(name).weights"))
        return nil
    }
    let history = try body(&model)
    if let save {
        try FileManager.default.createDirectory(atPath: save, withIntermediateDirectories: true)
        try WeightsFile.save(model, to: URL(fileURLWithPath: save).appendingPathComponent("\(name).weights"))
    }
    return history
}

/// Creates `--save`'s directory and writes a probe file into it now, so that a directory that
/// cannot hold the weights stops the chapter before minutes of training, not after.
/// - Throws: `invalidParameter` naming --save, the path and the system's reason.
func requireWritableDirectory(_ path: String?) throws {
    guard let path else { return }
    let probe = URL(fileURLWithPath: path).appendingPathComponent(".chapter08-write-test")
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Data().write(to: probe)
        try FileManager.default.removeItem(at: probe)
    } catch {
        throw StateSpaceError.invalidParameter(name: "--save", value: path,
                                               allowed: "must be a directory this user can create and write to (\(whyNotWritable(path)))")
    }
}

/// The first existing ancestor of `path` that stops it being a writable directory, in words.
func whyNotWritable(_ path: String) -> String {
    var url = URL(fileURLWithPath: path).standardizedFileURL
    var isDirectory: ObjCBool = false
    while !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), url.path != "/" { url.deleteLastPathComponent() }
    if !isDirectory.boolValue { return "\(url.path) is a file, not a directory" }
    return FileManager.default.isWritableFile(atPath: url.path) ? "it could not be created" : "\(url.path) is not writable by this user"
}
