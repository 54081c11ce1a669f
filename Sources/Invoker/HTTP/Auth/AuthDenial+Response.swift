import Hummingbird

extension AuthDenial {
    /// The answer: the status, `{"errorType","errorMessage"}`, `WWW-Authenticate`, and the id the record has.
    func response(requestID: String) -> Response {
        var response = Response.json(ErrorDocument(errorType: errorType, errorMessage: message), status: status)
        response.headers[.wwwAuthenticate] = wwwAuthenticate
        response.headers[.amznRequestID] = requestID
        return response
    }
}
