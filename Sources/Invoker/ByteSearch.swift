extension UnsafeRawBufferPointer {
    /// Where the first occurrence of `key` ends, as an offset from the start; nil when there is none.
    ///
    /// A plain loop over the bytes: the generic `firstRange(of:)` costs many times more, and this runs once per
    /// invocation.
    func offset(afterFirst key: StaticString) -> Int? {
        let key = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        guard key.count <= count else { return nil }
        var start = 0
        while start <= count - key.count {
            var matched = 0
            while matched < key.count && self[start + matched] == key[matched] { matched += 1 }
            if matched == key.count { return start + key.count }
            start += 1
        }
        return nil
    }
}
