import Foundation

/// How the pages write numbers; `dashboard.js` writes the live updates the same way.
enum DashboardFormat {
    /// A duration in milliseconds: `0.42 ms`, `12.3 ms`, `1.25 s`; `–` for none.
    static func milliseconds(_ value: Double?) -> String {
        guard let value else { return "–" }
        if value >= 1000 { return String(format: "%.2f s", value / 1000) }
        if value >= 10 { return String(format: "%.1f ms", value) }
        return String(format: "%.2f ms", value)
    }

    /// A share 0…1 as a percentage: `0.5%`; `–` for none.
    static func percent(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.1f%%", value * 100)
    }

    /// A rate per second: `0.02/s`, `12.5/s`, `6100/s`.
    static func rate(_ value: Double) -> String {
        if value >= 100 { return String(format: "%.0f/s", value) }
        if value >= 10 { return String(format: "%.1f/s", value) }
        return String(format: "%.2f/s", value)
    }

    /// An age in seconds: `4 s`, `3 min`, `2 h`; `–` for none.
    static func age(_ seconds: Double?) -> String {
        guard let seconds else { return "–" }
        if seconds < 120 { return "\(Int(seconds)) s" }
        if seconds < 7200 { return "\(Int(seconds / 60)) min" }
        return "\(Int(seconds / 3600)) h"
    }

    /// A time as `2026-12-02 08:26:49.012` (UTC).
    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.string(from: date)
    }
}
