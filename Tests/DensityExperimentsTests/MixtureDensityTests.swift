import Datasets
import DensityExperiments
import Foundation
import Reporting
import Testing

@Suite struct MixtureDensityTests {
    /// The Monte Carlo entropy of a mixture with well-separated modes matches
    /// ln K + ln(2πeσ²), and of one with overlapping modes lies below it (overlap lowers it).
    @Test func theEntropyEstimateMatchesTheSeparatedClosedForm() throws {
        let separated = try GaussianMixture2D.named("circles")
        let (entropy, error) = try MixtureDensities.entropy(of: separated, samples: 100_000, seed: 1)
        let sigma = Double(separated.standardDeviation)
        let closedForm = log(Double(separated.modeCount)) + log(2 * Double.pi * M_E * sigma * sigma)
        #expect(abs(entropy - closedForm) < 5 * error + 1e-3, "\(entropy) ± \(error) vs \(closedForm)")
        let overlapping = try GaussianMixture2D.squares(modesPerSide: 2, spacing: 0.5, standardDeviation: 0.5)
        let (lower, lowerError) = try MixtureDensities.entropy(of: overlapping, samples: 100_000, seed: 2)
        #expect(lower + 5 * lowerError < log(4) + log(2 * Double.pi * M_E * 0.25))
    }

    /// A briefly trained flow's test NLL stays above the entropy (no model goes below it).
    @Test func aFittedFlowStaysAboveTheEntropy() throws {
        var settings = MixtureDensities.Settings()
        settings.iterations = 60
        settings.couplings = 4
        settings.hiddenUnits = 16
        settings.testSamples = 4_000
        settings.entropySamples = 20_000
        let table = try MixtureDensities.table(settings, mixtures: ["circles"])
        let nll = try table.column("flow_test_nll")[0], entropy = try table.column("entropy_nats")[0]
        guard case let .number(n) = nll, case let .number(h) = entropy else { Issue.record("not numbers"); return }
        #expect(n > h && n.isFinite, "NLL \(n) vs entropy \(h)")
    }
}
