import Configuration
import Pronto

extension ServerConfiguration {
    /// The configuration from a swift-configuration reader: every `ServerSetting` under
    /// its key (`pronto.port`, `pronto.maxBody`…), the defaults for those not set.
    ///
    /// ```swift
    /// let config = ConfigReader(providers: [
    ///     CommandLineArgumentsProvider(),                                   // --pronto-port 9000
    ///     EnvironmentVariablesProvider(),                                   // PRONTO_PORT=9000
    ///     try await FileProvider<JSONSnapshot>(filePath: "pronto.json", allowMissing: true),
    /// ])
    /// let app = App(configuration: try ServerConfiguration(reading: config))
    /// ```
    /// The providers are asked in order; the first that has a key wins. A value of the
    /// right kind for its setting is taken as it is: a number or its text, `true`/`false`
    /// or `1`/`0` for `reusePort`.
    ///
    /// - Throws: `ConfigurationError` naming the key (`pronto.port`), the value, and what
    ///   is allowed, when a value is malformed.
    public init(reading config: ConfigReader) throws {
        self = try Self.fromSettings(named: { $0.configKey.joined(separator: ".") }) { setting in
            Self.text(of: setting, in: config)
        }
    }

    /// A setting's value as text, whatever kind of value its provider holds (a JSON number,
    /// a Boolean, a string); nil when no provider has the key.
    static func text(of setting: ServerSetting, in config: ConfigReader) -> String? {
        let key = ConfigKey(setting.configKey)
        if let text = config.string(forKey: key) { return text }
        if let number = config.int(forKey: key) { return String(number) }
        if let number = config.double(forKey: key) { return String(number) }
        if let flag = config.bool(forKey: key) { return flag ? "1" : "0" }
        return nil
    }
}
