import Foundation

/// Hand-written SVG charts of a suite run, one per scenario: bars of requests/s for peak
/// scenarios, latency-by-percentile curves (50 … 99.99) for fixed-rate ones.
public enum SuiteCharts {
    static let width = 760.0
    static let height = 440.0
    static let left = 90.0, right = 30.0, top = 78.0, bottom = 70.0
    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    /// The chart of `scenario` (bars, or curves when it has a fixed rate).
    public static func svg(_ results: SuiteResults, scenario: SuiteScenario) -> String {
        scenario.rate == nil ? bars(results, scenario: scenario) : curves(results, scenario: scenario)
    }

    /// Bars: one per server, height = requests/s, the value written above it.
    public static func bars(_ results: SuiteResults, scenario: SuiteScenario) -> String {
        let rows: [(name: String, value: Double?, index: Int)] = results.servers.enumerated().compactMap { i, server in
            guard let r = results.result(server: server.name, scenario: scenario.name) else { return nil }
            return (server.name, r.failure == nil ? r.requestsPerSecond : nil, i)
        }
        let maxValue = rows.compactMap(\.value).max() ?? 0
        let (ticks, top) = niceTicks(maxValue)
        var svg = header(title: "\(scenario.name): requests per second (higher is better)",
                         subtitle: "\(scenario.summary), \(Format.decimal(scenario.duration, 1)) s" + baselineNote(results))
        let plotW = width - left - right, plotH = height - Self.top - bottom
        svg += axes(ticks: ticks, top: top, label: { short($0) }, yLabel: "requests per second", xLabel: "server")
        let slot = plotW / Double(max(rows.count, 1))
        let barW = min(slot * 0.6, 90)
        for (k, row) in rows.enumerated() {
            let cx = left + slot * (Double(k) + 0.5)
            let color = palette[row.index % palette.count]
            if let value = row.value {
                let h = top > 0 ? plotH * value / top : 0
                let y = Self.top + plotH - h
                svg += "<rect class=\"bar\" x=\"\(f(cx - barW / 2))\" y=\"\(f(y))\" width=\"\(f(barW))\" height=\"\(f(h))\" fill=\"\(color)\"><title>\(esc(row.name)): \(Format.grouped(Int(value.rounded()))) req/s</title></rect>\n"
                var label = short(value)
                if let r = results.result(server: row.name, scenario: scenario.name), let ratio = results.throughputRatio(r), row.name != results.baseline {
                    label += " (×\(Format.decimal(ratio, 2)))"
                }
                svg += "<text x=\"\(f(cx))\" y=\"\(f(y - 6))\" text-anchor=\"middle\" font-size=\"12\">\(esc(label))</text>\n"
            } else {
                svg += "<rect class=\"bar failed\" x=\"\(f(cx - barW / 2))\" y=\"\(f(Self.top + plotH - 1))\" width=\"\(f(barW))\" height=\"1\" fill=\"\(color)\"/>\n"
                svg += "<text x=\"\(f(cx))\" y=\"\(f(Self.top + plotH - 8))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#c00\">failed</text>\n"
            }
            svg += "<text x=\"\(f(cx))\" y=\"\(f(Self.top + plotH + 18))\" text-anchor=\"middle\" font-size=\"12\">\(esc(row.name))</text>\n"
        }
        svg += legend(rows.map { ($0.name, $0.index) })
        return svg + "</svg>\n"
    }

    /// The percentiles a curve goes through.
    static let percentiles: [(label: String, value: Double)] = [("50%", 50), ("90%", 90), ("99%", 99), ("99.9%", 99.9), ("99.99%", 99.99)]

    /// Curves: latency (ms) by percentile, x on the usual HDR scale log10(1 / (1 - p)).
    public static func curves(_ results: SuiteResults, scenario: SuiteScenario) -> String {
        let rows: [(name: String, latency: LatencySummary, index: Int)] = results.servers.enumerated().compactMap { i, server in
            guard let r = results.result(server: server.name, scenario: scenario.name), r.failure == nil,
                  let latency = r.latency, latency.count > 0 else { return nil }
            return (server.name, latency, i)
        }
        let maxMs = rows.flatMap { row in percentiles.map { Double(row.latency.value(atReported: $0.value)) / 1000 } }.max() ?? 0
        let (ticks, top) = niceTicks(maxMs)
        var svg = header(title: "\(scenario.name): latency by percentile (lower is better)",
                         subtitle: "\(scenario.summary), \(Format.decimal(scenario.duration, 1)) s; from the scheduled send time (coordinated omission corrected)")
        let plotW = width - left - right, plotH = height - Self.top - bottom
        svg += axes(ticks: ticks, top: top, label: { trim(Format.decimal($0, $0 < 10 ? 2 : 1)) }, yLabel: "latency (ms)", xLabel: "percentile")
        func x(_ p: Double) -> Double {
            let lo = log10(1 / (1 - 0.5)), hi = log10(1 / (1 - 0.9999))
            return left + 20 + (plotW - 40) * (log10(1 / (1 - p / 100)) - lo) / (hi - lo)
        }
        func y(_ ms: Double) -> Double { Self.top + plotH - (top > 0 ? plotH * ms / top : 0) }
        for p in percentiles {
            svg += "<line x1=\"\(f(x(p.value)))\" y1=\"\(f(Self.top))\" x2=\"\(f(x(p.value)))\" y2=\"\(f(Self.top + plotH))\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(f(x(p.value)))\" y=\"\(f(Self.top + plotH + 18))\" text-anchor=\"middle\" font-size=\"12\">\(p.label)</text>\n"
        }
        for row in rows {
            let color = palette[row.index % palette.count]
            let points = percentiles.map { p -> (Double, Double) in
                (x(p.value), y(Double(row.latency.value(atReported: p.value)) / 1000))
            }
            svg += "<polyline class=\"curve\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\"><title>\(esc(row.name))</title></polyline>\n"
            for (p, point) in zip(percentiles, points) {
                svg += "<circle cx=\"\(f(point.0))\" cy=\"\(f(point.1))\" r=\"3\" fill=\"\(color)\"><title>\(esc(row.name)) \(p.label): \(Format.micros(row.latency.value(atReported: p.value)))</title></circle>\n"
            }
        }
        if rows.isEmpty {
            svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(Self.top + plotH / 2))\" text-anchor=\"middle\" fill=\"#c00\">no results</text>\n"
        }
        svg += legend(rows.map { ($0.name, $0.index) })
        return svg + "</svg>\n"
    }

    // MARK: - Pieces

    static func header(title: String, subtitle: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <text class="title" x="\(f(width / 2))" y="26" text-anchor="middle" font-size="17" font-weight="bold">\(esc(title))</text>
        <text class="subtitle" x="\(f(width / 2))" y="46" text-anchor="middle" font-size="12" fill="#555">\(esc(subtitle))</text>

        """
    }

    static func baselineNote(_ results: SuiteResults) -> String {
        results.baseline.map { "; ratios to \($0)" } ?? ""
    }

    /// Y grid, tick labels, both axes and their labels.
    static func axes(ticks: [Double], top: Double, label: (Double) -> String, yLabel: String, xLabel: String) -> String {
        let plotW = width - left - right, plotH = height - Self.top - bottom
        var svg = ""
        for t in ticks {
            let y = Self.top + plotH - (top > 0 ? plotH * t / top : 0)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"12\">\(esc(label(t)))</text>\n"
        }
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(Self.top))\" x2=\"\(f(left))\" y2=\"\(f(Self.top + plotH))\" stroke=\"#333\"/>\n"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(Self.top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(Self.top + plotH))\" stroke=\"#333\"/>\n"
        let cy = Self.top + plotH / 2
        svg += "<text class=\"y-label\" x=\"22\" y=\"\(f(cy))\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 22 \(f(cy)))\">\(esc(yLabel))</text>\n"
        svg += "<text class=\"x-label\" x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 22))\" text-anchor=\"middle\" font-size=\"13\">\(esc(xLabel))</text>\n"
        return svg
    }

    static func legend(_ entries: [(name: String, index: Int)]) -> String {
        var svg = "<g class=\"legend\" font-size=\"12\">\n"
        var x = left
        for entry in entries {
            svg += "<rect x=\"\(f(x))\" y=\"56\" width=\"12\" height=\"12\" fill=\"\(palette[entry.index % palette.count])\"/>"
            svg += "<text x=\"\(f(x + 16))\" y=\"66\">\(esc(entry.name))</text>\n"
            x += 28 + Double(entry.name.count) * 7
        }
        return svg + "</g>\n"
    }

    /// About five round ticks from 0 up to at least `maxValue`, and the axis top.
    static func niceTicks(_ maxValue: Double) -> (ticks: [Double], top: Double) {
        guard maxValue > 0, maxValue.isFinite else { return ([0, 1], 1) }
        let raw = maxValue * 1.1 / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let count = Int((maxValue * 1.1 / step).rounded(.up))
        return ((0...count).map { Double($0) * step }, Double(count) * step)
    }

    /// 1234567 → "1.23M", 45000 → "45k".
    static func short(_ value: Double) -> String {
        if value >= 1_000_000 { return trim(Format.decimal(value / 1_000_000, 2)) + "M" }
        if value >= 1000 { return trim(Format.decimal(value / 1000, value >= 100_000 ? 0 : 1)) + "k" }
        return trim(Format.decimal(value, value >= 10 ? 0 : 1))
    }

    static func trim(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var s = s
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func f(_ v: Double) -> String { trim(Format.decimal(v, 1)) }

    /// Escapes text for XML content and attributes.
    static func esc(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
