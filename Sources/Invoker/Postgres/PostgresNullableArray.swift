import NIOCore
import PostgresNIO

/// An array whose elements may be NULL, as a query parameter: PostgresNIO binds arrays of values but not of optional
/// values, which a multi-row `INSERT … SELECT FROM unnest(…)` needs for its nullable columns.
///
/// Written in PostgreSQL's binary array format: one dimension starting at 1, and each element as its length and bytes,
/// or a length of -1 for NULL.
///
/// ```swift
/// try await client.query("SELECT unnest(\(PostgresNullableArray([1, nil, 3] as [Int64?])))")
/// ```
struct PostgresNullableArray<Element: PostgresArrayEncodable & PostgresNonThrowingEncodable>:
    PostgresNonThrowingEncodable
{
    /// The elements, nil for NULL.
    var elements: [Element?]

    /// An array of `elements`.
    init(_ elements: [Element?]) {
        self.elements = elements
    }

    static var psqlType: PostgresDataType { Element.psqlArrayType }

    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer,
        context: PostgresEncodingContext<JSONEncoder>
    ) {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex)
        }
    }
}
