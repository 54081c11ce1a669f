import Runtime

var registry = FunctionRegistry()
registry.register("hello", Hello())
registry.register("echo", Echo())
registry.register("greet", Greet())
await registry.run()
