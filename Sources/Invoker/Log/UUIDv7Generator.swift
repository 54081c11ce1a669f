import Foundation
import Synchronization

/// Makes time-ordered ids: UUID version 7 (RFC 9562) in lower-case 36-character text form.
///
/// An id is a 48-bit Unix timestamp in milliseconds, the version and variant bits, a 12-bit counter and 62 random
/// bits. The counter starts at a random value below 2048 each millisecond and is incremented for every id within
/// the same millisecond, so ids from one generator sort in the order they were made, even when the wall clock steps
/// back; once a millisecond's counter is exhausted the generator borrows from the next millisecond.
///
/// ```swift
/// let ids = UUIDv7Generator()
/// let id = ids.next()  // "0193a5e2-7c41-7d2a-9b1f-3c5e8a0d4f62"
/// ```
final class UUIDv7Generator: Sendable {
    /// The last timestamp used and the counter within it.
    private let state = Mutex<(milliseconds: UInt64, counter: UInt16)>((0, 0))
    /// The current Unix time in milliseconds.
    private let now: @Sendable () -> UInt64

    /// Creates a generator that reads the time from `now`, in Unix milliseconds (the system clock by default).
    init(now: @escaping @Sendable () -> UInt64 = { UInt64(EpochTime.nowMs()) }) {
        self.now = now
    }

    /// Returns a new id, greater than every id this generator returned before.
    func next() -> String {
        var random = SystemRandomNumberGenerator()
        let (milliseconds, counter) = state.withLock { state in
            let current = now()
            if current > state.milliseconds {
                state = (current, UInt16.random(in: 0..<0x800, using: &random))
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                state = (state.milliseconds + 1, UInt16.random(in: 0..<0x800, using: &random))
            }
            return state
        }
        return Self.format(milliseconds: milliseconds, counter: counter, random: random.next())
    }

    /// The text form of the id made of a timestamp, a 12-bit counter and 62 random bits.
    static func format(milliseconds: UInt64, counter: UInt16, random: UInt64) -> String {
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | UInt64(counter & 0xFFF)
        let low = 0x8000_0000_0000_0000 | (random & 0x3FFF_FFFF_FFFF_FFFF)
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                text[position] = hexDigits[Int(word >> UInt64(60 - 4 * (nibble % 16)) & 0xF)]
                position += 1
            }
            return position
        }
    }

    /// The lower-case hexadecimal digits, as ASCII.
    private static let hexDigits = Array("0123456789abcdef".utf8)
}
