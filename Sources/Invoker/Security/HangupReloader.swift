import ServiceLifecycle
import UnixSignals

/// Reloads what can change while the invoker runs when it gets SIGHUP: today the `--api-keys` file. Every reload
/// runs on each signal, in order; a later "reload the manifest on SIGHUP" adds its own action here.
///
/// The signal is trapped when the reloader is made (in `buildApplication`, before the server listens), so a SIGHUP
/// sent once `invoker serve` has printed its banner never falls on the default action, which would end the process.
struct HangupReloader: Service {
    /// One thing to reload.
    typealias Action = @Sendable () async -> Void

    private let signals: UnixSignalsSequence
    private let actions: [Action]

    /// Traps SIGHUP for `actions`.
    init(actions: [Action]) async {
        self.signals = await UnixSignalsSequence(trapping: .sighup)
        self.actions = actions
    }

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            for action in actions {
                await action()
            }
        }
    }
}
