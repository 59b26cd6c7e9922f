import Foundation
import Hummingbird
import SwarmProtocol

/// Plain HTTP beside the WebSocket: health, readiness, Prometheus metrics, and the bot endpoints
/// (BotRoutes).
enum HTTPRoutes {
    static func router(_ core: ServerCore) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, _ -> Response in
            guard core.ready.load(ordering: .relaxed) else {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "starting or stopping\n")))
            }
            do {
                _ = try await core.store.head()
            } catch {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
            // Reads may work on a full disk; ready means writes do too (probed while they fail).
            guard await core.store.checkWritable() else {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "database not writable (disk full or I/O error)\n")))
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            await ReportMetrics.refresh(store: core.store)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.registry.emitToBuffer())))
        }
        BotRoutes.add(to: router, core: core)
        return router
    }
}
