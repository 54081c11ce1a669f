import Foundation

/// Durations counted in logarithmic buckets, four to each doubling from 10 µs up to about 168 s, so a percentile
/// read from them is within 9% of the exact one while adding a duration costs one increment.
///
/// ```swift
/// var histogram = DurationHistogram()
/// histogram.add(milliseconds: 1.8)
/// let p99 = histogram.percentile(0.99)  // ≈ 1.8
/// ```
struct DurationHistogram: Sendable, Equatable {
    /// How many buckets there are.
    static let bucketCount = 96
    /// The upper bound of the first bucket, in milliseconds: shorter durations count in it.
    static let smallestMilliseconds = 0.01
    /// Buckets per doubling.
    static let bucketsPerDoubling = 4.0

    /// The count of each bucket; empty until the first duration is added, so an idle second costs no buffer.
    private(set) var counts: [UInt32] = []
    /// How many durations were added.
    private(set) var total = 0

    /// Counts one duration.
    mutating func add(milliseconds: Double) {
        if counts.isEmpty { counts = Array(repeating: 0, count: Self.bucketCount) }
        counts[Self.bucket(of: milliseconds)] &+= 1
        total += 1
    }

    /// Adds every duration of `other`.
    mutating func merge(_ other: DurationHistogram) {
        guard other.total > 0 else { return }
        if counts.isEmpty {
            self = other
            return
        }
        for index in 0..<Self.bucketCount {
            counts[index] &+= other.counts[index]
        }
        total += other.total
    }

    /// The duration below which the fraction `quantile` (0…1) of the durations fall, in milliseconds: the geometric
    /// middle of the bucket that holds it; nil when there are none.
    func percentile(_ quantile: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((quantile * Double(total)).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() {
            seen += Int(count)
            if seen >= rank { return Self.middle(of: index) }
        }
        return Self.middle(of: Self.bucketCount - 1)
    }

    /// The bucket that counts `milliseconds`.
    static func bucket(of milliseconds: Double) -> Int {
        guard milliseconds > smallestMilliseconds else { return 0 }
        let index = Int((log2(milliseconds / smallestMilliseconds) * bucketsPerDoubling).rounded(.up))
        return min(index, bucketCount - 1)
    }

    /// The upper bound of bucket `index`, in milliseconds.
    static func upperBound(of index: Int) -> Double {
        smallestMilliseconds * exp2(Double(index) / bucketsPerDoubling)
    }

    /// The geometric middle of bucket `index`, in milliseconds.
    static func middle(of index: Int) -> Double {
        guard index > 0 else { return smallestMilliseconds }
        return (upperBound(of: index - 1) * upperBound(of: index)).squareRoot()
    }
}
