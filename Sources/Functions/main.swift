import Runtime

var registry = FunctionRegistry()
registry.register("hello", Hello())
registry.register("echo", Echo())
registry.register("greet", Greet())
registry.register("heartbeat", Heartbeat())
registry.register("wordcount", WordCount())
registry.register("wait", Wait())
await registry.run()
