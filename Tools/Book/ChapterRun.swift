import Foundation
import Notebook

/// One chapter executable run for the book: its flags, where its output goes, what it left.
struct ChapterRun {
    enum Outcome {
        /// The record it wrote; `status` 1 (a check failed) or 2 (stopped by an error) still renders.
        case recorded(NotebookRecord, status: Int32)
        /// No record to render: it crashed, or exited without writing one.
        case broken(String)
    }

    let chapter: String
    /// The temporary folder for this book run: figures, records, captured output.
    let scratch: URL

    var recordFile: URL { scratch.appendingPathComponent("\(chapter).json") }
    var outputFile: URL { scratch.appendingPathComponent("\(chapter).stdout.txt") }
    var errorFile: URL { scratch.appendingPathComponent("\(chapter).stderr.txt") }
    var plotsDirectory: URL { scratch.appendingPathComponent("plots") }

    /// `--plots-dir <scratch>/plots --record <scratch>/ChapterNN.json --seed S`.
    func arguments(seed: UInt64) -> [String] {
        ["--plots-dir", plotsDirectory.path, "--record", recordFile.path, "--seed", String(seed)]
    }

    /// Runs `<binDirectory>/ChapterNN` from `root`, its stdout and stderr captured in the
    /// scratch folder.
    /// - Complexity: the chapter's own running time.
    func run(binDirectory: URL, root: URL, seed: UInt64) throws -> Outcome {
        let executable = binDirectory.appendingPathComponent(chapter)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            return .broken("no executable at \(executable.path)")
        }
        let (output, errors) = (try Subprocess.createFile(outputFile), try Subprocess.createFile(errorFile))
        defer { try? output.close(); try? errors.close() }
        let end = try Subprocess.run(executable, arguments(seed: seed), in: root, output: output, errors: errors)
        if end.signalled { return .broken("crashed (signal \(end.status)); \(logs)") }
        guard FileManager.default.fileExists(atPath: recordFile.path) else {
            return .broken("exited with status \(end.status) and wrote no record; \(logs)")
        }
        do {
            return .recorded(withBookPaths(try NotebookRecord.read(recordFile)), status: end.status)
        } catch {
            return .broken("wrote a record that cannot be read (\(error)); \(logs)")
        }
    }

    /// The record with the scratch plots folder taken out of what the cells printed: a figure
    /// line then names `ChapterNN/<name>.png`, which is where the book keeps the PNG.
    func withBookPaths(_ record: NotebookRecord) -> NotebookRecord {
        var record = record
        let prefix = plotsDirectory.standardizedFileURL.path + "/"
        for i in record.cells.indices {
            record.cells[i].output = record.cells[i].output.replacingOccurrences(of: prefix, with: "")
        }
        return record
    }

    /// Where to look for what it printed, after the last line of its errors.
    var logs: String {
        let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        let last = errors.split(separator: "\n").last.map { "“\($0)”; " } ?? ""
        return "\(last)its output is in \(outputFile.path) and \(errorFile.path)"
    }
}
