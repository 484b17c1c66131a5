import Foundation
@testable import Pronto
import Testing

@Suite("URLEncodedFormDecoder")
struct URLEncodedFormDecoderTests {
    let decoder = URLEncodedFormDecoder()

    struct Scalars: Decodable, Equatable {
        var name: String
        var age: Int
        var height: Double
        var small: Int8
        var big: UInt64
        var float: Float
        var active: Bool
        var site: URL
        var id: UUID
    }

    @Test("scalars: strings (percent-decoded, + is a space), integers, floats, Bool, URL, UUID")
    func scalars() throws {
        let value = try decoder.decode(Scalars.self, from: "name=Ada+L%C3%B6velace&age=36&height=1.65&small=-8&big=18446744073709551615&float=0.5&active=on&site=https%3A%2F%2Fexample.com%2Fa%3Fb%3Dc&id=E621E1F8-C36C-495A-93FC-0C247A3E6E5F")
        #expect(value == Scalars(
            name: "Ada Lövelace", age: 36, height: 1.65, small: -8, big: .max, float: 0.5, active: true,
            site: URL(string: "https://example.com/a?b=c")!, id: UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F")!))
    }

    @Test("Bool accepts true/false, 1/0, on/off, yes/no in any case", arguments: [
        ("true", true), ("TRUE", true), ("1", true), ("on", true), ("Yes", true),
        ("false", false), ("0", false), ("off", false), ("no", false),
    ])
    func bools(text: String, expected: Bool) throws {
        struct Flag: Decodable { var flag: Bool }
        #expect(try decoder.decode(Flag.self, from: "flag=\(text)").flag == expected)
    }

    struct Optionals: Decodable, Equatable {
        var age: Int?
        var note: String?
        var when: Date?
        var missing: String?
    }

    @Test("optionals: a missing field is nil; an empty one is nil too, except a String, which is empty")
    func optionals() throws {
        #expect(try decoder.decode(Optionals.self, from: "age=&note=&when=") == Optionals(age: nil, note: "", when: nil, missing: nil))
        #expect(try decoder.decode(Optionals.self, from: "age=3&note=hi") == Optionals(age: 3, note: "hi", when: nil, missing: nil))
        #expect(try decoder.decode(Optionals.self, from: "") == Optionals())
    }

    struct Nested: Decodable, Equatable {
        struct Address: Decodable, Equatable { var city: String; var zip: Int }
        struct Item: Decodable, Equatable { var name: String; var count: Int }
        var user: String
        var address: Address
        var tags: [String]
        var ids: [Int]
        var items: [Item]
        var matrix: [String: [String]]
    }

    @Test("nested keys, lists by [] and by repetition and by index, lists of structures, dictionaries")
    func nested() throws {
        let body = "user=ada&address[city]=Paris&address[zip]=75001&tags[]=a&tags[]=b+c&ids=3&ids=1&ids=2"
            + "&items[1][name]=second&items[1][count]=2&items[0][name]=first&items[0][count]=1"
            + "&matrix[x][]=1&matrix[x][]=2&matrix[y][]=3"
        let value = try decoder.decode(Nested.self, from: body)
        #expect(value == Nested(
            user: "ada", address: .init(city: "Paris", zip: 75001), tags: ["a", "b c"], ids: [3, 1, 2],
            items: [.init(name: "first", count: 1), .init(name: "second", count: 2)],
            matrix: ["x": ["1", "2"], "y": ["3"]]))
    }

    @Test("a list from one value, empty brackets inside a name start new elements, an index past 9 sorts numerically")
    func listShapes() throws {
        struct Lists: Decodable, Equatable {
            struct Row: Decodable, Equatable { var a: String }
            var one: [String]
            var rows: [Row]
            var sparse: [Int]
        }
        let value = try decoder.decode(Lists.self, from: "one=x&rows[][a]=1&rows[][a]=2&sparse[10]=10&sparse[2]=2")
        #expect(value == Lists(one: ["x"], rows: [.init(a: "1"), .init(a: "2")], sparse: [2, 10]))
    }

    @Test("dates: ISO 8601 with zone or date alone, seconds or milliseconds, or a custom parser")
    func dates() throws {
        struct Event: Decodable { var at: Date }
        #expect(try decoder.decode(Event.self, from: "at=2024-05-01T12:30:00Z").at == Date(timeIntervalSince1970: 1_714_566_600))
        #expect(try decoder.decode(Event.self, from: "at=2024-05-01T14:30:00%2B02:00").at == Date(timeIntervalSince1970: 1_714_566_600))
        #expect(try decoder.decode(Event.self, from: "at=2024-05-01T12:30:00.250Z").at == Date(timeIntervalSince1970: 1_714_566_600.25))
        #expect(try decoder.decode(Event.self, from: "at=2024-05-01").at == Date(timeIntervalSince1970: 1_714_521_600))
        let seconds = URLEncodedFormDecoder(dateDecodingStrategy: .secondsSince1970)
        #expect(try seconds.decode(Event.self, from: "at=1714566600.5").at == Date(timeIntervalSince1970: 1_714_566_600.5))
        let millis = URLEncodedFormDecoder(dateDecodingStrategy: .millisecondsSince1970)
        #expect(try millis.decode(Event.self, from: "at=1714566600250").at == Date(timeIntervalSince1970: 1_714_566_600.25))
        let custom = URLEncodedFormDecoder(dateDecodingStrategy: .custom { text in
            guard text == "epoch" else { throw CocoaError(.formatting) }
            return Date(timeIntervalSince1970: 0)
        })
        #expect(try custom.decode(Event.self, from: "at=epoch").at == Date(timeIntervalSince1970: 0))
        #expect(throws: DecodingError.self) { try custom.decode(Event.self, from: "at=later") }
        #expect(throws: DecodingError.self) { try decoder.decode(Event.self, from: "at=yesterday") }
    }

    @Test("enums, nested optionals, a top-level dictionary, the first of repeated scalar values")
    func otherShapes() throws {
        enum Color: String, Decodable { case red, green }
        struct Paint: Decodable, Equatable {
            var color: Color
            var backup: Color?
            var detail: [String: String]?
        }
        #expect(try decoder.decode(Paint.self, from: "color=red&detail[finish]=matte") == Paint(color: .red, backup: nil, detail: ["finish": "matte"]))
        #expect(try decoder.decode([String: String].self, from: "a=1&b=2") == ["a": "1", "b": "2"])
        struct One: Decodable { var n: Int }
        #expect(try decoder.decode(One.self, from: "n=1&n=2").n == 1)
        #expect(throws: DecodingError.self) { try decoder.decode(Paint.self, from: "color=blue") }
    }

    @Test("errors name the field the way the form spells it", arguments: [
        ("age=36", "missing field 'name'"),
        ("name=a&age=x", "invalid field 'age': expected an integer, got 'x'"),
        ("name=a&age=1&address[zip]=75001", "missing field 'address[city]'"),
        ("name=a&age=1&address[city]=P&address[zip]=z", "invalid field 'address[zip]': expected an integer, got 'z'"),
        ("name=a&age=1&address=P", "invalid field 'address': expected nested fields (address[…]=…), got a single value"),
        ("name[x]=a&age=1", "invalid field 'name': expected a single value, got nested fields (name[…])"),
        ("name=a&age=1&scores[one]=1", "invalid field 'scores': expected a list, got the named field 'one'"),
        ("name=a%zz", "malformed percent-escape in the value of 'name'"),
        ("na%2=a", "malformed percent-escape in the field name 'na%2'"),
    ])
    func errors(body: String, message: String) throws {
        struct Person: Decodable {
            struct Address: Decodable { var city: String; var zip: Int }
            var name: String
            var age: Int
            var address: Address?
            var scores: [Int]?
        }
        let error = #expect(throws: DecodingError.self) { try decoder.decode(Person.self, from: body) }
        #expect(error.map(Request.describeFormError) == message)
    }

    @Test("a name nested deeper than 32 levels is refused, unbalanced brackets are a plain name")
    func pathological() throws {
        let deep = String(repeating: "[a]", count: 40)
        #expect(throws: DecodingError.self) { try decoder.decode([String: String].self, from: "x\(deep)=1") }
        #expect(try decoder.decode([String: String].self, from: "a[b=1&c]d=2&e[f]g=3") == ["a[b": "1", "c]d": "2", "e[f]g": "3"])
    }
}
