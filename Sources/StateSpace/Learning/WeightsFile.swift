import Foundation

/// Every parameter of a `Trainable` in one binary file, so a trained model can be evaluated or
/// sampled later without retraining.
///
/// **Format, version 1** (all integers unsigned little-endian; values IEEE-754 Float64
/// little-endian, so a file is exact and portable):
///
///     offset 0   8 bytes   magic "SSMWEIGH"
///            8   UInt32    version = 1
///           12   UInt32    P, the number of parameters
///     then P records, in the model's `forEachParameter` order:
///                UInt32    n, the name's length in bytes;  n bytes UTF-8 name ("layers.0.norm.weight")
///                UInt32    rows;  UInt32 cols
///                rows·cols Float64, row-major
///     last 8 bytes UInt64  FNV-1a (64-bit) hash of every byte before it
///
/// **Loading** checks, in order: the magic, the version, the checksum (any flipped or lost
/// byte), the records' structure, then that the file's parameters are exactly the model's — no
/// missing, extra or duplicated name, every shape equal, every value finite — and only then
/// writes the values (a refused file leaves the model unchanged). Records are matched by name,
/// so a file written by a model with the same parameters visited in another order still loads.
/// Gradients are not stored.
public enum WeightsFile {
    public static let magic = Array("SSMWEIGH".utf8)
    public static let version: UInt32 = 1

    /// Why a weights file was refused.
    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        case notAWeightsFile(found: String)
        case unsupportedVersion(found: UInt32, supported: UInt32)
        case checksumMismatch(stored: UInt64, computed: UInt64)
        case truncated(offset: Int, needed: String)
        case malformed(offset: Int, reason: String)
        case missingParameter(name: String)
        case unexpectedParameter(name: String)
        case duplicateParameter(name: String)
        case shapeMismatch(name: String, expected: String, found: String)
        case nonFiniteValue(name: String, index: Int, value: Double)
        case io(path: String, reason: String)

        public var description: String {
            switch self {
            case let .notAWeightsFile(found): return "not a weights file: the first 8 bytes are \(found), expected \"SSMWEIGH\""
            case let .unsupportedVersion(found, supported): return "weights file version \(found) is not supported: this library reads version \(supported)"
            case let .checksumMismatch(stored, computed):
                return "corrupt weights file: stored checksum \(String(stored, radix: 16)) ≠ computed \(String(computed, radix: 16)) (bytes changed or lost)"
            case let .truncated(offset, needed): return "corrupt weights file: it ends at byte \(offset) where \(needed) should follow"
            case let .malformed(offset, reason): return "corrupt weights file at byte \(offset): \(reason)"
            case let .missingParameter(name): return "the weights file has no parameter \(name), which the model needs"
            case let .unexpectedParameter(name): return "the weights file has a parameter \(name) that the model does not have"
            case let .duplicateParameter(name): return "the weights file holds parameter \(name) twice"
            case let .shapeMismatch(name, expected, found): return "parameter \(name) is \(found) in the weights file but \(expected) in the model"
            case let .nonFiniteValue(name, index, value): return "parameter \(name)[\(index)] = \(value) in the weights file: values must be finite"
            case let .io(path, reason): return "cannot use the weights file \(path): \(reason)"
            }
        }
    }

    /// The file's bytes for `model`'s parameters (values only).
    /// - Complexity: O(number of trainable scalars).
    public static func encode<M: Trainable>(_ model: M) -> [UInt8] {
        var bytes = magic
        append(version, to: &bytes)
        let parameters = model.parameters
        append(UInt32(parameters.count), to: &bytes)
        for p in parameters {
            let name = Array(p.name.utf8)
            append(UInt32(name.count), to: &bytes)
            bytes += name
            append(UInt32(p.value.rows), to: &bytes)
            append(UInt32(p.value.cols), to: &bytes)
            for v in p.value.elements { append(v.bitPattern, to: &bytes) }
        }
        append(fnv1a(bytes[...]), to: &bytes)
        return bytes
    }

    /// Sets `model`'s parameter values from `bytes` (see the type's doc for the checks).
    /// - Throws: `WeightsFile.Failure` naming what is wrong; the model is unchanged then.
    /// - Complexity: O(file size).
    public static func decode<M: Trainable>(_ bytes: [UInt8], into model: inout M) throws {
        let records = try readRecords(bytes)
        var byName: [String: Matrix] = [:]
        for (name, matrix) in records {
            guard byName.updateValue(matrix, forKey: name) == nil else { throw Failure.duplicateParameter(name: name) }
        }
        let expected = model.parameters
        for p in expected {
            guard let m = byName[p.name] else { throw Failure.missingParameter(name: p.name) }
            guard m.rows == p.value.rows, m.cols == p.value.cols else {
                throw Failure.shapeMismatch(name: p.name, expected: "\(p.value.rows)×\(p.value.cols)", found: "\(m.rows)×\(m.cols)")
            }
        }
        let known = Set(expected.map(\.name))
        if let extra = records.first(where: { !known.contains($0.name) }) { throw Failure.unexpectedParameter(name: extra.name) }
        model.forEachParameter { p in p.value = byName[p.name]! }
    }

    /// Writes `model`'s weights to `url` (atomically: a failed write leaves no half file).
    /// - Throws: `Failure.io` with the system's reason (a folder, a missing directory, no permission).
    public static func save<M: Trainable>(_ model: M, to url: URL) throws {
        do {
            try Data(encode(model)).write(to: url, options: .atomic)
        } catch {
            throw Failure.io(path: url.path, reason: "\(error.localizedDescription)")
        }
    }

    /// Reads `url` into `model` (see `decode`).
    /// - Throws: `Failure.io` when the file cannot be read; any other `Failure` of `decode`.
    public static func load<M: Trainable>(_ model: inout M, from url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure.io(path: url.path, reason: "it is a directory")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw Failure.io(path: url.path, reason: "\(error.localizedDescription)") }
        try decode([UInt8](data), into: &model)
    }
}

extension WeightsFile {
    /// The records of a file, after checking magic, version, checksum and structure.
    static func readRecords(_ bytes: [UInt8]) throws -> [(name: String, matrix: Matrix)] {
        var reader = WeightsByteReader(bytes: bytes)
        let head = try reader.take(8, "the 8-byte magic")
        guard Array(head) == magic else { throw Failure.notAWeightsFile(found: head.map { String(format: "%02x", $0) }.joined(separator: " ")) }
        let found = try reader.uint32("the version")
        guard found == version else { throw Failure.unsupportedVersion(found: found, supported: version) }
        guard bytes.count >= 12 + 4 + 8 else { throw Failure.truncated(offset: bytes.count, needed: "the parameter count and checksum") }
        let body = bytes[..<(bytes.count - 8)]
        var tail = WeightsByteReader(bytes: bytes, offset: bytes.count - 8)
        let stored = try tail.uint64("the checksum"), computed = fnv1a(body)
        guard stored == computed else { throw Failure.checksumMismatch(stored: stored, computed: computed) }
        reader.end = bytes.count - 8
        let count = Int(try reader.uint32("the parameter count"))
        var records: [(name: String, matrix: Matrix)] = []
        for _ in 0..<count { records.append(try reader.record()) }
        guard reader.offset == reader.end else {
            throw Failure.malformed(offset: reader.offset, reason: "\(reader.end - reader.offset) bytes follow the last of the \(count) parameters")
        }
        return records
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// FNV-1a, 64-bit: h ← (h ⊕ byte)·1099511628211 from 14695981039346656037.
    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}

/// Reads little-endian fields from a byte array, throwing `truncated` past `end`.
struct WeightsByteReader {
    let bytes: [UInt8]
    var offset = 0
    var end: Int

    init(bytes: [UInt8], offset: Int = 0) { (self.bytes, self.offset, end) = (bytes, offset, bytes.count) }

    mutating func take(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= end - offset else { throw WeightsFile.Failure.truncated(offset: min(end, bytes.count), needed: what) }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func uint32(_ what: String) throws -> UInt32 {
        try take(4, what).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func uint64(_ what: String) throws -> UInt64 {
        try take(8, what).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// One (name, rows, cols, values) record.
    mutating func record() throws -> (name: String, matrix: Matrix) {
        let start = offset
        let length = Int(try uint32("a parameter name's length"))
        guard let name = String(bytes: try take(length, "a parameter name of \(length) bytes"), encoding: .utf8), !name.isEmpty else {
            throw WeightsFile.Failure.malformed(offset: start, reason: "a parameter name is empty or not UTF-8")
        }
        let rows = Int(try uint32("the rows of \(name)")), cols = Int(try uint32("the columns of \(name)"))
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard !overflow, count <= (end - offset) / 8 else {
            throw WeightsFile.Failure.truncated(offset: end, needed: "\(rows)×\(cols) values of \(name)")
        }
        var values = [Double](repeating: 0, count: rows * cols)       // (rows·cols)
        for i in values.indices {
            let v = Double(bitPattern: try uint64("value \(i) of \(name)"))
            guard v.isFinite else { throw WeightsFile.Failure.nonFiniteValue(name: name, index: i, value: v) }
            values[i] = v
        }
        return (name, Matrix(unchecked: rows, cols, values))
    }
}
