import Foundation

/// One axis of a plot: its label, its range (fixed, or fitted to the data) and its scale.
public struct PlotAxis: Equatable, Sendable {
    public enum Scale: Equatable, Sendable {
        case linear
        /// Base-10 logarithmic; every value shown must be > 0.
        case logarithmic
    }

    public var label: String
    /// The range shown; `nil` fits the data with a 5 % margin.
    public var limits: ClosedRange<Double>?
    public var scale: Scale

    public init(label: String = "", limits: ClosedRange<Double>? = nil, scale: Scale = .linear) {
        self.label = label
        self.limits = limits
        self.scale = scale
    }

    /// The range to draw: `limits` when set (checked to be finite, non-empty and positive on
    /// a log scale), otherwise the range of the finite `values` plus a 5 % margin.
    func resolvedLimits(values: [Double], axisName: String) throws -> ClosedRange<Double> {
        if let limits {
            guard limits.lowerBound.isFinite, limits.upperBound.isFinite, limits.lowerBound < limits.upperBound else {
                throw ReportingError.invalidArgument(
                    operation: "plot", detail: "\(axisName) limits \(limits) must be finite with lower < upper")
            }
            guard scale == .linear || limits.lowerBound > 0 else {
                throw ReportingError.invalidArgument(
                    operation: "plot", detail: "\(axisName) limits \(limits) must be > 0 on a logarithmic axis")
            }
            return limits
        }
        let finite = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        guard let low = finite.min(), let high = finite.max() else { return scale == .linear ? 0...1 : 1...10 }
        switch scale {
        case .linear:
            let span = high - low
            let margin = span > 0 ? 0.05 * span : max(abs(low) * 0.1, 1)
            return (low - margin)...(high + margin)
        case .logarithmic:
            let decades = log10(high) - log10(low)
            let factor = decades > 0 ? pow(10, 0.05 * decades) : 10
            return (low / factor)...(high * factor)
        }
    }

    /// Where `value` falls between the limits: 0 at the lower limit, 1 at the upper one.
    func fraction(of value: Double, in limits: ClosedRange<Double>) -> Double {
        switch scale {
        case .linear:
            return (value - limits.lowerBound) / (limits.upperBound - limits.lowerBound)
        case .logarithmic:
            guard value > 0 else { return .nan }
            return (log10(value) - log10(limits.lowerBound)) / (log10(limits.upperBound) - log10(limits.lowerBound))
        }
    }

    /// Tick positions and their labels within `limits`: multiples of 1, 2 or 5 × 10^k giving
    /// about `target` ticks on a linear axis; powers of ten (with 2 and 5 × 10^k when the
    /// range spans less than two decades) on a logarithmic one.
    func ticks(in limits: ClosedRange<Double>, target: Int = 6) -> [(value: Double, label: String)] {
        switch scale {
        case .linear:
            let step = Self.niceStep((limits.upperBound - limits.lowerBound) / Double(max(target, 1)))
            let decimals = max(0, Int(-log10(step).rounded(.down)))
            let first = (limits.lowerBound / step).rounded(.up), last = (limits.upperBound / step).rounded(.down)
            guard first <= last else { return [] }
            return stride(from: first, through: last, by: 1).map { multiple in
                let value = multiple * step
                return (value, Table.formatted(abs(value) < step * 1e-9 ? 0 : value, decimals: decimals))
            }
        case .logarithmic:
            let lowDecade = Int(log10(limits.lowerBound).rounded(.down))
            let highDecade = Int(log10(limits.upperBound).rounded(.up))
            let multipliers: [Double] = highDecade - lowDecade <= 2 ? [1, 2, 5] : [1]
            let every = max(1, (highDecade - lowDecade + target - 1) / max(target, 1))
            var ticks = [(value: Double, label: String)]()
            for decade in stride(from: lowDecade, through: highDecade, by: 1) where (decade - lowDecade) % every == 0 {
                for multiplier in multipliers {
                    let value = multiplier * pow(10, Double(decade))
                    if limits.contains(value) { ticks.append((value, Self.compactLabel(value))) }
                }
            }
            return ticks
        }
    }

    /// The multiple of 1, 2 or 5 × 10^k nearest above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        let residual = raw / magnitude
        let factor: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10
        return factor * magnitude
    }

    /// `0.01`, `1`, `250`, `20000`, or `1e+06` outside [1e-3, 1e6).
    static func compactLabel(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.0e", value) }
        var text = String(format: "%.3f", value)
        while text.contains("."), text.hasSuffix("0") || text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
