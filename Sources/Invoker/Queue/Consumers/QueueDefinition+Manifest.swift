extension QueueDefinition {
    /// A queue a function of a manifest consumes, with how its consumer makes and retries batches.
    struct Consumed: Sendable {
        /// The queue and its function.
        var definition: QueueDefinition
        /// Its consumer's settings.
        var settings: QueueConsumer.Settings
    }

    /// Every queue the functions of `manifest` consume: each `queue` trigger, and every function's asynchronous
    /// invocations.
    static func consumed(in manifest: Manifest) -> [Consumed] {
        manifest.functions.flatMap { function in
            var queues: [Consumed] = []
            if let trigger = function.queue {
                queues.append(
                    Consumed(
                        definition: QueueDefinition(name: trigger.name, function: function.name, kind: .queue),
                        settings: QueueConsumer.Settings(trigger: trigger, function: function)
                    )
                )
            }
            queues.append(
                Consumed(
                    definition: QueueDefinition(
                        name: QueueDefinition.asyncQueueName(of: function.name),
                        function: function.name,
                        kind: .async
                    ),
                    settings: QueueConsumer.Settings(asyncOf: function)
                )
            )
            return queues
        }
    }
}
