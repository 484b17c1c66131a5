// The Forms guide's example, verbatim between the markers: FormsGuideTests checks that
// Sources/Pronto/Pronto.docc/Forms.md shows exactly this code, and runs it.
import Pronto

// BEGIN GUIDE EXAMPLE
struct Signup: Decodable {
    var name: String
    var age: Int
    var topics: [String]?  // topics[]=swift&topics[]=nio
}

struct Upload: Decodable {
    var title: String
    var document: UploadedFile  // on disk; removed when the last copy goes, unless moved
}

func makeFormsApp(uploads: String) -> App {
    let app = App()
    app.post("/signup") { request in
        let signup = try request.decodeForm(Signup.self)  // 400 names a missing or bad field
        return "\(signup.name), \(signup.age): \(signup.topics ?? [])"
    }
    // body: .stream parses the parts as they arrive: a large file never sits in memory.
    app.post("/upload", body: .stream(maxSize: 50 << 20)) { request async throws -> String in
        let upload = try await request.decodeMultipart(Upload.self)
        guard !upload.title.isEmpty, upload.title.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw HTTPError(.badRequest, "title: letters and digits only")  // it names a file
        }
        try await upload.document.move(to: "\(uploads)/\(upload.title).txt")
        return "saved \(upload.document.size) bytes"
    }
    return app
}
// END GUIDE EXAMPLE
