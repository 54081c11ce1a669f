#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The event of a scheduled invocation: EventBridge's Scheduled Event, which a function with `schedules` in the
/// manifest receives at each slot (unless the schedule gives its own `input`, which the function then receives as is).
///
/// ```json
/// {"version":"0","id":"…","detail-type":"Scheduled Event","source":"aws.events","account":"000000000000",
///  "time":"2026-12-03T02:00:00Z","region":"us-east-1",
///  "resources":["arn:aws:scheduler:us-east-1:000000000000:schedule/report/nightly"],"detail":{}}
/// ```
///
/// ```swift
/// struct Report: Handler {
///     func handle(_ event: ScheduledEvent, context: Context) async throws -> String {
///         "report for the slot of \(event.time)"
///     }
/// }
/// ```
public struct ScheduledEvent: Codable, Sendable, Equatable {
    /// The event's `detail`: always the empty object `{}`.
    public struct Detail: Codable, Sendable, Equatable {
        /// The empty detail.
        public init() {}
    }

    /// Always `"0"`.
    public var version: String
    /// The event's id, a UUID; a retry of the same firing carries the same id.
    public var id: String
    /// Always `"Scheduled Event"`.
    public var detailType: String
    /// Always `"aws.events"`.
    public var source: String
    /// The account the invoker reports (`000000000000`).
    public var account: String
    /// The slot this firing is for: when the schedule was due, not when the function ran (to the second).
    public var time: Date
    /// The region the invoker reports.
    public var region: String
    /// The schedule's ARN, `arn:aws:scheduler:<region>:<account>:schedule/<function>/<schedule>`.
    public var resources: [String]
    /// Empty.
    public var detail: Detail

    /// Creates an event; the constant fields get EventBridge's values.
    public init(
        id: String,
        time: Date,
        resources: [String],
        account: String = "000000000000",
        region: String = "us-east-1"
    ) {
        self.version = "0"
        self.id = id
        self.detailType = "Scheduled Event"
        self.source = "aws.events"
        self.account = account
        self.time = time
        self.region = region
        self.resources = resources
        self.detail = Detail()
    }

    enum CodingKeys: String, CodingKey {
        case version, id, source, account, time, region, resources, detail
        case detailType = "detail-type"
    }

    /// Decodes the event; `time` is ISO 8601 (`2026-12-03T02:00:00Z`, fractional seconds allowed).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        id = try container.decode(String.self, forKey: .id)
        detailType = try container.decode(String.self, forKey: .detailType)
        source = try container.decode(String.self, forKey: .source)
        account = try container.decode(String.self, forKey: .account)
        region = try container.decode(String.self, forKey: .region)
        resources = try container.decode([String].self, forKey: .resources)
        detail = try container.decodeIfPresent(Detail.self, forKey: .detail) ?? Detail()
        let text = try container.decode(String.self, forKey: .time)
        guard
            let time = (try? Date.ISO8601FormatStyle().parse(text))
                ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .time,
                in: container,
                debugDescription: "\(text) is not an ISO 8601 time such as 2026-12-03T02:00:00Z"
            )
        }
        self.time = time
    }

    /// Encodes the event as EventBridge writes it, `time` to the second in UTC (`2026-12-03T02:00:00Z`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(id, forKey: .id)
        try container.encode(detailType, forKey: .detailType)
        try container.encode(source, forKey: .source)
        try container.encode(account, forKey: .account)
        try container.encode(time.formatted(Date.ISO8601FormatStyle()), forKey: .time)
        try container.encode(region, forKey: .region)
        try container.encode(resources, forKey: .resources)
        try container.encode(detail, forKey: .detail)
    }
}
