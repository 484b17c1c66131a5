import Foundation
import NIOCore
import Pronto
import Testing
@testable import WorldApp

@Suite struct QueryCountTests {
    @Test(arguments: [
        (nil, 1), ("", 1), ("foo", 1), ("0", 1), ("-3", 1), ("1", 1), ("20", 20), ("500", 500), ("501", 500),
        ("99999999999999999999999", 500), ("12abc", 1), (" 5", 1),
    ] as [(String?, Int)])
    func clampsLikeTechEmpower(text: String?, expected: Int) {
        #expect(QueryCount.parse(text) == expected)
    }
}

@Suite struct FortunesPageTests {
    func render(_ rows: [Fortune]) -> String {
        var buffer = ByteBuffer()
        FortunesPage(fortunes: rows).write(into: &buffer)
        return String(buffer: buffer)
    }

    @Test func escapesEveryHTMLSpecialCharacter() {
        let html = render([Fortune(id: 7, message: #"<a href="x">Tom & 'Jerry'</a>"#)])
        #expect(html.contains("<tr><td>7</td><td>&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;</td></tr>"))
    }

    @Test func keepsNonASCIIAndPlainTextIntact() {
        let html = render([Fortune(id: 12, message: "フレームワークのベンチマーク — ok")])
        #expect(html == "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>"
            + "<tr><td>12</td><td>フレームワークのベンチマーク — ok</td></tr></table></body></html>")
    }

    @Test func addsTheRequestTimeFortuneAndSortsByMessage() {
        let rows = FortunesPage.sortedForPage([Fortune(id: 1, message: "b"), Fortune(id: 2, message: "B"), Fortune(id: 3, message: "a")])
        #expect(rows.map(\.id) == [0, 2, 3, 1])  // "Additional..." < "B" < "a" < "b" by code point
    }
}

@Suite struct UpdateAssignmentTests {
    @Test func everyRowChangesAndRepeatedIdsAgree() {
        var worlds = [World(id: 5, randomNumber: 10), World(id: 9, randomNumber: 20), World(id: 5, randomNumber: 10)]
        let changed = WorldRoutes.assignNewRandomNumbers(&worlds)
        #expect(worlds[0].randomNumber != 10 && worlds[1].randomNumber != 20)
        #expect(worlds[2].randomNumber == worlds[0].randomNumber)
        #expect(changed.map(\.id) == [5, 9])
        #expect(changed == [worlds[0], worlds[1]])
        #expect(worlds.allSatisfy { World.idRange.contains($0.randomNumber) })
    }
}

@Suite struct DatabaseURLTests {
    @Test func tcp() throws {
        let configuration = try DatabaseURL.configuration("postgres://user:secret@127.0.0.1:6543/world")
        #expect(configuration.host == "127.0.0.1" && configuration.port == 6543)
        #expect(configuration.username == "user" && configuration.password == "secret" && configuration.database == "world")
    }

    @Test func unixSocketInLibpqForm() throws {
        let configuration = try DatabaseURL.configuration("postgresql://user:pw@/world?host=/tmp/pg&x=1")
        #expect(configuration.unixSocketPath == "/tmp/pg/.s.PGSQL.5432")
        let withPort = try DatabaseURL.configuration("postgres://user:pw@/world?host=/tmp/pg&port=15432")
        #expect(withPort.unixSocketPath == "/tmp/pg/.s.PGSQL.15432")
    }

    @Test(arguments: [
        ("mysql://u:p@h/db", "scheme"), ("postgres://h:1/db", "no user"), ("postgres://u:p@h:1/", "no database"),
        ("postgres://u:p@/db", "no host"), ("postgres://u:p@/db?host=/tmp&port=x", "port"),
    ])
    func invalidURLsSayWhy(url: String, why: String) {
        #expect {
            _ = try DatabaseURL.configuration(url)
        } throws: { error in
            "\(error)".contains(why) && "\(error)".contains(url)
        }
    }
}
