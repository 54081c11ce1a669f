import Foundation
import HTTPTypes

extension Dispatcher {
    /// Records a request the route's authorizer refused: status `unauthorized`, the HTTP status and the reason, no
    /// worker and no duration. It is counted by function and reason in `faas_auth_failures`.
    func recordDenial(_ denial: AuthDenial, function: String, id: String, trigger: InvocationRecord.Trigger) {
        let now = Date()
        metrics.authFailed(function: function, reason: denial.reason)
        record(
            InvocationRecord(
                id: id,
                function: function,
                trigger: trigger,
                startedAt: now,
                endedAt: now,
                durationMs: 0,
                waitMs: 0,
                cold: false,
                status: .unauthorized,
                httpStatus: Int(denial.status.code),
                errorType: denial.errorType,
                errorMessage: denial.message,
                requestBytes: 0,
                responseBytes: 0
            )
        )
    }
}
