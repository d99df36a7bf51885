import XCTest

@testable import TokenBoardCore

final class ASCIIBytesTests: XCTestCase {
    /// Every length from 0 to 20 (the eight-byte loop, the tail, both): all ASCII passes, and one byte with its
    /// high bit set fails wherever it is.
    func testOneHighByteAnywhereFails() {
        for length in 0...20 {
            let ascii = [UInt8](repeating: 0x7F, count: length)
            XCTAssertTrue(ascii.withUnsafeBytes(ASCIIBytes.check), "length \(length)")
            for position in 0..<length {
                var bytes = ascii
                bytes[position] = 0x80
                XCTAssertFalse(bytes.withUnsafeBytes(ASCIIBytes.check), "length \(length), position \(position)")
            }
        }
        XCTAssertFalse(Array("emp-é".utf8).withUnsafeBytes(ASCIIBytes.check))
        XCTAssertTrue(Array("emp-000123@example.com".utf8).withUnsafeBytes(ASCIIBytes.check))
    }
}
