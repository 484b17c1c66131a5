import Foundation
import Pronto
import ProntoTestSupport
import ProntoTesting
import Testing

@Suite("Forms guide")
struct FormsGuideTests {
    @Test("the guide shows the forms example exactly as tested")
    func guideMatchesTestedCode() throws {
        try expectDocumentShowsExample("Sources/Pronto/Pronto.docc/Forms.md", from: "Tests/ProntoTests/Forms/FormsGuideExample.swift", marker: "GUIDE EXAMPLE")
    }

    @Test("the guide's example decodes a form, refuses a bad one, and keeps an upload", arguments: TestMode.allCases)
    func guideExampleRuns(mode: TestMode) async throws {
        try await withUploadDirectory { uploads in
            try await makeFormsApp(uploads: uploads).test(mode) { client in
                let form = [("Content-Type", "application/x-www-form-urlencoded")]
                let signup = try await client.post("/signup", body: "name=Ada&age=36&topics[]=swift&topics[]=nio", headers: form)
                #expect(signup.bodyString == #"Ada, 36: ["swift", "nio"]"#)
                let bad = try await client.post("/signup", body: "name=Ada&age=old", headers: form)
                #expect(bad.status == 400)
                #expect(bad.bodyString == "invalid form body: invalid field 'age': expected an integer, got 'old'\n")
                let body = MultipartBody(parts: [
                    .field("title", "notes"),
                    .file(name: "document", filename: "n.txt", contentType: "text/plain", bytes: Array("hello".utf8)),
                ])
                let upload = try await client.request("POST", "/upload", headers: [("Content-Type", body.contentType)], body: body.bytes)
                #expect(upload.bodyString == "saved 5 bytes")
                #expect(try String(contentsOfFile: uploads + "/notes.txt", encoding: .utf8) == "hello")
            }
        }
    }
}
