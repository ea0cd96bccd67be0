/// Wrong ingredients on demand: how a reader (and the test suite) sees that a chapter's checks can
/// fail. `swift run Chapter03 --inject no-woodbury` runs the chapter with the named ingredient
/// replaced by a known-wrong one; the checks that depend on it must fail, by a wide margin.
extension Notebook {
    /// Whether this run replaces the ingredient `name` by its wrong version (`--inject name`).
    /// Every call registers the ingredient, so a run can list what may be injected; call it on
    /// every run (not inside a branch), with a name that is unique in the chapter.
    ///
    ///     let bBar = book.injects("euler-b", "Euler's ΔB in place of the ZOH B̄") ? eulerB : zohB
    ///
    /// - Parameters:
    ///   - name: what follows `--inject` (lowercase, dashes).
    ///   - description: the wrong ingredient in words, printed when it is injected.
    public func injects(_ name: String, _ description: String) -> Bool {
        if !ingredients.contains(where: { $0.name == name }) {
            ingredients.append((name, description))
            if options.inject == name { emit("  ⚠ injected wrong ingredient '\(name)': \(description)") }
        }
        return options.inject == name
    }

    /// The chapter's ingredients that `--inject` can replace, in the order the run met them.
    public var injectableIngredients: [(name: String, description: String)] { ingredients }

    /// Nil, or the error for an `--inject` name that no cell used (a typo), listing the names.
    func unknownInjection() -> String? {
        guard let name = options.inject, !options.listsIngredients, !ingredients.contains(where: { $0.name == name }) else {
            return nil
        }
        return "--inject: \(chapter) has no ingredient named '\(name)'. " + ingredientList
    }

    /// "Chapter03's wrong ingredients (--inject <name>):" and one line per ingredient.
    var ingredientList: String {
        guard !ingredients.isEmpty else { return "\(chapter) has no wrong ingredients to inject." }
        return "\(chapter)'s wrong ingredients (--inject <name>):\n"
            + ingredients.map { "  \($0.name): \($0.description)" }.joined(separator: "\n")
    }
}
