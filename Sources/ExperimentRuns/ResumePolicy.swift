import Reporting
import TensorCore
import Training

/// How a run treats a folder that already holds (part of) it: whether to continue or report
/// it at all (`--resume`), which settings may differ from the checkpoint's config
/// (`--allow-change`), and whether other data files may take the place of the ones the
/// checkpoint was trained on (`--allow-other-data`).
///
/// `false` and `true` are the two plain policies (`execute(resume: true)`): refuse any folder
/// that holds a run, or continue / report it unchanged.
public struct ResumePolicy: Equatable, Sendable, ExpressibleByBooleanLiteral {
    /// Continue an unfinished run, report a finished one.
    public var resume: Bool
    /// Settings that may differ from the checkpoint's config; only a config's
    /// `continuableKeys` may be named. The run then continues from its checkpoint with the new
    /// values — also a diverged or finished one — and records each change (`ConfigChange`).
    public var allowedChanges: Set<String>
    /// Continue although a data file's fingerprint differs from the one the checkpoint recorded.
    public var allowOtherData: Bool

    public init(resume: Bool, allowedChanges: Set<String> = [], allowOtherData: Bool = false) {
        self.resume = resume
        self.allowedChanges = allowedChanges
        self.allowOtherData = allowOtherData
    }

    public init(booleanLiteral resume: Bool) { self.init(resume: resume) }
}

/// A setting changed when a run was continued (`--resume --allow-change key`), recorded in
/// the log, `result.json` and `manifest.json`.
public struct ConfigChange: Codable, Equatable, Sendable {
    /// The iteration of the checkpoint the run continued from.
    public var iteration: Int
    public var key: String
    public var from: JSONValue
    public var to: JSONValue
    /// How the run had ended before it was continued: `completed`, `diverged: <why>`, or
    /// `unfinished` (interrupted).
    public var previousStatus: String

    public init(iteration: Int, key: String, from: JSONValue, to: JSONValue, previousStatus: String) {
        self.iteration = iteration
        self.key = key
        self.from = from
        self.to = to
        self.previousStatus = previousStatus
    }
}

extension RunConfiguration {
    /// The settings a run may change when it continues from a checkpoint: the optimiser's
    /// step sizes and clipping, the length and cadence of training and the evaluation's size —
    /// never the model, data, method or seed.
    public static var continuableKeys: Set<String> {
        Set(configKeys).intersection([
            "learning_rate", "lr_decay_per_step", "lr_warmup_steps", "gradient_clip_norm", "weight_decay",
            "iterations", "checkpoint_every", "history_every", "evaluation_samples", "evaluation_rows",
            "evaluation_importance_samples", "grid_samples", "curve_samples",
        ])
    }

    /// The keys whose values differ between this config and `other`, sorted.
    public func differingKeys(from other: Self) throws -> [String] {
        let mine = try jsonObject(), theirs = try other.jsonObject()
        return Set(mine.keys).union(theirs.keys).filter { mine[$0] != theirs[$0] }.sorted()
    }

    /// A short hash of every setting (16 hex digits), e.g. for default folder names.
    public var contentHash: String {
        get throws { FNV1aHash.of(try jsonText()).hex }
    }
}
