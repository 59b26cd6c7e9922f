import Foundation
import Synchronization

/// swift-benchmark times synchronous closures; the store's calls are async. This runs one on the
/// cooperative pool and blocks the benchmark's thread until it is done (never on the pool itself,
/// so it cannot starve it). Benchmark tool only.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> T {
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<Result<T, any Error>?>(nil)
    Task {
        let r: Result<T, any Error>
        do { r = .success(try await body()) } catch { r = .failure(error) }
        result.withLock { $0 = r }
        done.signal()
    }
    done.wait()
    switch result.withLock({ $0 })! {
    case .success(let value): return value
    case .failure(let error): fatalError("benchmark step failed: \(error)")
    }
}

/// Keeps the optimizer from dropping a benchmark's result (swift-benchmark has no such helper).
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
