/// A fenced code block that its content cannot break: the fence is one backtick longer than
/// the longest run of backticks in the content, and never shorter than three.
///
///     CodeFence.block("let s = \"```\"", language: "swift")
///     // ````swift
///     // let s = "```"
///     // ````
public enum CodeFence {
    /// The block: fence + language, the content, fence.
    /// - Complexity: O(n) in the length of `content`.
    public static func block(_ content: String, language: String = "") -> String {
        let fence = self.fence(for: content)
        return "\(fence)\(language)\n\(content)\n\(fence)"
    }

    /// The shortest fence longer than every backtick run in `content` (at least ```).
    /// - Complexity: O(n) in the length of `content`.
    public static func fence(for content: String) -> String {
        String(repeating: "`", count: max(3, longestBacktickRun(in: content) + 1))
    }

    /// The length of the longest run of consecutive backticks in `text`.
    static func longestBacktickRun(in text: String) -> Int {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    /// The length of the fence opening a block on `line` (3 or more backticks at column 0), or nil.
    static func openingLength(_ line: String) -> Int? {
        let run = line.prefix { $0 == "`" }.count
        return run >= 3 ? run : nil
    }
}
