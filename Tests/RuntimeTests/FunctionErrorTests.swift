import Testing

@testable import Runtime

@Suite("Function errors")
struct FunctionErrorTests {
    enum Lookup: Error {
        case missing(String)
    }

    struct Quota: ReportableError {
        var errorMessage: String { "quota exceeded" }
    }

    @Test func anyErrorIsReportedWithItsTypeNameAndDescription() {
        #expect(FunctionError(Lookup.missing("key")) == FunctionError(type: "Lookup", message: #"missing("key")"#))
    }

    @Test func aReportableErrorChoosesItsMessageAndDefaultsItsType() {
        #expect(FunctionError(Quota()) == FunctionError(type: "Quota", message: "quota exceeded"))
    }

    @Test func aFunctionErrorIsReportedAsItIs() {
        let error = FunctionError(type: "Runtime.HandlerNotFound", message: "no")
        #expect(FunctionError(error) == error)
    }
}
