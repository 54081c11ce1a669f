import Runtime

var registry = FunctionRegistry()
registry.register("hello", Hello())
registry.register("echo", Echo())
registry.register("greet", Greet())
registry.register("heartbeat", Heartbeat())
registry.register("stream", Lines())
registry.register("wait", Wait())
registry.register("wordcount", WordCount())
await registry.run()
