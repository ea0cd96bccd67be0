/// Escapes the `*` and `_` that GitHub-flavoured Markdown reads as literal characters but Ink
/// (which pairs any two markers) would turn into emphasis: `P_n`, `ω_k`, `x_{k+1}`, `a * b`.
///
/// A run of markers is kept when CommonMark's flanking rules let it open or close emphasis and
/// it finds a partner of the same character and length; every other run is escaped (`\_`).
/// Code spans, link destinations, HTML tags, backslash escapes and list bullets are left alone.
enum EmphasisDelimiters {
    /// `block` (a paragraph, list or heading: lines without blank lines between) with its
    /// unpaired markers escaped.
    /// - Complexity: O(n) in the length of the block, plus O(k²) in the number of marker runs
    ///   in the worst case of the pairing.
    static func escaped(_ block: String) -> String {
        let text = Array(block)
        let protected = protectedMask(text)
        let runs = markerRuns(text, protected: protected)
        let escapedIndices = Set(unpairedRuns(runs).flatMap(\.range))
        var out = ""
        for (i, c) in text.enumerated() {
            if escapedIndices.contains(i) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    struct Run {
        var range: Range<Int>
        var marker: Character
        var canOpen: Bool
        var canClose: Bool
    }

    /// The runs of `*` or `_` outside protected characters, with what each may do.
    static func markerRuns(_ text: [Character], protected: [Bool]) -> [Run] {
        var runs: [Run] = [], i = 0
        while i < text.count {
            guard (text[i] == "*" || text[i] == "_") && !protected[i] else { i += 1; continue }
            var end = i + 1
            while end < text.count, text[end] == text[i], !protected[end] { end += 1 }
            runs.append(classify(i..<end, in: text))
            i = end
        }
        return runs
    }

    /// CommonMark's left- and right-flanking rules, with the stricter ones for `_`.
    static func classify(_ range: Range<Int>, in text: [Character]) -> Run {
        let before = range.lowerBound > 0 ? text[range.lowerBound - 1] : " "
        let after = range.upperBound < text.count ? text[range.upperBound] : " "
        let (prevSpace, nextSpace) = (before.isWhitespace, after.isWhitespace)
        let (prevPunct, nextPunct) = (isPunctuation(before), isPunctuation(after))
        let left = !nextSpace && (!nextPunct || prevSpace || prevPunct)
        let right = !prevSpace && (!prevPunct || nextSpace || nextPunct)
        let marker = text[range.lowerBound]
        if marker == "*" { return Run(range: range, marker: marker, canOpen: left, canClose: right) }
        return Run(range: range, marker: marker,
                   canOpen: left && (!right || prevPunct), canClose: right && (!left || nextPunct))
    }

    static func isPunctuation(_ c: Character) -> Bool { c.isPunctuation || c.isSymbol }

    /// The runs left without a partner: each closer pairs with the nearest open run of the same
    /// marker and length; runs opened after that partner stay unpaired.
    static func unpairedRuns(_ runs: [Run]) -> [Run] {
        var open: [Int] = [], paired = Set<Int>()
        for (index, run) in runs.enumerated() {
            let partner = open.lastIndex { runs[$0].marker == run.marker && runs[$0].range.count == run.range.count }
            if run.canClose, let match = partner {
                paired.formUnion([open[match], index])
                open.removeSubrange(match...)
            } else if run.canOpen {
                open.append(index)
            }
        }
        return runs.indices.filter { !paired.contains($0) }.map { runs[$0] }
    }

    /// True for characters that are not prose: inside `code spans`, link destinations `](…)`,
    /// HTML tags, after a backslash, and a list bullet at the start of a line.
    static func protectedMask(_ text: [Character]) -> [Bool] {
        var mask = Array(repeating: false, count: text.count), i = 0
        while i < text.count {
            let end = protectedSpanEnd(text, at: i)
            if end > i { for j in i..<end { mask[j] = true }; i = end } else { i += 1 }
        }
        return mask
    }

    /// The end of the protected span starting at `i`, or `i` when none starts there.
    static func protectedSpanEnd(_ text: [Character], at i: Int) -> Int {
        switch text[i] {
        case "\\": return min(i + 2, text.count)
        case "`": return codeSpanEnd(text, at: i)
        case "]" where i + 1 < text.count && text[i + 1] == "(":
            return (text[(i + 2)...].firstIndex(of: ")") ?? i) + 1
        case "<" where i + 1 < text.count && (text[i + 1].isLetter || text[i + 1] == "/"):
            return (text[i...].firstIndex(of: ">") ?? i - 1) + 1
        case _ where i == 0 || text[i - 1] == "\n": return bulletEnd(text, lineStart: i)
        default: return i
        }
    }

    /// After the `*` bullet (`* item`, possibly indented) of the line starting at `lineStart`,
    /// or `lineStart` when the line has none.
    static func bulletEnd(_ text: [Character], lineStart: Int) -> Int {
        let bullet = text[lineStart...].firstIndex { $0 != " " } ?? lineStart
        let isBullet = text[bullet] == "*" && bullet + 1 < text.count && text[bullet + 1] == " "
        return isBullet ? bullet + 1 : lineStart
    }

    /// The end of a code span opened by the backtick run at `i` (closed by a run of the same
    /// length), or the end of the opening run when it is never closed.
    static func codeSpanEnd(_ text: [Character], at i: Int) -> Int {
        let length = text[i...].prefix { $0 == "`" }.count
        var j = i + length
        while j < text.count {
            guard text[j] == "`" else { j += 1; continue }
            let run = text[j...].prefix { $0 == "`" }.count
            if run == length { return j + run }
            j += run
        }
        return i + length
    }
}
