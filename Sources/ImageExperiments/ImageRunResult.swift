import ExperimentRuns
import Foundation

/// What a finished image run reports (`result.json`, next to `samples.png`): its metrics,
/// timing and the named metric history — the players' losses and the Fig. 4.6 curves
/// (`ImageRunResult.inceptionScoreSeries`, `ImageRunResult.fidSeries`).
public typealias ImageRunResult = RunResult<ImageRunConfig, ImageMetrics, NoExtras>

extension RunResult where Config == ImageRunConfig {
    /// The history's series of the IS analogue during training.
    public static var inceptionScoreSeries: String { "inception_score_analogue" }
    /// The history's series of the FID during training.
    public static var fidSeries: String { "fid" }
}
