import Foundation

/// Parses the input as a producer's `X-Message-Attributes` JSON. Properties: parsing either returns the attributes or
/// throws a `QueueError` of code `invalidMessage` whose message names the header; parsed attributes are at most
/// `MessageAttribute.maximumCount`, each with a `String`, `Number` or `Binary` type and the value that type needs, and
/// always have a 32-digit MD5 digest, the same for the same attributes however they are ordered.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessageAttributes(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let json = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let attributes: [String: MessageAttribute]
    do {
        attributes = try MessageAttribute.parse(json: json)
    } catch let error as QueueError {
        check(error.code == .invalidMessage, "parsing failed with code \(error.code): \(error.message)")
        check(error.message.hasPrefix(MessageAttribute.header), "the error does not name the header: \(error)")
        return 0
    } catch {
        fail("parsing threw \(type(of: error)), not a QueueError: \(error)")
    }
    check(attributes.count <= MessageAttribute.maximumCount, "\(attributes.count) attributes were accepted")
    for (name, attribute) in attributes {
        check(!name.isEmpty, "an attribute without a name was accepted")
        switch attribute.baseType {
        case "Binary":
            check(
                attribute.stringValue == nil && attribute.binaryValue.flatMap { Data(base64Encoded: $0) } != nil,
                "a Binary attribute without base64 was accepted: \(attribute)"
            )
        case "Number":
            check(
                attribute.binaryValue == nil && attribute.stringValue.flatMap(Double.init)?.isFinite == true,
                "a Number attribute that is not a number was accepted: \(attribute)"
            )
        case "String":
            check(
                attribute.binaryValue == nil && attribute.stringValue?.isEmpty == false,
                "a String attribute without a value was accepted: \(attribute)"
            )
        default:
            fail("an attribute of type \(attribute.dataType) was accepted")
        }
    }
    guard !attributes.isEmpty else { return 0 }
    guard let digest = MessageAttribute.digest(of: attributes) else {
        fail("parsed attributes have no digest: \(attributes)")
    }
    check(digest.utf8.count == 32 && digest.allSatisfy(\.isHexDigit), "a malformed digest \(digest)")
    let reordered = Dictionary(uniqueKeysWithValues: attributes.sorted { $0.key > $1.key })
    check(MessageAttribute.digest(of: reordered) == digest, "the digest depends on the attributes' order")
    return 0
}
