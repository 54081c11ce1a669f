import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// A worker of the Lambda Runtime API in a few lines: every invocation is answered with `greeting` (Greeting.swift),
// the text the tests edit, and the manifest's `LABEL` variable after it when there is one. `--list` names its one
// handler, as the invoker asks.
if CommandLine.arguments.dropFirst().first == "--list" {
    print("greet")
    exit(0)
}
let api = ProcessInfo.processInfo.environment["AWS_LAMBDA_RUNTIME_API"] ?? "127.0.0.1:9001"
let invocations = "http://\(api)/2018-06-01/runtime/invocation/"
let answer = ([greeting] + (ProcessInfo.processInfo.environment["LABEL"].map { [$0] } ?? [])).joined(separator: " ")
while true {
    let (_, next) = try await URLSession.shared.data(from: URL(string: invocations + "next")!)
    guard let id = (next as? HTTPURLResponse)?.value(forHTTPHeaderField: "Lambda-Runtime-Aws-Request-Id") else {
        continue
    }
    var response = URLRequest(url: URL(string: invocations + id + "/response")!)
    response.httpMethod = "POST"
    response.httpBody = Data("{\"statusCode\":200,\"body\":\"\(answer)\"}".utf8)
    _ = try await URLSession.shared.data(for: response)
}
