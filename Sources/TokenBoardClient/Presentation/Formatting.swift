import TokenBoardCore

/// Number and money formatting for the human tables; JSON output keeps exact integers instead.
public enum Formatting {
    /// `1234567` → `1,234,567`.
    public static func grouped(_ value: UInt64) -> String {
        let digits = String(value)
        var out = ""
        out.reserveCapacity(digits.count + digits.count / 3)
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    /// Nano-dollars as an exact decimal string of dollars: `1234567890123` → `1234.567890123`.
    public static func exactDollars(_ nanos: UInt64) -> String {
        let whole = nanos / 1_000_000_000
        let fraction = String(nanos % 1_000_000_000)
        return "\(whole)." + String(repeating: "0", count: 9 - fraction.count) + fraction
    }

    /// Nano-dollars rounded half-up to cents: `1234567890123` → `$1,234.57`.
    public static func dollars(_ nanos: UInt64) -> String {
        let cents = nanos / 10_000_000 + (nanos % 10_000_000 >= 5_000_000 ? 1 : 0)
        let fraction = String(cents % 100)
        return "$" + grouped(cents / 100) + "." + (fraction.count == 1 ? "0" : "") + fraction
    }

    /// A share as a percentage with two decimals: `0.004683` → `0.47%`.
    public static func percent(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "-" }
        let basisPoints = (Double(part) / Double(whole) * 10_000).rounded()
        let hundredths = Int(basisPoints)
        let fraction = String(hundredths % 100)
        return "\(hundredths / 100)." + (fraction.count == 1 ? "0" : "") + fraction + "%"
    }

    /// A byte count in binary units with one decimal: `31245000` → `29.8 MiB`.
    public static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// A short duration: `42s`, `7m 5s`, `3h 12m`, `2d 4h`.
    public static func duration(seconds: Int64) -> String {
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m \(seconds % 60)s"
        case ..<86400: return "\(seconds / 3600)h \(seconds % 3600 / 60)m"
        default: return "\(seconds / 86400)d \(seconds % 86400 / 3600)h"
        }
    }

    /// The exact share `part / whole` as a fraction in 0...1 (JSON output).
    public static func share(_ part: UInt64, of whole: UInt64) -> Double {
        whole > 0 ? Double(part) / Double(whole) : 0
    }
}

/// A plain-text table with right-aligned numeric columns.
public struct TextTable {
    public var headers: [String]
    public var rightAligned: Set<Int>
    public var rows: [[String]] = []

    public init(headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        var out = line(headers) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}
