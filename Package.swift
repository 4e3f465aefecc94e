// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "heraldd", targets: ["heraldd"]),
        .executable(name: "herald", targets: ["herald"]),
        .library(name: "HeraldClient", targets: ["HeraldClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // System libraries and C shims.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "CHeraldSystem"),
        .target(
            name: "HeraldProtoC",
            cSettings: [.headerSearchPath("include")],
            linkerSettings: [.linkedLibrary("protobuf-c")]
        ),

        // Pure domain: no IO.
        .target(name: "HeraldCore"),

        // Wire format: framing, envelopes, protobuf-c conversion.
        .target(
            name: "HeraldWire",
            dependencies: [
                "HeraldProtoC", "HeraldCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // The storage contract every log keeps, and a log in memory for tests.
        .target(name: "HeraldStore", dependencies: ["HeraldCore", "HeraldWire"]),

        // The event log and its views in one SQLite file: the only module that sees SQLite.
        .target(
            name: "HeraldSQLite",
            dependencies: [
                "CSQLite", "HeraldCore", "HeraldStore", "HeraldWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        // Every command and query, over domain types: what the RPC server and other front doors call.
        .target(
            name: "HeraldApp",
            dependencies: [
                "HeraldCore", "HeraldStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Sending: the reactor that follows the log, and the SSRF-safe HTTPS sender.
        .target(
            name: "HeraldDelivery",
            dependencies: [
                "HeraldCore", "HeraldStore", "HeraldApp",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),

        .target(
            name: "HeraldServer",
            dependencies: [
                "HeraldCore", "HeraldWire", "HeraldStore", "HeraldSQLite", "HeraldApp", "HeraldDelivery", "CHeraldSystem",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "HeraldClient",
            dependencies: [
                "HeraldWire", "HeraldCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        .executableTarget(
            name: "heraldd",
            dependencies: [
                "HeraldServer", "HeraldApp", "HeraldCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "herald",
            dependencies: [
                "HeraldClient", "HeraldSQLite", "HeraldCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "herald-bench",
            dependencies: [
                "HeraldClient", "HeraldCore", "HeraldStore", "HeraldSQLite", "HeraldWire", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "tools/bench",
            exclude: ["run"]
        ),

        // Fuzzing: the targets libFuzzer feeds (tools/fuzz), and a driver that, built without
        // libFuzzer, replays inputs through them.
        .target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"),
        .target(
            name: "HeraldFuzzing",
            dependencies: [
                "HeraldCore", "HeraldWire", "HeraldApp",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Fuzz/Targets"
        ),
        .executableTarget(name: "herald-fuzz", dependencies: ["HeraldFuzzing", "CFuzzDriver"], path: "Fuzz/Driver"),

        .testTarget(name: "HeraldCoreTests", dependencies: ["HeraldCore"], exclude: ["Formatting/Golden"]),
        .testTarget(
            name: "HeraldWireTests",
            dependencies: [
                "HeraldWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "HeraldStoreTests", dependencies: ["HeraldStore", "HeraldSQLite", "HeraldCore", "HeraldWire", "TestSupport"]),
        .testTarget(name: "HeraldSQLiteTests", dependencies: ["HeraldSQLite", "HeraldStore", "HeraldCore", "HeraldWire", "TestSupport"]),
        .testTarget(
            name: "HeraldServerTests",
            dependencies: [
                "HeraldServer", "HeraldClient", "HeraldWire", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "HeraldAppTests", dependencies: ["HeraldApp", "HeraldStore", "HeraldSQLite", "HeraldCore", "HeraldWire", "TestSupport"]),
        .testTarget(
            name: "HeraldDeliveryTests",
            dependencies: [
                "HeraldDelivery", "HeraldApp", "HeraldStore", "HeraldSQLite", "HeraldCore", "HeraldWire", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "HeraldFuzzingTests", dependencies: ["HeraldFuzzing"]),
        .testTarget(name: "EndToEndTests", dependencies: ["HeraldClient", "HeraldCore", "HeraldWire", "TestSupport"]),
        // A real HTTPS receiver with its own CA, shared by the delivery and end-to-end tests.
        .target(
            name: "TestSupport",
            dependencies: [
                "HeraldWire", "HeraldCore", "HeraldStore", "HeraldSQLite",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/TestSupport"
        ),
    ]
)
