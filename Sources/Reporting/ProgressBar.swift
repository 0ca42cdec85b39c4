import Foundation

/// A progress report for long loops, written to standard error.
///
/// On a terminal it redraws one line in place (`\r`), at most ten times a second:
/// `train [#######.............]  350/1000  35%  41.2 it/s  ETA 0:15`. When standard error
/// is not a terminal (CI logs, `make … 2> log`) it prints a plain line at every further
/// 10 % and at least every `plainInterval` seconds, so logs stay short and readable.
public final class ProgressBar {
    public let total: Int
    public let label: String
    public private(set) var completed = 0

    private let isTerminal: Bool
    private let clock: () -> Double
    private let output: (String) -> Void
    private let plainInterval: Double
    private let startTime: Double
    private var lastRedraw = -Double.infinity
    private var lastPlainLine: Double
    private var lastPlainTenth = 0
    private var finished = false

    /// A bar writing to standard error, redrawn in place when it is a terminal.
    public convenience init(total: Int, label: String = "") {
        self.init(total: total, label: label, isTerminal: isatty(STDERR_FILENO) != 0,
                  clock: { ProcessInfo.processInfo.systemUptime },
                  output: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// A bar with an explicit output, terminal mode and clock (seconds, monotonic) — for tests
    /// and for writing progress somewhere else.
    public init(total: Int, label: String = "", isTerminal: Bool, plainInterval: Double = 30,
                clock: @escaping () -> Double, output: @escaping (String) -> Void) {
        self.total = max(0, total)
        self.label = label
        self.isTerminal = isTerminal
        self.clock = clock
        self.output = output
        self.plainInterval = plainInterval
        startTime = clock()
        lastPlainLine = startTime
    }

    /// Records `count` more completed items and reports when due.
    public func advance(by count: Int = 1) {
        guard !finished else { return }
        completed += max(0, count)
        let now = clock()
        if isTerminal {
            if now - lastRedraw >= 0.1 || completed >= total {
                lastRedraw = now
                output("\r" + status(at: now) + "\u{1B}[K")
            }
        } else {
            let tenth = total == 0 ? 10 : min(10, completed * 10 / total)
            if tenth > lastPlainTenth || now - lastPlainLine >= plainInterval {
                lastPlainTenth = max(lastPlainTenth, tenth)
                lastPlainLine = now
                output(status(at: now) + "\n")
            }
        }
    }

    /// Prints the final state with the total time; later calls do nothing.
    public func finish() {
        guard !finished else { return }
        finished = true
        let now = clock()
        let elapsed = now - startTime
        let rate = elapsed > 0 ? " (\(Self.rate(Double(completed) / elapsed)))" : ""
        let summary = "\(label.isEmpty ? "" : label + " ")done: \(completed) in \(Self.duration(elapsed))\(rate)"
        output(isTerminal ? "\r" + summary + "\u{1B}[K\n" : summary + "\n")
    }

    /// The status line at time `now`: label, bar, count, percentage, rate and ETA.
    public func status(at now: Double) -> String {
        let fraction = total == 0 ? 1 : min(1, Double(completed) / Double(total))
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
        let elapsed = now - startTime
        var parts = [bar, "\(completed)/\(total)", "\(Int((fraction * 100).rounded(.down)))%"]
        if elapsed > 0, completed > 0 {
            let perSecond = Double(completed) / elapsed
            parts.append(Self.rate(perSecond))
            parts.append("ETA " + Self.duration(Double(max(0, total - completed)) / perSecond))
        }
        return (label.isEmpty ? "" : label + " ") + parts.joined(separator: "  ")
    }

    /// `41.2 it/s`, or `2.5 s/it` when slower than one item a second.
    static func rate(_ perSecond: Double) -> String {
        perSecond >= 1 || perSecond == 0 ? String(format: "%.1f it/s", perSecond) : String(format: "%.1f s/it", 1 / perSecond)
    }

    /// `0:07`, `12:34`, `1:02:03`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}
