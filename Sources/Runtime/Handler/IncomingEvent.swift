/// A typed handler's event as it arrives: either the event itself, or an HTTP request carrying it in its body.
///
/// Decoding it parses the JSON once: a Function URL payload 2.0 envelope (`"version": "2.0"` with
/// `requestContext.http`) yields its body, anything else is decoded as `Event`.
enum IncomingEvent<Event: Decodable>: Decodable {
    case event(Event)
    case httpRequest(body: String?, isBase64Encoded: Bool)

    private enum EnvelopeKeys: String, CodingKey {
        case version, requestContext, body, isBase64Encoded
    }

    private enum RequestContextKeys: String, CodingKey {
        case http
    }

    init(from decoder: any Decoder) throws {
        if let envelope = try? decoder.container(keyedBy: EnvelopeKeys.self),
            (try? envelope.decode(String.self, forKey: .version)) == "2.0",
            let requestContext = try? envelope.nestedContainer(
                keyedBy: RequestContextKeys.self,
                forKey: .requestContext
            ),
            requestContext.contains(.http)
        {
            self = .httpRequest(
                body: try envelope.decodeIfPresent(String.self, forKey: .body),
                isBase64Encoded: try envelope.decodeIfPresent(Bool.self, forKey: .isBase64Encoded) ?? false
            )
        } else {
            // Through the single value container so the decoder's strategies apply to the top-level value too.
            self = .event(try decoder.singleValueContainer().decode(Event.self))
        }
    }
}
