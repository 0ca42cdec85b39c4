import Reporting
import Testing

/// The progress bar's lines, throttling and plain-log behaviour, with a fake clock.
@Suite struct ProgressBarTests {
    final class Recorder {
        var lines: [String] = []
        var now = 0.0
    }

    /// 1000 items at 10 per second without a terminal: one line per 10 %, then a summary.
    @Test func plainLogGetsOneLinePerTenth() {
        let recorder = Recorder()
        let bar = ProgressBar(total: 1000, label: "train", isTerminal: false,
                              clock: { recorder.now }, output: { recorder.lines.append($0) })
        for _ in 0..<1000 {
            recorder.now += 0.1
            bar.advance()
        }
        bar.finish()
        #expect(recorder.lines.count == 11)
        #expect(recorder.lines[4] == "train [############............]  500/1000  50%  10.0 it/s  ETA 0:50\n")
        #expect(recorder.lines[9] == "train [########################]  1000/1000  100%  10.0 it/s  ETA 0:00\n")
        #expect(recorder.lines[10] == "train done: 1000 in 1:40 (10.0 it/s)\n")
    }

    /// A slow loop still logs at least every `plainInterval` seconds.
    @Test func plainLogReportsSlowLoopsPeriodically() {
        let recorder = Recorder()
        let bar = ProgressBar(total: 1000, isTerminal: false, plainInterval: 30,
                              clock: { recorder.now }, output: { recorder.lines.append($0) })
        for _ in 0..<20 {
            recorder.now += 10
            bar.advance()
        }
        #expect(recorder.lines.count == 6, "20 items over 200 s, nothing reaches 10 %: a line every 30 s")
        #expect(recorder.lines.first == "[........................]  3/1000  0%  10.0 s/it  ETA 2:46:10\n")
    }

    /// On a terminal the line is redrawn in place, at most every 0.1 s, and always at the end.
    @Test func terminalRedrawsInPlaceAndThrottles() {
        let recorder = Recorder()
        let bar = ProgressBar(total: 500, label: "eval", isTerminal: true,
                              clock: { recorder.now }, output: { recorder.lines.append($0) })
        for _ in 0..<500 {
            recorder.now += 0.001
            bar.advance()
        }
        bar.finish()
        #expect(recorder.lines.allSatisfy { $0.hasPrefix("\r") })
        #expect((5...7).contains(recorder.lines.count - 1), "0.5 s of work redrawn about every 0.1 s: \(recorder.lines.count - 1)")
        #expect(recorder.lines[recorder.lines.count - 2].hasPrefix("\reval [########################]  500/500  100%"))
        #expect(recorder.lines.last == "\reval done: 500 in 0:01 (1000.0 it/s)\u{1B}[K\n")
    }

    @Test func zeroTotalIsComplete() {
        let recorder = Recorder()
        let bar = ProgressBar(total: 0, isTerminal: false, clock: { recorder.now }, output: { recorder.lines.append($0) })
        #expect(bar.status(at: 0) == "[########################]  0/0  100%")
    }
}
