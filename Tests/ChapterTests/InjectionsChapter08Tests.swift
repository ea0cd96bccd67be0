import Foundation
import Testing

/// Chapter08's wrong ingredients (run in its --quick setting): each must fail a check by ≥ 10×.
@Suite("Chapter08: every wrong ingredient is caught")
struct InjectionsChapter08Tests {
    @Test("caught by ≥ 10×", arguments: [
        "spacing-regular",     // data at fixed positions: the spread of the j-th data token's position is 0
        "weights-not-loaded",  // a fresh model in place of the reloaded one: its logits differ
    ])
    func caught(_ name: String) throws {
        try expectCaught(Ingredient("Chapter08", name))
    }
}

/// Chapter08's own flags: clear errors for bad values, before any training.
@Suite("Chapter08: flags")
struct Chapter08FlagTests {
    @Test("bad --steps, --save with --load, an empty directory: exit 64 with a message naming the flag", arguments: [
        (["--steps", "0"], "--steps"),
        (["--induction-steps", "-3"], "--induction-steps"),
        (["--save", "/tmp/a", "--load", "/tmp/b"], "--load"),
        (["--load", ""], "--load"),
    ])
    func refused(_ arguments: [String], _ flag: String) throws {
        let run = try runChapter("Chapter08", arguments)
        #expect(run.status == 64, "status \(run.status)")
        #expect(run.stderr.contains(flag), "stderr: \(run.stderr)")
    }

    @Test("--load from a directory without weights: a clear error naming the file, exit 2")
    func missingWeights() throws {
        let dir = scratchDirectory()
        let run = try runChapter("Chapter08", ["--quick", "--no-plot", "--load", dir.path])
        #expect(run.status == 2, "status \(run.status)")
        #expect(run.stderr.contains("quick-copying-mamba-s6.weights") || run.stderr.contains("quick-copying-s6.weights"), "stderr: \(run.stderr)")
    }

    @Test("--save into a path that cannot be a directory: a clear error before any training, exit 2")
    func unwritableSave() throws {
        let file = scratchDirectory().appendingPathComponent("a-file")
        try Data().write(to: file)
        let run = try runChapter("Chapter08", ["--quick", "--no-plot", "--save", file.path + "/weights"])
        #expect(run.status == 2, "status \(run.status)")
        #expect(run.stderr.contains("--save") && run.stderr.contains("directory") && !run.stdout.contains("learns selective copying"), "stderr: \(run.stderr)")
    }

    @Test("--save then --load: the loaded models give the same test accuracies without training")
    func saveThenLoad() throws {
        let dir = scratchDirectory().appendingPathComponent("weights").path
        let saved = try runChapter("Chapter08", ["--quick", "--no-plot", "--steps", "30", "--save", dir])
        let loaded = try runChapter("Chapter08", ["--quick", "--no-plot", "--load", dir])
        #expect(saved.status == 1 && loaded.status == 1)             // 30 steps do not learn: the learning check fails
        func table(_ run: Run) -> [String] {                          // each row's percentages: the paper's, then ours
            run.stdout.split(separator: "\n").filter { $0.hasPrefix("Mamba block") }
                .map { $0.split(separator: " ").filter { $0.hasSuffix("%") }.joined(separator: " ") }
        }
        #expect(!table(saved).isEmpty && table(saved) == table(loaded), "saved \(table(saved)) loaded \(table(loaded))")
        #expect(loaded.stdout.contains("loaded"))
    }
}
