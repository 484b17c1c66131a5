// Decision: Pronto keeps its own header types; swift-http-types is a conversion away.
//
// Asked in issue 13: should Pronto's public header type (ProntoHTTP.HTTPFields, and the
// request's offset-based RequestHead) become swift-http-types' HTTPFields?
//
// Measured (Benchmarks/Micro, HTTPTypesBenchmarks.swift; release, one core, p50 of one
// run, 2026-12-07; figures in Benchmarks/README.md, "swift-http-types"):
//
//   request side   parse of the 446 B TechEmpower head            322 ns, 0 allocations
//                  the same head as an HTTPRequest (this module)  1,676 ns, 6 allocations
//   response side  Response + 2 fields, engine encode             569 ns, 1 allocation
//                  HTTPResponse + 2 fields, converted, encoded    1,504 ns, 5 allocations
//   fields alone   3 fields, Pronto HTTPFields                    118 ns, 1 allocation
//                  3 fields, HTTPTypes.HTTPFields                 580 ns, 3 allocations
//
// Why the gap is structural, not a tuning matter:
// - A request in HTTPTypes form needs a String per header name and value and the fields'
//   class storage. Pronto's request keeps byte offsets into the read buffer and makes a
//   String only for what the handler reads: 0 allocations per request today, which the
//   allocation tests guard (scripts/alloc-check.py). Five times the parse's cost in
//   conversion alone is more than the whole per-request budget of a pipelined request
//   (about 1.1 µs in the framework).
// - HTTPTypes.HTTPFields validates and lowercases names into HTTPField.Name and keeps an
//   index for look-ups: the right design for a general-purpose type, about 5x the cost of
//   Pronto's array for the two or three fields a response usually has.
// - Switching would also rename the types every Pronto app uses (HTTPFields, HTTPMethod,
//   HTTPStatus) for no gain in what the server can express.
//
// So: Pronto's types stay on the hot path, and this module converts both ways when asked
// (Request.httpRequest, Response(_:body:), Response.httpResponse(), HTTPFields both ways),
// which is what swift-openapi-runtime and other HTTPTypes-speaking libraries need. Revisit
// if swift-http-types gains a borrowed, offset-based request form.
