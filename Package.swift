// swift-tools-version:6.1
import PackageDescription

// CRC32C uses the SSE 4.2 `crc32` instruction on x86-64 (checked at run time); the intrinsics' header only
// compiles with the feature enabled for the C importer.
#if arch(x86_64)
    let coreSwiftSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-msse4.2"])]
#else
    let coreSwiftSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "tokenboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tokenboard", targets: ["tokenboard"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .systemLibrary(
            name: "CNghttp2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        // A cache-line prefetch hint (a header only) for the shard store's apply path.
        .systemLibrary(name: "CPrefetch"),
        // Whether the CPU has SSE 4.2 (a header only), for CRC-32C's instruction.
        .systemLibrary(name: "CCPUFeatures"),
        // fallocate(2)'s hole punching, for the shard store's spill file.
        .systemLibrary(name: "CFileSpace"),
        // malloc_trim(3), for a worker giving its batch buffers back when ingest pauses.
        .systemLibrary(name: "CMalloc"),
        .target(name: "LZ4", dependencies: ["CLZ4"]),
        .target(name: "NGHTTP2", dependencies: ["CNghttp2"]),
        .target(
            name: "TokenBoardHTTP",
            dependencies: [
                "NGHTTP2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TokenBoardGateway",
            dependencies: [
                "TokenBoardHTTP", "TokenBoardCore", "TokenBoardWire", "TokenBoardClient", "TokenBoardWorkload",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "TokenBoardCore",
            dependencies: ["CPrefetch", "CCPUFeatures", "CFileSpace"],
            swiftSettings: coreSwiftSettings
        ),
        .target(
            name: "TokenBoardWire",
            dependencies: [
                "TokenBoardCore", "LZ4",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TokenBoardWorkload",
            dependencies: ["TokenBoardCore", "LZ4"]
        ),
        .target(
            name: "TokenBoardClient",
            dependencies: [
                "TokenBoardCore", "TokenBoardWire", "TokenBoardWorkload",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "TokenBoardNode",
            dependencies: [
                "TokenBoardCore", "TokenBoardWire", "TokenBoardClient", "TokenBoardHTTP", "TokenBoardGateway",
                "CMalloc",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TokenBoardBench",
            dependencies: [
                "TokenBoardCore", "TokenBoardWire", "TokenBoardClient", "TokenBoardWorkload", "TokenBoardNode",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "tokenboard",
            dependencies: [
                "TokenBoardCore", "TokenBoardWire", "TokenBoardClient", "TokenBoardNode", "TokenBoardWorkload",
                "TokenBoardBench", "TokenBoardHTTP", "TokenBoardGateway",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Random-input tests draw from the workload's SplitMix64.
        .testTarget(name: "TokenBoardCoreTests", dependencies: ["TokenBoardCore", "TokenBoardWorkload"]),
        .testTarget(
            name: "TokenBoardWireTests",
            dependencies: [
                "TokenBoardWire", "TokenBoardCore", "TokenBoardWorkload", "LZ4",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TokenBoardNodeTests",
            dependencies: [
                "TokenBoardNode", "TokenBoardCore", "TokenBoardWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TokenBoardWorkloadTests",
            dependencies: ["TokenBoardWorkload", "TokenBoardCore"],
            // Hand-written logs the tests read through #filePath.
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TokenBoardClientTests",
            dependencies: ["TokenBoardClient", "TokenBoardWorkload", "TokenBoardWire", "TokenBoardCore"]
        ),
        .testTarget(
            name: "TokenBoardHTTPTests",
            dependencies: [
                "TokenBoardHTTP", "NGHTTP2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TokenBoardGatewayTests",
            dependencies: [
                "TokenBoardGateway", "TokenBoardHTTP", "TokenBoardClient", "TokenBoardCore", "TokenBoardWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "TokenBoardCore", "TokenBoardClient", "TokenBoardWorkload", "TokenBoardWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
