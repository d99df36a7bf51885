import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

final class CanonicalLineParserTests: XCTestCase {
    private var parser = CanonicalLineParser()

    private func parse(_ line: String) throws(LogLineError.Reason) -> UsageEvent? {
        try parser.parse(line)
    }

    private func reason(_ line: String, file: StaticString = #filePath, line number: UInt = #line)
        -> LogLineError.Reason?
    {
        do {
            let event = try parser.parse(line)
            XCTFail("expected a bad line, got \(String(describing: event))", file: file, line: number)
            return nil
        } catch {
            return error
        }
    }

    func testEveryField() throws {
        let line = """
            {"id":"e-0000001","ts":"2026-10-01T08:15:30.123Z","employee":"emp-00042","model":"claude-sonnet-4-5",\
            "tool":"claude-code","session":"s-00042-0007","input":1200,"output":350,"cache_write":0,"cache_read":48000}
            """
        let event = try XCTUnwrap(parse(line))
        XCTAssertEqual(event.id, "e-0000001")
        // 2026-10-01 is day 20,727 (56 years with 14 leap days, then 273 days to October); 08:15:30.123 is
        // 29,730,123 ms into it.
        XCTAssertEqual(event.timestampMillis, 1_790_842_530_123)
        XCTAssertEqual(event.timestampMillis, utcMillis(2026, 10, 1, 8, 15, 30, 123))
        XCTAssertEqual(event.employee, "emp-00042")
        XCTAssertEqual(event.model, "claude-sonnet-4-5")
        XCTAssertEqual(event.tool, "claude-code")
        XCTAssertEqual(event.session, "s-00042-0007")
        XCTAssertEqual(event.counts, TokenCounts(input: 1200, output: 350, cacheWrite: 0, cacheRead: 48000))
        XCTAssertEqual(event.day, Day(year: 2026, month: 10, day: 1))
    }

    func testOnlyRequiredFieldsTakeDefaults() throws {
        let event = try XCTUnwrap(parse(#"{"ts":0,"employee":"a","model":"m"}"#))
        XCTAssertEqual(event, UsageEvent(timestampMillis: 0, employee: "a", model: "m", counts: .zero))
        XCTAssertEqual(event.id, "")
        XCTAssertEqual(event.tool, "")
        XCTAssertEqual(event.session, "")
    }

    func testKeysInAnyOrderWithWhitespace() throws {
        let line = """
              { "cache_read" : 4 , "cache_write":3,"output" :2, "input": 1,\t"session":"s","tool":"t",
            "model":"claude-opus-4-5" ,"employee":"bob", "ts":"2026-10-01T00:00:00Z","id":"x" }\r
            """.replacingOccurrences(of: "\n", with: " ")
        let event = try XCTUnwrap(parse(line))
        XCTAssertEqual(
            event,
            UsageEvent(
                id: "x",
                timestampMillis: utcMillis(2026, 10, 1),
                employee: "bob",
                model: "claude-opus-4-5",
                tool: "t",
                session: "s",
                counts: TokenCounts(input: 1, output: 2, cacheWrite: 3, cacheRead: 4)
            )
        )
    }

    func testCanonicalOrderInterruptedPartWay() throws {
        // The first keys in writer order, then a space, an unknown key and the rest in another order.
        let line = """
            {"id":"e1","ts":"2026-10-01T00:00:00.000Z","employee":"emp-1", "x":[1],"model":"m","cache_read":9,\
            "input":1,"tool":"cursor","output":2,"session":"s-1-0001","cache_write":3}
            """
        let event = try XCTUnwrap(parse(line))
        XCTAssertEqual(event.id, "e1")
        XCTAssertEqual(event.employee, "emp-1")
        XCTAssertEqual(event.model, "m")
        XCTAssertEqual(event.tool, "cursor")
        XCTAssertEqual(event.session, "s-1-0001")
        XCTAssertEqual(event.counts, TokenCounts(input: 1, output: 2, cacheWrite: 3, cacheRead: 9))
    }

    func testStringEscapes() throws {
        let line =
            #"{"ts":0,"model":"m","employee":"jos\u00e9 \"el jefe\" \\ \/ \b\f\n\r\t","tool":"x\ud83d\ude00y","session":"caf\u00C9","id":"\u0041\u00e9\u4e2d"}"#
        let event = try XCTUnwrap(parse(line))
        XCTAssertEqual(event.employee, "jos\u{e9} \"el jefe\" \\ / \u{08}\u{0C}\n\r\t")
        XCTAssertEqual(event.tool, "x\u{1F600}y")
        XCTAssertEqual(Array(event.tool.utf8), [0x78, 0xF0, 0x9F, 0x98, 0x80, 0x79])
        XCTAssertEqual(event.session, "caf\u{C9}")
        XCTAssertEqual(event.id, "A\u{e9}\u{4e2d}")
    }

    func testRawUTF8AndEscapedKeys() throws {
        let event = try XCTUnwrap(parse(#"{"ts":0,"model":"m","\u0065mployee":"zoë 😀","t\u006fol":"ü"}"#))
        XCTAssertEqual(event.employee, "zoë 😀")
        XCTAssertEqual(event.tool, "ü")
    }

    func testTimestampOffsetsAndFractions() throws {
        func ts(_ text: String) throws -> Int64 {
            try XCTUnwrap(parse(#"{"ts":"\#(text)","employee":"e","model":"m"}"#)).timestampMillis
        }
        // 23:30 at UTC-2 is 01:30 UTC the next day.
        XCTAssertEqual(try ts("2026-10-01T23:30:00-02:00"), utcMillis(2026, 10, 2, 1, 30))
        XCTAssertEqual(try ts("2026-10-01T23:30:00-02:00"), 1_790_904_600_000)
        XCTAssertEqual(try ts("2026-10-02T05:00:00+05:30"), utcMillis(2026, 10, 1, 23, 30))
        XCTAssertEqual(try ts("2026-10-01T00:00:00+00:00"), utcMillis(2026, 10, 1))
        XCTAssertEqual(try ts("2026-10-01T00:00:00-00:00"), utcMillis(2026, 10, 1))
        XCTAssertEqual(try ts("2026-10-01t00:00:00z"), utcMillis(2026, 10, 1))
        XCTAssertEqual(try ts("2026-10-01 00:00:00Z"), utcMillis(2026, 10, 1))
        XCTAssertEqual(try ts("2026-10-01T00:00:00.1Z"), utcMillis(2026, 10, 1) + 100)
        XCTAssertEqual(try ts("2026-10-01T00:00:00.12Z"), utcMillis(2026, 10, 1) + 120)
        XCTAssertEqual(try ts("2026-10-01T00:00:00.999999999Z"), utcMillis(2026, 10, 1) + 999)
        XCTAssertEqual(try ts("2024-02-29T12:00:00Z"), utcMillis(2024, 2, 29, 12))
        XCTAssertEqual(try ts("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(try ts("1969-12-31T23:59:59.999Z"), -1)
        // A leap second lands on the next second.
        XCTAssertEqual(try ts("2016-12-31T23:59:60Z"), utcMillis(2017, 1, 1))
        // The same date twice in a row (the parser remembers the last date) and then another one.
        XCTAssertEqual(try ts("2026-10-01T01:00:00Z"), utcMillis(2026, 10, 1, 1))
        XCTAssertEqual(try ts("2026-10-01T02:00:00Z"), utcMillis(2026, 10, 1, 2))
        XCTAssertEqual(try ts("2026-11-01T02:00:00Z"), utcMillis(2026, 11, 1, 2))
    }

    func testIntegerMillisecondTimestamps() throws {
        let event = try XCTUnwrap(parse(#"{"ts":1790842530123,"employee":"e","model":"m"}"#))
        XCTAssertEqual(event.timestampMillis, 1_790_842_530_123)
        XCTAssertEqual(
            try XCTUnwrap(parse(#"{"ts":-86400000,"employee":"e","model":"m"}"#)).timestampMillis,
            -86_400_000
        )
        XCTAssertEqual(try XCTUnwrap(parse(#"{"ts":0,"employee":"e","model":"m"}"#)).timestampMillis, 0)
    }

    func testInvalidTimestamps() {
        for text in [
            #""2026-13-01T00:00:00Z""#, #""2026-02-29T00:00:00Z""#, #""2026-10-01T24:00:00Z""#,
            #""2026-10-01T00:60:00Z""#, #""2026-10-01T00:00:00""#, #""2026-10-01T00:00:00.Z""#,
            #""2026-10-01T00:00:00.1234567890Z""#, #""2026-10-01T00:00:00+2400""#, #""2026-10-01""#,
            #""yesterday""#, "1.5", "1e3", "99999999999999999999",
        ] {
            guard case .invalidTimestamp = reason(#"{"ts":\#(text),"employee":"e","model":"m"}"#) else {
                XCTFail("\(text) should be an invalid timestamp")
                continue
            }
        }
        XCTAssertEqual(
            reason(#"{"ts":true,"employee":"e","model":"m"}"#),
            .wrongType(field: "ts", expected: "an RFC 3339 string or integer milliseconds")
        )
    }

    func testMissingAndEmptyRequiredFields() {
        XCTAssertEqual(reason(#"{"employee":"e","model":"m"}"#), .missingField("ts"))
        XCTAssertEqual(reason(#"{"ts":null,"employee":"e","model":"m"}"#), .missingField("ts"))
        XCTAssertEqual(reason(#"{"ts":0,"model":"m"}"#), .missingField("employee"))
        XCTAssertEqual(reason(#"{"ts":0,"employee":null,"model":"m"}"#), .missingField("employee"))
        XCTAssertEqual(reason(#"{"ts":0,"employee":"e"}"#), .missingField("model"))
        XCTAssertEqual(reason(#"{}"#), .missingField("ts"))
        XCTAssertEqual(reason(#"{"ts":0,"employee":"","model":"m"}"#), .emptyField("employee"))
        XCTAssertEqual(reason(#"{"ts":0,"employee":"e","model":""}"#), .emptyField("model"))
        let longKey = String(repeating: "k", count: 257)
        XCTAssertEqual(
            reason(#"{"ts":0,"employee":"\#(longKey)","model":"m"}"#),
            .fieldTooLong(field: "employee", limit: 256)
        )
        // 256 bytes is still fine, counted in UTF-8 bytes: 128 two-byte characters.
        let limitKey = String(repeating: "é", count: 128)
        XCTAssertEqual(try parse(#"{"ts":0,"employee":"\#(limitKey)","model":"m"}"#)?.employee, limitKey)
        XCTAssertEqual(
            reason(#"{"ts":0,"employee":"\#(limitKey)x","model":"m"}"#),
            .fieldTooLong(field: "employee", limit: 256)
        )
    }

    func testBadCounts() {
        XCTAssertEqual(reason(#"{"ts":0,"employee":"e","model":"m","input":1.5}"#), .countNotInteger(field: "input"))
        XCTAssertEqual(reason(#"{"ts":0,"employee":"e","model":"m","input":1.0}"#), .countNotInteger(field: "input"))
        XCTAssertEqual(
            reason(#"{"ts":0,"employee":"e","model":"m","cache_read":1e3}"#),
            .countNotInteger(field: "cache_read")
        )
        XCTAssertEqual(reason(#"{"ts":0,"employee":"e","model":"m","output":-5}"#), .countNegative(field: "output"))
        XCTAssertEqual(reason(#"{"ts":0,"employee":"e","model":"m","output":-1.5}"#), .countNotInteger(field: "output"))
        XCTAssertEqual(
            reason(#"{"ts":0,"employee":"e","model":"m","cache_write":1099511627777}"#),
            .countTooLarge(field: "cache_write")
        )
        XCTAssertEqual(
            reason(#"{"ts":0,"employee":"e","model":"m","input":123456789012345678901234567890}"#),
            .countTooLarge(field: "input")
        )
        XCTAssertEqual(
            reason(#"{"ts":0,"employee":"e","model":"m","input":"12"}"#),
            .wrongType(field: "input", expected: "an integer token count")
        )
        XCTAssertEqual(
            reason(#"{"ts":0,"employee":42,"model":"m"}"#),
            .wrongType(field: "employee", expected: "a string")
        )
    }

    func testCountLimitsAndDigitRuns() throws {
        let max = TokenCounts.maxPerEvent
        let event = try XCTUnwrap(
            parse(#"{"ts":0,"employee":"e","model":"m","input":\#(max),"output":-0,"cache_write":null}"#)
        )
        XCTAssertEqual(event.counts, TokenCounts(input: 1_099_511_627_776, output: 0, cacheWrite: 0, cacheRead: 0))
        // Every length of digit run, on both sides of the eight-digit fast path.
        var value: UInt64 = 0
        for digits in 1...12 {
            value = value * 10 + UInt64(digits % 10)
            let parsed = try XCTUnwrap(parse(#"{"ts":0,"employee":"e","model":"m","cache_read":\#(value)}"#))
            XCTAssertEqual(parsed.counts.cacheRead, value)
            let spaced = try XCTUnwrap(parse(#"{"ts":0,"employee":"e","model":"m","cache_read":\#(value) }"#))
            XCTAssertEqual(spaced.counts.cacheRead, value)
        }
        let thirteen = try XCTUnwrap(parse(#"{"ts":0,"employee":"e","model":"m","output":1000000000000}"#))
        XCTAssertEqual(thirteen.counts.output, 1_000_000_000_000)
    }

    /// A count with at least nine bytes of line after it is read from one word when it is one to eight digits and
    /// ends there; every other form must get the same answer as at the end of a line (the tests above).
    func testCountsInTheMiddleOfALine() throws {
        func line(_ count: String) -> String {
            #"{"cache_read":\#(count),"ts":0,"employee":"e","model":"m","tool":"t"}"#
        }
        var value: UInt64 = 0
        for digits in 1...17 {
            value = value * 10 + UInt64((digits * 7) % 10)
            for written in ["\(value)", "\(value) "] {
                if value <= TokenCounts.maxPerEvent {
                    XCTAssertEqual(try XCTUnwrap(parse(line(written))).counts.cacheRead, value, "\(digits) digits")
                } else {
                    XCTAssertEqual(reason(line(written)), .countTooLarge(field: "cache_read"), "\(digits) digits")
                }
            }
        }
        XCTAssertEqual(try XCTUnwrap(parse(line("1099511627776"))).counts.cacheRead, TokenCounts.maxPerEvent)
        XCTAssertEqual(try XCTUnwrap(parse(line("100000000000"))).counts.cacheRead, 100_000_000_000)
        for fraction in ["123456789.5", "123456789012.0", "123456789e2", "1234567890E1", "12345678901e+2"] {
            XCTAssertEqual(reason(line(fraction)), .countNotInteger(field: "cache_read"), fraction)
        }
        for malformed in ["0123456789", "00000000012", "123456789x", "123456789012."] {
            guard case .malformedJSON = reason(line(malformed)) else {
                XCTFail("\(malformed) should be malformed JSON")
                continue
            }
        }
        XCTAssertEqual(try XCTUnwrap(parse(line("0"))).counts.cacheRead, 0)
        XCTAssertEqual(try XCTUnwrap(parse(line("99999999"))).counts.cacheRead, 99_999_999)
        XCTAssertEqual(try XCTUnwrap(parse(line("100000000"))).counts.cacheRead, 100_000_000)
        XCTAssertEqual(try XCTUnwrap(parse(line("null"))).counts.cacheRead, 0)
        XCTAssertEqual(try XCTUnwrap(parse(line("-0"))).counts.cacheRead, 0)
        for fraction in ["1.5", "1.0", "12345678.0", "1e3", "1E3", "7e+2", "12345678e1", "0.1"] {
            XCTAssertEqual(reason(line(fraction)), .countNotInteger(field: "cache_read"), fraction)
        }
        XCTAssertEqual(reason(line("-5")), .countNegative(field: "cache_read"))
        XCTAssertEqual(reason(line("1099511627777")), .countTooLarge(field: "cache_read"))
        for malformed in ["00", "01", "012345678", "1.", "1e", "1x"] {
            guard case .malformedJSON = reason(line(malformed)) else {
                XCTFail("\(malformed) should be malformed JSON")
                continue
            }
        }
        XCTAssertEqual(
            reason(line(#""12""#)),
            .wrongType(field: "cache_read", expected: "an integer token count")
        )
    }

    /// A count among the line's last eight bytes (the canonical order's `cache_read`): whatever follows it there
    /// (the closing brace, spaces, nothing, a fraction) must get the same answer as elsewhere in the line.
    func testCountsAtTheEndOfALine() throws {
        let head = #"{"ts":0,"employee":"e","model":"m","cache_read":"#
        var value: UInt64 = 0
        for digits in 1...9 {
            value = value * 10 + UInt64((digits * 3) % 10 + (digits == 1 ? 1 : 0))
            for tail in ["}", " }", "} ", "}\t\r", "  } "] {
                XCTAssertEqual(
                    try XCTUnwrap(parse(head + "\(value)" + tail)).counts.cacheRead,
                    value,
                    "\(digits) digits, then \(tail.debugDescription)"
                )
            }
        }
        XCTAssertEqual(try XCTUnwrap(parse(head + "0}")).counts.cacheRead, 0)
        for fraction in ["1.5}", "12.0}", "1e3}", "7E+2}", "1234567.0}"] {
            XCTAssertEqual(reason(head + fraction), .countNotInteger(field: "cache_read"), fraction)
        }
        for malformed in ["12", "1234567", "01}", "00}", "1x}", "1.}", "12345678"] {
            guard case .malformedJSON = reason(head + malformed) else {
                XCTFail("\(malformed) should be malformed JSON")
                continue
            }
        }
        // A line of fewer than eight bytes has no last word to read; it takes the full path.
        XCTAssertEqual(reason(#"{"a":1}"#), .missingField("ts"))
    }

    func testBrokenJSON() {
        for line in [
            #"{"ts":0,"employee":"e","model":"m""#,
            #"{"ts":0,"employee":"e","model":"m"} x"#,
            #"{"ts":0,"employee":"e","model":"m",}"#,
            #"{"ts":0,"employee":"e","model":"m""input":1}"#,
            #"{"ts":0 "employee":"e","model":"m"}"#,
            #"{"ts" 0,"employee":"e","model":"m"}"#,
            #"{"ts":0,"employee":"e","model":"m","x":}"#,
            #"{"ts":0,"employee":"e","model":"m","x":[1,]}"#,
            #"{"ts":0,"employee":"e","model":"m","x":{"a"}}"#,
            #"{"ts":0,"employee":"e","model":"m","x":tru}"#,
            #"{"ts":0,"employee":"e","model":"m","x":01}"#,
            #"{"ts":0,"employee":"e","model":"m","input":01}"#,
            #"{"ts":0,"employee":"e","model":"m","x":"\q"}"#,
            #"{"ts":0,"employee":"e","model":"m","x":"\u12"}"#,
            #"{"ts":0,"employee":"e","model":"m","x":1.}"#,
            #"{"ts":0,"employee":"e","model":"m","x":-}"#,
            #"{ts:0}"#,
            #"{"ts":0,"employee":"e"#,
            "{\"ts\":0,\"employee\":\"a\tb\",\"model\":\"m\"}",
            "nonsense",
            "{",
        ] {
            guard case .malformedJSON = reason(line) else {
                XCTFail("\(line) should be malformed JSON")
                continue
            }
        }
        XCTAssertEqual(
            reason(#"{"ts":0,"employee":"e","model":"m"} x"#),
            .malformedJSON(offset: 36, expected: "end of line")
        )
    }

    func testNotAnObjectAndNesting() {
        XCTAssertEqual(reason("[1,2,3]"), .notAnObject)
        XCTAssertEqual(reason(#""text""#), .notAnObject)
        XCTAssertEqual(reason("42"), .notAnObject)
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertEqual(reason(#"{"ts":0,"employee":"e","model":"m","x":\#(deep)}"#), .nestedTooDeeply)
    }

    func testUnknownKeysAreSkippedWhateverTheyHold() throws {
        let line = """
            {"meta":{"a":[1,2.5e-3,{"b":null,"c":[true,false]}],"d":"\\u0041\\"}"},"ts":"2026-10-01T00:00:00Z",\
            "list":[],"obj":{},"n":-0.0,"employee":"e","flag":true,"model":"m","input":7,"tail":"}"}
            """
        let event = try XCTUnwrap(parse(line))
        XCTAssertEqual(event.employee, "e")
        XCTAssertEqual(event.counts.input, 7)
    }

    func testRepeatedKeyTakesTheLastValue() throws {
        let event = try XCTUnwrap(parse(#"{"ts":0,"employee":"a","model":"m","employee":"b","input":1,"input":2}"#))
        XCTAssertEqual(event.employee, "b")
        XCTAssertEqual(event.counts.input, 2)
    }

    func testNullOptionalFields() throws {
        let event = try XCTUnwrap(
            parse(#"{"ts":0,"employee":"e","model":"m","id":null,"tool":null,"session":null,"output":null}"#)
        )
        XCTAssertEqual(event.id, "")
        XCTAssertEqual(event.tool, "")
        XCTAssertEqual(event.session, "")
        XCTAssertEqual(event.counts, .zero)
    }

    func testBlankLines() throws {
        XCTAssertNil(try parse(""))
        XCTAssertNil(try parse("   "))
        XCTAssertNil(try parse("\t \r"))
    }

    func testInvalidUTF8IsRefusedNotRepaired() {
        var bytes = Array(#"{"ts":0,"model":"m","employee":"ab"#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#""}"#.utf8)
        let result = bytes.withUnsafeBytes { raw in Result { () throws(LogLineError.Reason) in try parser.parse(raw) } }
        XCTAssertEqual(result.failure, .invalidUTF8(field: "employee"))
        XCTAssertEqual(reason(#"{"ts":0,"model":"m","employee":"\ud83d"}"#), .invalidUTF8(field: "employee"))
        XCTAssertEqual(reason(#"{"ts":0,"model":"m","employee":"\ude00x"}"#), .invalidUTF8(field: "employee"))
        XCTAssertEqual(reason(#"{"ts":0,"model":"m","employee":"\ud83dx"}"#), .invalidUTF8(field: "employee"))
    }

    func testLongModelNamesAreSharedAndStillExact() throws {
        // Names over 15 bytes go through the parser's name cache; similar names must not be confused.
        let names = [
            "claude-sonnet-4-5", "claude-sonnet-4-6", "claude-sonnet-4-20250514", "claude-sonnet-4-20250515",
            "a-model-name-of-exactly-24b", "a-model-name-of-exactly-24c", "x-much-longer-model-name-with-40-bytes--",
            "x-much-longer-model-name-with-40-bytes-!",
        ]
        for _ in 0..<3 {
            for name in names {
                XCTAssertEqual(try parse(#"{"ts":0,"employee":"e","model":"\#(name)","tool":"\#(name)"}"#)?.model, name)
            }
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
