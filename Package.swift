// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Swarm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "swarmd", targets: ["swarmd"]),
        .executable(name: "swarm", targets: ["swarm"]),
        .executable(name: "swarm-load", targets: ["swarm-load"]),
        .executable(name: "brief-bench", targets: ["brief-bench"]),
        .executable(name: "kb-bench", targets: ["kb-bench"]),
        .executable(name: "tui-bench", targets: ["tui-bench"]),
        .executable(name: "triage-bench", targets: ["triage-bench"]),
        .executable(name: "dupes-bench", targets: ["dupes-bench"]),
        .executable(name: "report-bench", targets: ["report-bench"]),
        .executable(name: "micro-bench", targets: ["micro-bench"]),
        .executable(name: "write-floor", targets: ["write-floor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // micro-bench only. Its default traits would add ordo-one/swift-runtime-interposer on Linux
        // with Swift 6.3 (ARC counts), which the package mirror lacks: the malloc counts are enough.
        // Without it, ask for no ARC metrics on Swift 6.3 (the native hooks crash: ordo-one/benchmark#349).
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(name: "SwarmProtocol", swiftSettings: strict),
        .target(
            name: "SwarmCore",
            dependencies: ["SwarmProtocol"],
            swiftSettings: strict
        ),
        .target(
            name: "SwarmStore",
            dependencies: [
                "SwarmCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SwarmServer",
            dependencies: [
                "SwarmCore", "SwarmStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                // WebSocket sessions run as NIO channel handlers (SessionHandler), not in Hummingbird's WebSocket tasks.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SwarmClient",
            dependencies: [
                "SwarmProtocol",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SwarmTUI",
            dependencies: ["SwarmClient", "SwarmProtocol"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "swarmd",
            dependencies: [
                "SwarmServer", "SwarmStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "swarm",
            dependencies: [
                "SwarmClient", "SwarmTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "swarm-load",
            dependencies: [
                "SwarmClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/swarm-load",
            swiftSettings: strict
        ),
        .target(
            name: "BenchSupport",
            dependencies: ["SwarmServer", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/BenchSupport",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "micro-bench",
            dependencies: [
                "BenchSupport", "SwarmServer", "SwarmStore", "SwarmProtocol",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/micro-bench",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(name: "write-floor", path: "Benchmarks/write-floor", swiftSettings: strict),
        .executableTarget(
            name: "brief-bench",
            dependencies: [
                "BenchSupport", "SwarmServer", "SwarmStore", "SwarmClient", "SwarmProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/brief-bench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "kb-bench",
            dependencies: [
                "BenchSupport", "SwarmServer", "SwarmStore", "SwarmClient", "SwarmProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/kb-bench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "dupes-bench",
            dependencies: [
                "SwarmStore", "SwarmCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/dupes-bench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tui-bench",
            dependencies: [
                "BenchSupport", "SwarmServer", "SwarmStore", "SwarmClient", "SwarmProtocol", "SwarmTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/tui-bench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "triage-bench",
            dependencies: [
                "BenchSupport", "SwarmServer", "SwarmStore", "SwarmClient", "SwarmProtocol", "SwarmCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/triage-bench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "report-bench",
            dependencies: [
                "BenchSupport", "SwarmStore", "SwarmProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/report-bench",
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwarmCoreTests",
            dependencies: ["SwarmCore", "SwarmStore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwarmTUITests",
            dependencies: ["SwarmTUI", "SwarmProtocol"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwarmServerTests",
            dependencies: ["SwarmServer", "SwarmStore", "SwarmClient", "SwarmTUI", "swarmd", "swarm-load", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio")],
            resources: [],
            swiftSettings: strict
        ),
    ]
)
