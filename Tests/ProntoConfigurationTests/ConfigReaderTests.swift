import Configuration
import Foundation
import Pronto
import ProntoConfiguration
import Testing

@Suite("ServerConfiguration from swift-configuration: JSON file, command line, environment")
struct ConfigReaderTests {
    static func jsonFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pronto-config-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("every setting from a JSON file, nested under pronto")
    func json() async throws {
        let path = try Self.jsonFile("""
            {"pronto": {"host": "0.0.0.0", "port": 9001, "threads": 3, "maxBody": 2048, "maxHeaders": 40,
                        "idleTimeout": 1.5, "reusePort": true, "minBodyRate": 0, "maxConnections": 77}}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = ConfigReader(provider: try await FileProvider<JSONSnapshot>(filePath: .init(path)))
        let configuration = try ServerConfiguration(reading: config)
        #expect(configuration.target == .tcp(host: "0.0.0.0", port: 9001))
        #expect(configuration.eventLoopThreads == 3)
        #expect(configuration.limits.maxBodySize == 2048)
        #expect(configuration.limits.maxHeaderCount == 40)
        #expect(configuration.idleTimeout == .milliseconds(1500))
        #expect(configuration.reusePort)
        #expect(configuration.minimumRequestBodyRate == nil)
        #expect(configuration.maxConnections == 77)
    }

    @Test("the first provider that has a key wins: command line, then environment, then the file")
    func precedence() async throws {
        let path = try Self.jsonFile(#"{"pronto": {"port": 7000, "maxBody": 10, "workers": 2}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = ConfigReader(providers: [
            CommandLineArgumentsProvider(arguments: ["app", "--pronto-port", "9000"]),
            EnvironmentVariablesProvider(environmentVariables: ["PRONTO_PORT": "8000", "PRONTO_MAX_BODY": "20"]),
            try await FileProvider<JSONSnapshot>(filePath: .init(path)),
        ])
        let configuration = try ServerConfiguration(reading: config)
        #expect(configuration.target == .tcp(host: "127.0.0.1", port: 9000))
        #expect(configuration.limits.maxBodySize == 20)
        #expect(configuration.workers == 2)
        #expect(configuration.eventLoopThreads == 1, "one loop per worker, as with PRONTO_WORKERS")
    }

    @Test("nothing set: the defaults, as fromEnvironment gives them")
    func defaults() throws {
        let configuration = try ServerConfiguration(reading: ConfigReader(provider: InMemoryProvider(values: [:])))
        let fromEnvironment = try ServerConfiguration.fromEnvironment([:])
        #expect(configuration.target == fromEnvironment.target)
        #expect(configuration.limits == fromEnvironment.limits)
        #expect(configuration.idleTimeout == fromEnvironment.idleTimeout)
    }

    @Test("a bad value names its key, the value and what is allowed", arguments: [
        (#"{"pronto": {"port": "eighty"}}"#, "pronto.port", "an integer in 0...65535"),
        (#"{"pronto": {"port": 70000}}"#, "pronto.port", "an integer in 0...65535"),
        (#"{"pronto": {"idleTimeout": -1}}"#, "pronto.idleTimeout", "a positive number of seconds"),
        (#"{"pronto": {"reusePort": "maybe"}}"#, "pronto.reusePort", "1 or 0"),
    ])
    func badValues(json: String, key: String, expected: String) async throws {
        let path = try Self.jsonFile(json)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = ConfigReader(provider: try await FileProvider<JSONSnapshot>(filePath: .init(path)))
        #expect {
            try ServerConfiguration(reading: config)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == key && error.description.contains(expected)
        }
    }

    @Test("every setting has an environment variable, a key and a summary; the names agree")
    func settingsTable() {
        #expect(ServerSetting.maxBody.environmentVariable == "PRONTO_MAX_BODY")
        #expect(ServerSetting.unixSocket.environmentVariable == "PRONTO_UNIX_SOCKET")
        #expect(ServerSetting.maxBody.configKey == ["pronto", "maxBody"])
        for setting in ServerSetting.allCases {
            #expect(!setting.summary.isEmpty)
            // Every documented variable is read by fromEnvironment: a bad value is reported under its name.
            #expect(throws: ConfigurationError.self, "\(setting)") {
                try ServerConfiguration.fromEnvironment([setting.environmentVariable: setting == .host ? "" : "\u{1}bad/\(String(repeating: "x", count: 120))"])
            }
        }
    }
}
