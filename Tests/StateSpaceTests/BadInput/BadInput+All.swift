/// Every row of the catalogue. Each library area adds its own list in its own file.
extension BadInput {
    static var all: [BadInput] {
        numerics + hippoLTI + models + tasks + attention
    }
}
