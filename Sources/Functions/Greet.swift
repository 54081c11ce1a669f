import Runtime

/// Greets in JSON: `{"name":"Ada"}` gives `{"greeting":"Hello, Ada!"}`, over HTTP or a direct invoke.
struct Greet: Handler {
    struct Person: Decodable {
        var name: String
    }

    struct Greeting: Encodable {
        var greeting: String
    }

    func handle(_ person: Person, context: Context) async throws -> Greeting {
        Greeting(greeting: "Hello, \(person.name)!")
    }
}
