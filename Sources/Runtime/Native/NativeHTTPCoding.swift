package import NIOCore

/// The native transport's binary form of the Function URL types, so an HTTP-triggered invocation crosses the socket
/// without JSON: strings are length-prefixed UTF-8, optional values carry a presence byte, maps are counted
/// key-value pairs.
extension ByteBuffer {
    /// Appends `request`.
    package mutating func writeFunctionURLRequest(_ request: FunctionURLRequest) {
        for string in [request.version, request.routeKey, request.rawPath, request.rawQueryString] {
            self.writeNativeString(string)
        }
        self.writeNativeStrings(request.cookies)
        self.writeNativeMap(request.headers)
        self.writeNativeMap(request.queryStringParameters)
        self.writeNativeMap(request.pathParameters)
        self.writeNativeMap(request.stageVariables)
        let context = request.requestContext
        for string in [
            context.accountId, context.apiId, context.domainName, context.domainPrefix, context.http.method,
            context.http.path, context.http.protocol, context.http.sourceIp, context.http.userAgent,
            context.requestId, context.routeKey, context.stage, context.time,
        ] {
            self.writeNativeString(string)
        }
        self.writeInteger(context.timeEpoch)
        self.writeNativeOptional(request.body)
        self.writeInteger(UInt8(request.isBase64Encoded ? 1 : 0))
        self.writeNativeAuthorizer(context.authorizer)
    }

    /// Reads a request written by ``writeFunctionURLRequest(_:)``.
    package mutating func readFunctionURLRequest() throws(NativeFrameError) -> FunctionURLRequest {
        let (version, routeKey, rawPath, rawQueryString) = (
            try self.readNativeString(), try self.readNativeString(), try self.readNativeString(),
            try self.readNativeString()
        )
        let cookies = try self.readNativeStrings()
        let headers = try self.readNativeMap() ?? [:]
        let query = try self.readNativeMap()
        let pathParameters = try self.readNativeMap()
        let stageVariables = try self.readNativeMap()
        let strings = try (0..<13).map { _ throws(NativeFrameError) in try self.readNativeString() }
        guard let epoch = self.readInteger(as: Int64.self) else { throw NativeFrameError("a truncated request time") }
        let body = try self.readNativeOptional()
        guard let base64 = self.readInteger(as: UInt8.self) else { throw NativeFrameError("a truncated request") }
        let authorizer = try self.readNativeAuthorizer()
        return FunctionURLRequest(
            version: version,
            routeKey: routeKey,
            rawPath: rawPath,
            rawQueryString: rawQueryString,
            cookies: cookies,
            headers: headers,
            queryStringParameters: query,
            pathParameters: pathParameters,
            stageVariables: stageVariables,
            requestContext: FunctionURLRequest.RequestContext(
                accountId: strings[0],
                apiId: strings[1],
                domainName: strings[2],
                domainPrefix: strings[3],
                http: FunctionURLRequest.HTTP(
                    method: strings[4],
                    path: strings[5],
                    protocol: strings[6],
                    sourceIp: strings[7],
                    userAgent: strings[8]
                ),
                requestId: strings[9],
                routeKey: strings[10],
                stage: strings[11],
                time: strings[12],
                timeEpoch: epoch,
                authorizer: authorizer
            ),
            body: body,
            isBase64Encoded: base64 != 0
        )
    }

    /// Appends `response`.
    package mutating func writeFunctionURLResponse(_ response: FunctionURLResponse) {
        self.writeInteger(Int64(response.statusCode))
        self.writeNativeMap(response.headers)
        self.writeNativeStrings(response.cookies)
        self.writeNativeOptional(response.body)
        self.writeInteger(UInt8(response.isBase64Encoded.map { $0 ? 1 : 0 } ?? 2))
    }

    /// Reads a response written by ``writeFunctionURLResponse(_:)``.
    package mutating func readFunctionURLResponse() throws(NativeFrameError) -> FunctionURLResponse {
        guard let status = self.readInteger(as: Int64.self) else { throw NativeFrameError("a truncated status") }
        let headers = try self.readNativeMap()
        let cookies = try self.readNativeStrings()
        let body = try self.readNativeOptional()
        guard let base64 = self.readInteger(as: UInt8.self) else { throw NativeFrameError("a truncated response") }
        return FunctionURLResponse(
            statusCode: Int(status),
            headers: headers,
            cookies: cookies,
            body: body,
            isBase64Encoded: base64 == 2 ? nil : base64 == 1
        )
    }

    /// Appends the authorizer: a presence byte, then the JWT's claims and scopes and the API key's name, each
    /// optional.
    private mutating func writeNativeAuthorizer(_ authorizer: FunctionURLRequest.Authorizer?) {
        guard let authorizer else {
            self.writeInteger(UInt8(0))
            return
        }
        self.writeInteger(UInt8(1))
        self.writeInteger(UInt8(authorizer.jwt == nil ? 0 : 1))
        if let jwt = authorizer.jwt {
            self.writeNativeMap(jwt.claims)
            self.writeNativeStrings(jwt.scopes)
        }
        self.writeNativeOptional(authorizer.apiKey?.name)
    }

    /// Reads an authorizer written by ``writeNativeAuthorizer(_:)``; a request that ends before it has none.
    private mutating func readNativeAuthorizer() throws(NativeFrameError) -> FunctionURLRequest.Authorizer? {
        guard self.readableBytes > 0 else { return nil }
        guard let present = self.readInteger(as: UInt8.self) else { throw NativeFrameError("a truncated authorizer") }
        guard present != 0 else { return nil }
        guard let hasJWT = self.readInteger(as: UInt8.self) else { throw NativeFrameError("a truncated authorizer") }
        var jwt: FunctionURLRequest.Authorizer.JWT?
        if hasJWT != 0 {
            let claims = try self.readNativeMap() ?? [:]
            jwt = FunctionURLRequest.Authorizer.JWT(claims: claims, scopes: try self.readNativeStrings())
        }
        let apiKey = try self.readNativeOptional().map { FunctionURLRequest.Authorizer.APIKey(name: $0) }
        return FunctionURLRequest.Authorizer(jwt: jwt, apiKey: apiKey)
    }

    private mutating func writeNativeString(_ string: String) {
        let lengthIndex = self.writerIndex
        self.writeInteger(UInt32(0))
        let count = self.writeString(string)
        self.setInteger(UInt32(count), at: lengthIndex)
    }

    private mutating func readNativeString() throws(NativeFrameError) -> String {
        guard let length = self.readInteger(as: UInt32.self), let string = self.readString(length: Int(length)) else {
            throw NativeFrameError("a truncated string in an HTTP event")
        }
        return string
    }

    private mutating func writeNativeOptional(_ string: String?) {
        self.writeInteger(UInt8(string == nil ? 0 : 1))
        if let string { self.writeNativeString(string) }
    }

    private mutating func readNativeOptional() throws(NativeFrameError) -> String? {
        guard let present = self.readInteger(as: UInt8.self) else { throw NativeFrameError("a truncated value") }
        return present == 0 ? nil : try self.readNativeString()
    }

    private mutating func writeNativeStrings(_ strings: [String]?) {
        self.writeInteger(UInt32(strings.map { UInt32($0.count) } ?? UInt32.max))
        for string in strings ?? [] { self.writeNativeString(string) }
    }

    private mutating func readNativeStrings() throws(NativeFrameError) -> [String]? {
        guard let count = self.readInteger(as: UInt32.self) else { throw NativeFrameError("a truncated list") }
        guard count != UInt32.max else { return nil }
        // Each string takes at least its 4-byte length, so a count the frame cannot hold is refused before room is
        // made for it: a worker could otherwise make the invoker reserve 64 GB with a 4-byte count.
        guard count <= self.readableBytes / 4 else {
            throw NativeFrameError("a list of \(count) strings in \(self.readableBytes) bytes")
        }
        var strings: [String] = []
        strings.reserveCapacity(Int(count))
        for _ in 0..<count { strings.append(try self.readNativeString()) }
        return strings
    }

    private mutating func writeNativeMap(_ map: [String: String]?) {
        self.writeInteger(UInt32(map.map { UInt32($0.count) } ?? UInt32.max))
        for (key, value) in map ?? [:] {
            self.writeNativeString(key)
            self.writeNativeString(value)
        }
    }

    private mutating func readNativeMap() throws(NativeFrameError) -> [String: String]? {
        guard let count = self.readInteger(as: UInt32.self) else { throw NativeFrameError("a truncated map") }
        guard count != UInt32.max else { return nil }
        var map: [String: String] = [:]
        map.reserveCapacity(Int(min(count, 1024)))
        for _ in 0..<count {
            let key = try self.readNativeString()
            map[key] = try self.readNativeString()
        }
        return map
    }
}
