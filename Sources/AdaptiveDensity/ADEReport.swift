import Foundation
import Reporting

/// Table 5.1's analogue from finished runs, beside the thesis' CIFAR-10 numbers.
public enum ADEReport {
    /// The thesis' Table 5.1 (CIFAR-10): BPD (bracketed for the GAN: an inference-network
    /// estimate), IS, FID.
    public static func thesis(_ variant: ADEVariant) -> (bpd: String, inceptionScore: Double, fid: Double) {
        switch variant {
        case .gan: return ("[7.0]", 6.8, 31.4)
        case .vae: return ("4.4", 2.0, 171.0)
        case .vade: return ("3.5", 3.0, 112.0)
        case .avgde: return ("4.4", 5.1, 58.6)
        case .avade: return ("3.9", 7.1, 28.0)
        }
    }

    private static func number(_ value: Double?) -> TableValue { value.map(TableValue.number) ?? .missing }

    /// One row per run; aggregate with `meanAndStandardDeviation(groupedBy: keys)`.
    public static func runs(_ results: [ADERunResult]) throws -> Table {
        var table = try Table(columns: keys + ["BPD", "ELBO BPD", "FID", "KID", "IS", "MODE", "precision", "recall",
                                               "parameters", "f_ψ parameters", "seconds"])
        for result in results {
            let variant = result.config.variant, thesis = thesis(variant), metrics = result.metrics
            try table.append([.text(variant.label + (variant.hasFeatureMap ? " †" : "")), .text(thesis.bpd),
                              .number(thesis.inceptionScore), .number(thesis.fid),
                              number(metrics.test?.bpd), number(metrics.test?.elboBPD), number(metrics.samples?.fid),
                              number(metrics.samples?.kid), number(metrics.samples?.inceptionScore),
                              number(metrics.samples?.modeScore), number(metrics.samples?.precision),
                              number(metrics.samples?.recall), .integer(metrics.parameters),
                              .integer(metrics.featureMapParameters), .number(result.seconds)])
        }
        return table
    }

    public static let keys = ["model", "thesis BPD", "thesis IS", "thesis FID"]
}
