/// Runs `body(0..<count)` with at most `limit` running at once and returns the results in index
/// order (nil where `body` returned nil).
func concurrently<T: Sendable>(
    _ count: Int, limit: Int, _ body: @escaping @Sendable (Int) async -> T?
) async -> [T?] {
    var results = [T?](repeating: nil, count: count)
    await withTaskGroup(of: (Int, T?).self) { group in
        var next = 0
        while next < Swift.min(limit, count) {
            let i = next
            group.addTask { (i, await body(i)) }
            next += 1
        }
        while let (i, value) = await group.next() {
            results[i] = value
            if next < count {
                let j = next
                group.addTask { (j, await body(j)) }
                next += 1
            }
        }
    }
    return results
}
