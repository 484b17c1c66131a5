// The StaticFiles guide's example, verbatim between the markers: StaticFilesGuideTests
// checks that Sources/Pronto/Pronto.docc/StaticFiles.md shows exactly this code, and runs it.
import Pronto

// BEGIN GUIDE EXAMPLE
func makeSiteApp(publicDirectory: String) -> App {
    let app = App()
    app.get("/api/health") { _ in "ok" }
    // GET and HEAD /assets/… from the directory; /assets/ answers with its index.html.
    app.static("/assets", directory: publicDirectory, options: StaticFileOptions(
        cacheControl: "public, max-age=3600"
    ))
    return app
}
// END GUIDE EXAMPLE
