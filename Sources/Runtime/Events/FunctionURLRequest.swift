/// An HTTP request as a Lambda Function URL (API Gateway HTTP API payload format 2.0) event.
///
/// The invoker turns every HTTP trigger into this event; an ``HTTPHandler`` receives it decoded.
///
/// ```swift
/// let name = request.queryStringParameters?["name"] ?? "world"
/// ```
public struct FunctionURLRequest: Codable, Sendable, Equatable {
    /// The HTTP part of the request context.
    public struct HTTP: Codable, Sendable, Equatable {
        /// The request method, upper case (`GET`, `POST`, …).
        public var method: String
        /// The request path, without the query string.
        public var path: String
        /// The protocol, for example `HTTP/1.1`.
        public var `protocol`: String
        /// The address of the client that sent the request.
        public var sourceIp: String
        /// The `User-Agent` header, empty when absent.
        public var userAgent: String

        /// Creates the HTTP part of a request context.
        public init(method: String, path: String, protocol: String, sourceIp: String, userAgent: String) {
            self.method = method
            self.path = path
            self.protocol = `protocol`
            self.sourceIp = sourceIp
            self.userAgent = userAgent
        }
    }

    /// Metadata about the request, as Lambda provides it.
    public struct RequestContext: Codable, Sendable, Equatable {
        /// The account id; a fixed placeholder when self-hosted.
        public var accountId: String
        /// The API id; the function name when self-hosted.
        public var apiId: String
        /// The host the request was sent to.
        public var domainName: String
        /// The first label of ``domainName``.
        public var domainPrefix: String
        /// Method, path, protocol, source address and user agent.
        public var http: HTTP
        /// The invocation id, also the `Lambda-Runtime-Aws-Request-Id`.
        public var requestId: String
        /// The route that matched, for example `GET /hello` or `$default`.
        public var routeKey: String
        /// The stage; always `$default`.
        public var stage: String
        /// The request time in CLF format (`12/Mar/2020:19:03:58 +0000`).
        public var time: String
        /// The request time in milliseconds since the Unix epoch.
        public var timeEpoch: Int64
        /// Who the route's authorizer found the caller to be; nil on open routes.
        public var authorizer: Authorizer?

        /// Creates a request context.
        public init(
            accountId: String,
            apiId: String,
            domainName: String,
            domainPrefix: String,
            http: HTTP,
            requestId: String,
            routeKey: String,
            stage: String,
            time: String,
            timeEpoch: Int64,
            authorizer: Authorizer? = nil
        ) {
            self.accountId = accountId
            self.apiId = apiId
            self.domainName = domainName
            self.domainPrefix = domainPrefix
            self.http = http
            self.requestId = requestId
            self.routeKey = routeKey
            self.stage = stage
            self.time = time
            self.timeEpoch = timeEpoch
            self.authorizer = authorizer
        }
    }

    /// The payload format version: always `2.0`.
    public var version: String
    /// The route that matched, for example `GET /hello` or `$default`.
    public var routeKey: String
    /// The path as the client sent it, percent-encoded.
    public var rawPath: String
    /// The query string without the leading `?`; empty when there is none.
    public var rawQueryString: String
    /// The cookies of the `Cookie` header, one `name=value` per element.
    public var cookies: [String]?
    /// The headers, names lower case; repeated headers joined with commas. Cookies are in ``cookies``.
    public var headers: [String: String]
    /// The query parameters, decoded; repeated parameters joined with commas.
    public var queryStringParameters: [String: String]?
    /// The values of the route's `{parameter}` segments.
    public var pathParameters: [String: String]?
    /// Stage variables; always absent when self-hosted.
    public var stageVariables: [String: String]?
    /// Request metadata.
    public var requestContext: RequestContext
    /// The body: text as is, anything else base64-encoded (see ``isBase64Encoded``).
    public var body: String?
    /// Whether ``body`` is base64-encoded.
    public var isBase64Encoded: Bool

    /// Creates a request event.
    public init(
        version: String = "2.0",
        routeKey: String,
        rawPath: String,
        rawQueryString: String,
        cookies: [String]?,
        headers: [String: String],
        queryStringParameters: [String: String]?,
        pathParameters: [String: String]?,
        stageVariables: [String: String]? = nil,
        requestContext: RequestContext,
        body: String?,
        isBase64Encoded: Bool
    ) {
        self.version = version
        self.routeKey = routeKey
        self.rawPath = rawPath
        self.rawQueryString = rawQueryString
        self.cookies = cookies
        self.headers = headers
        self.queryStringParameters = queryStringParameters
        self.pathParameters = pathParameters
        self.stageVariables = stageVariables
        self.requestContext = requestContext
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }
}
