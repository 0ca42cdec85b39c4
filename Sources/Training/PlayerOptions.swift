import Foundation

/// What a player does around its optimiser step beyond the plain update: gradient clipping
/// by global norm, a learning-rate schedule and parameter averaging (the options flows and
/// PixelCNN++ train with). The defaults change nothing.
public struct PlayerOptions: Equatable, Sendable {
    /// Rescale the player's gradients so that their global L2 norm is at most this.
    public var gradientClipNorm: Float?
    public var schedule = LearningRateSchedule()
    /// Keep an exponential moving average of the parameters with this decay (Polyak
    /// averaging; e.g. 0.9995 as PixelCNN++), used for evaluation and saved in checkpoints.
    public var averagingDecay: Float?

    public init(gradientClipNorm: Float? = nil, schedule: LearningRateSchedule = LearningRateSchedule(),
                averagingDecay: Float? = nil) {
        self.gradientClipNorm = gradientClipNorm
        self.schedule = schedule
        self.averagingDecay = averagingDecay
    }

    func validate(player: String) throws {
        if let norm = gradientClipNorm, !(norm > 0 && norm.isFinite) {
            throw TrainingError.invalidSetting("player '\(player)': the gradient clip norm \(norm) must be positive")
        }
        if let decay = averagingDecay, !(decay > 0 && decay < 1) {
            throw TrainingError.invalidSetting("player '\(player)': the averaging decay \(decay) must be in (0, 1)")
        }
        try schedule.validate(player: player)
    }
}

/// A learning rate that changes with the player's step t = 1, 2, …: a linear warm-up over
/// `warmupSteps`, then exponential decay by `decayPerStep` each step (PixelCNN++ decays by
/// 0.999995 per step; Real-NVP and Glow warm up). The rate at step t is
/// `base · min(1, t / warmupSteps) · decayPerStep^(t − 1)`.
public struct LearningRateSchedule: Equatable, Sendable {
    public var warmupSteps = 0
    public var decayPerStep: Double = 1

    public init(warmupSteps: Int = 0, decayPerStep: Double = 1) {
        self.warmupSteps = warmupSteps
        self.decayPerStep = decayPerStep
    }

    /// Whether the rate never changes.
    public var isConstant: Bool { warmupSteps == 0 && decayPerStep == 1 }

    /// The factor on the base rate at step `step` (from 1).
    public func factor(atStep step: Int) -> Double {
        let warmup = warmupSteps > 0 ? min(1, Double(step) / Double(warmupSteps)) : 1
        return warmup * pow(decayPerStep, Double(max(0, step - 1)))
    }

    func validate(player: String) throws {
        guard warmupSteps >= 0, decayPerStep > 0, decayPerStep <= 1 else {
            throw TrainingError.invalidSetting(
                "player '\(player)': warm-up steps \(warmupSteps) must be ≥ 0 and the decay per step \(decayPerStep) in (0, 1]")
        }
    }
}
