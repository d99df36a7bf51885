import NIOCore
import TokenBoardHTTP

/// The leaderboard page and its two assets, compiled into the binary.
enum WebPage {
    /// The response for a page path, or nil when the path is not part of the page.
    static func response(for segments: [String]) -> Response? {
        switch segments {
        case []: return asset(IndexHTML.text, type: "text/html; charset=utf-8")
        case ["board.css"]: return asset(BoardCSS.text, type: "text/css; charset=utf-8")
        case ["board.js"]: return asset(BoardJS.text, type: "text/javascript; charset=utf-8")
        default: return nil
        }
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            // Revalidated on every load, so a new binary's page is never mixed with an old cached script.
            headers: ["content-type": type, "cache-control": "no-cache"],
            body: ByteBuffer(string: text)
        )
    }
}
