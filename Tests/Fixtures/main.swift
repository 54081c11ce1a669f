import Runtime

// The worker the invoker's end-to-end tests start: each function exercises one behaviour of the invoker.
var registry = FunctionRegistry()
registry.register("allocate", Allocate())
registry.register("crash", Crash())
registry.register("env", Environment())
registry.register("event", Event())
registry.register("fail", Fail())
registry.register("forkbomb", ForkBomb())
registry.register("hold", Hold())
registry.register("large", Large())
registry.register("metadata", Metadata())
registry.register("print", Print())
registry.register("record", Record())
registry.register("respond", Respond())
registry.register("sleep", Sleep())
registry.register("stream", Streaming())
await registry.run()
