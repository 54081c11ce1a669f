import Foundation

extension TimeZone {
    /// What this zone's clocks show at `seconds` since the Unix epoch.
    func wallClockTime(atEpochSeconds seconds: Int64) -> WallClockTime {
        WallClockTime(secondsSinceEpoch: seconds + Int64(offset(atEpochSeconds: seconds)))
    }

    /// The instants, in seconds since the Unix epoch and earliest first, at which this zone's clocks show `time`: none
    /// when the clocks skip it (the hour lost when daylight saving time starts), two when they show it twice (the
    /// hour repeated when it ends), else one.
    ///
    /// The candidates are `time` read with the zone's offsets a day before and a day after it, kept when the zone
    /// really has that offset then (the method of ECMAScript Temporal's `GetPossibleInstantsFor`): it assumes no zone
    /// changes its offset twice within two days, which none has.
    func instants(showing time: WallClockTime) -> [Int64] {
        let local = time.secondsSinceEpoch
        let offsets = Set([offset(atEpochSeconds: local - 86_400), offset(atEpochSeconds: local + 86_400)])
        return offsets.map { local - Int64($0) }.filter { offset(atEpochSeconds: $0) == Int(local - $0) }.sorted()
    }

    /// The zone's offset from UTC in seconds at `seconds` since the Unix epoch.
    private func offset(atEpochSeconds seconds: Int64) -> Int {
        secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
