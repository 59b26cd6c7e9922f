import NIOCore
import Synchronization

/// One value per event loop, made on first use and kept for the process's life (the loops are
/// few and live as long): each loop's drains (`LoopDrains`) and task executor
/// (`EventLoopTaskExecutor`).
final class PerEventLoop<Value: Sendable>: Sendable {
    private let values = Mutex<[ObjectIdentifier: Value]>([:])
    private let make: @Sendable (any EventLoop) -> Value

    init(_ make: @escaping @Sendable (any EventLoop) -> Value) {
        self.make = make
    }

    func callAsFunction(_ loop: any EventLoop) -> Value {
        values.withLock { all in
            if let value = all[ObjectIdentifier(loop)] { return value }
            let value = make(loop)
            all[ObjectIdentifier(loop)] = value
            return value
        }
    }
}
