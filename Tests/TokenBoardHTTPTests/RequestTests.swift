import NIOCore
import NIOHTTP1
import TokenBoardHTTP
import XCTest

final class RequestTests: XCTestCase {
    func testTargetIsSplitAndDecoded() {
        let request = Request(method: .GET, target: "/v1/employees/a%2Fb%40c%20d/?x=1&y=a+b%26c&x=2&flag")
        XCTAssertEqual(request.pathSegments, ["v1", "employees", "a/b@c d"])
        XCTAssertEqual(request.path, "/v1/employees/a/b@c d")
        XCTAssertEqual(request.query, ["x": "2", "y": "a b&c", "flag": ""])
    }

    func testMalformedEscapesAreKeptAndRootIsSlash() {
        XCTAssertEqual(Request(method: .GET, target: "/%zz/%4").pathSegments, ["%zz", "%4"])
        XCTAssertEqual(Request(method: .GET, target: "/").path, "/")
        XCTAssertEqual(Request(method: .GET, target: "/?").query, [:])
        XCTAssertEqual(Request(method: .GET, target: "/p+q").pathSegments, ["p+q"])
    }
}
