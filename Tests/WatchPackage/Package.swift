// swift-tools-version: 6.0

import PackageDescription

// A package with a `Functions` worker binary and no dependency, which the `serve --watch` tests copy, edit and build
// (it builds in seconds, where one on the `Runtime` library would first build swift-nio).
let package = Package(
    name: "watch-package",
    targets: [.executableTarget(name: "Functions")]
)
