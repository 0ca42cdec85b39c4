import AGAVE
import Autoregressive
import Foundation
import Training
import Variational

/// The likelihood models a density run trains.
public enum DensityModelKind: String, Codable, CaseIterable, Sendable {
    /// NICE (additive couplings of MLPs, diagonal scaling, logistic prior) on flattened images.
    case nice
    /// Real-NVP (multi-scale affine couplings of residual networks, batch norm, Gaussian prior).
    case realnvp
    /// A VAE of MLPs with a Gaussian encoder.
    case vae
    /// A convolutional top-down hierarchical VAE.
    case hvae
    /// PixelCNN++ (exact discrete likelihood, autoregressive over pixels).
    case pixelcnn
    /// AGAVE (chapter 3): the hierarchical VAE's encoder and auxiliary decoder with a PixelCNN++
    /// conditioned on f(z).
    case agave
}

/// The decoder likelihood of the VAEs.
public enum ObservationKind: String, Codable, CaseIterable, Sendable {
    /// A discretised logistic on the 256 pixel values, one scale per channel: a discrete
    /// likelihood, no dequantisation.
    case discretizedLogistic = "discretized-logistic"
    /// A factorised Gaussian with a learned isotropic σ on dequantised data in [0, 1).
    case gaussian
}

/// The density family's settings: the data, the model and its architecture, the variational
/// objective and the evaluation (keys in snake_case, e.g. `residual_blocks`).
public struct DensitySettings: SettingsGroup {
    public var model: DensityModelKind = .realnvp
    /// Training images: an HDF5 file of uint8 `[N, C, H, W]` with 256 levels
    /// (`mixedbatch data mnist5k` writes data/mnist5k-train.h5).
    public var data = "data/mnist5k-train.h5"
    /// Held-out images for the final NLL / BPD; none: only the training NLL is reported.
    public var testData: String? = "data/mnist5k-test.h5"
    public var batchSize = 64
    /// NICE: coupling layers, and hidden layers and units of each coupling's MLP; the dense
    /// VAE: hidden layers and units of its encoder and decoder.
    public var couplings = 4
    public var hiddenLayers = 5
    public var hiddenUnits = 1000
    /// NICE: initialise the final diagonal scaling from the first batch (ActNorm) rather than
    /// at 0 (see `FlowArchitectures.nice`).
    public var dataInitializedScaling = true
    /// Real-NVP: scales, residual blocks per coupling network, their channels (also the
    /// hierarchical VAE's), couplings of the last scale, batch normalisation.
    public var scales = 2
    public var residualBlocks = 2
    public var features = 32
    public var finalCouplings = 4
    public var batchNorm = true
    /// VAEs: decoder likelihood, latent size (dense VAE), stochastic layers and their
    /// channels (hierarchical VAE and AGAVE's), the posterior (`iaf`: one inverse
    /// autoregressive step per stochastic layer, the IAF-VAE of Kingma et al. 2016), the
    /// training bound and its shaping.
    public var observation: ObservationKind = .discretizedLogistic
    public var latentSize = 32
    public var groups = 2
    public var latentChannels = 32
    public var posteriorFlow: PosteriorFlow = .none
    public var importanceSamples = 1
    public var klWarmupSteps = 0
    public var freeBits: Float = 0
    /// PixelCNN++ (`pixelcnn`, and AGAVE's decoder): filters of both streams, gated blocks per
    /// level, levels, logistic mixture components, dropout inside the blocks, and the width of
    /// the conditioning stream; weight normalisation with data-dependent initialisation
    /// (PixelCNN++'s; off: PyTorch's default initialisation).
    public var pixelcnnFilters = 32
    public var pixelcnnBlocks = 2
    public var pixelcnnResolutions = 3
    public var mixtureComponents = 5
    public var dropout: Float = 0.5
    public var conditionFeatures = 32
    public var pixelcnnWeightNorm = true
    /// AGAVE (Eq. 3.13): λ, the weight of the auxiliary reconstruction (0 with λ = 1: the naive
    /// model of Eq. 3.6), the colour levels b of the auxiliary image (Eq. 3.17), the side of
    /// the blocks it averages (2 or 4: Fig. 3.9's 16×16 and 8×8 auxiliaries of 32×32 images),
    /// whether it is the luminance of RGB images (with 16 levels the thesis' 4-bit grayscale
    /// auxiliary, Fig. 3.9a), and the steps that train the VAE and the PixelCNN apart before
    /// the joint objective.
    public var klWeight: Float = 2
    public var auxiliaryWeight: Float = 1
    public var auxiliaryLevels = 256
    public var auxiliaryDownsampling = 1
    public var auxiliaryGrayscale = false
    public var pretrainIterations = 0
    /// k of the IWAE bound the evaluation reports for VAEs (150 as chapter 3's tables).
    public var evaluationImportanceSamples = 150
    /// Evaluate on at most this many held-out images (all when unset) and as many training
    /// images (1,000 when unset).
    public var evaluationRows: Int?
    /// Score at most this many training images (unset: `evaluation_rows`, else 1,000).
    public var trainEvaluationRows: Int?
    /// The training images the final evaluation scores.
    public var trainingRowsEvaluated: Int { trainEvaluationRows ?? evaluationRows ?? 1_000 }
    /// Images in the sample grid (`samples.png`, 8 per row).
    public var gridSamples = 64
    /// A label appended to the model in the run's name (`agave-l8-b32-mnist5k-train-s0`), so
    /// that a chapter's variants of one model get their own folders.
    public var tag: String?
    /// A `checkpoint.h5` of a run of the same model and architecture whose weights this run
    /// starts from (its optimiser state and step are not taken): chapter 3's control
    /// experiment continues a trained AGAVE without its auxiliary loss.
    public var initialWeights: String?

    public init() {}

    /// The PixelCNN++ of `pixelcnn` (unconditional) or of `agave` (conditioned on an image of
    /// `conditionChannels` channels).
    public func pixelCNNArchitecture(conditionChannels: Int?) -> PixelCNNArchitecture {
        PixelCNNArchitecture(filters: pixelcnnFilters, resnetBlocks: pixelcnnBlocks, resolutions: pixelcnnResolutions,
                             components: mixtureComponents, dropout: dropout, conditionChannels: conditionChannels,
                             conditionFeatures: conditionFeatures, weightNormalization: pixelcnnWeightNorm)
    }

    public var agaveObjective: AGAVEObjective {
        AGAVEObjective(klWeight: klWeight, auxiliaryWeight: auxiliaryWeight, pretrainIterations: pretrainIterations)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, data, testData = "test_data", batchSize = "batch_size", couplings, hiddenLayers = "hidden_layers"
        case hiddenUnits = "hidden_units", dataInitializedScaling = "data_initialized_scaling", scales, residualBlocks = "residual_blocks", features
        case finalCouplings = "final_couplings", batchNorm = "batch_norm", observation, latentSize = "latent_size", groups
        case latentChannels = "latent_channels", posteriorFlow = "posterior_flow", importanceSamples = "importance_samples"
        case klWarmupSteps = "kl_warmup_steps", freeBits = "free_bits"
        case evaluationImportanceSamples = "evaluation_importance_samples", evaluationRows = "evaluation_rows"
        case trainEvaluationRows = "train_evaluation_rows"
        case gridSamples = "grid_samples"
        case pixelcnnFilters = "pixelcnn_filters", pixelcnnBlocks = "pixelcnn_blocks", pixelcnnResolutions = "pixelcnn_resolutions"
        case mixtureComponents = "mixture_components", dropout, conditionFeatures = "condition_features"
        case pixelcnnWeightNorm = "pixelcnn_weight_norm"
        case klWeight = "kl_weight", auxiliaryWeight = "auxiliary_weight", auxiliaryLevels = "auxiliary_levels"
        case auxiliaryDownsampling = "auxiliary_downsampling", auxiliaryGrayscale = "auxiliary_grayscale"
        case pretrainIterations = "pretrain_iterations", tag, initialWeights = "initial_weights"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public static func allowedValues(forKey key: String) -> [String]? {
        switch key {
        case "model": return DensityModelKind.allCases.map(\.rawValue)
        case "observation": return ObservationKind.allCases.map(\.rawValue)
        case "posterior_flow": return PosteriorFlow.allCases.map(\.rawValue)
        default: return nil
        }
    }

    public func validate() throws {
        try requireSetting(!data.isEmpty, "data must name an HDF5 image file (make one with `mixedbatch data mnist5k`)")
        try requireCounts(["batch_size": batchSize, "hidden_units": hiddenUnits, "features": features, "latent_size": latentSize,
                           "latent_channels": latentChannels, "importance_samples": importanceSamples,
                           "evaluation_importance_samples": evaluationImportanceSamples], in: SettingBounds.units)
        try requireCounts(["couplings": couplings, "hidden_layers": hiddenLayers, "scales": scales,
                           "final_couplings": finalCouplings, "groups": groups], in: SettingBounds.layers)
        try requireCounts(["grid_samples": gridSamples], in: 1...4_096)
        try requireCounts(["pixelcnn_filters": pixelcnnFilters, "mixture_components": mixtureComponents,
                           "condition_features": conditionFeatures], in: SettingBounds.units)
        try requireCounts(["pixelcnn_resolutions": pixelcnnResolutions], in: SettingBounds.layers)
        try requireCounts(["pixelcnn_blocks": pixelcnnBlocks], in: 0...SettingBounds.layers.upperBound)
        try requireSetting(dropout >= 0 && dropout < 1, "dropout = \(dropout) must be in [0, 1)")
        try requireSetting([2, 4, 8, 16, 32, 64, 128, 256].contains(auxiliaryLevels),
                           "auxiliary_levels = \(auxiliaryLevels) must be a power of 2 from 2 to 256 (a divisor of 256)")
        try requireSetting([1, 2, 4, 8].contains(auxiliaryDownsampling),
                           "auxiliary_downsampling = \(auxiliaryDownsampling) must be 1, 2, 4 or 8 (the side of the blocks y averages)")
        try agaveObjective.validate()
        try requireSetting(tag.map { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." } } ?? true,
                           "tag = \"\(tag ?? "")\" must be letters, digits, '-' and '.' only (it becomes part of a folder name)")
        try requireCounts(["residual_blocks": residualBlocks], in: 0...SettingBounds.layers.upperBound)
        // Parameters, gradients and Adam's two moments (4 floats each) of the largest networks.
        let denseWeights = Double(couplings) * Double(hiddenLayers + 1) * Double(hiddenUnits) * Double(hiddenUnits)
        let convolutionWeights = 9 * 2 * Double(residualBlocks + 1) * Double(features) * Double(features)
            * Double(scales) * Double(6 + finalCouplings)
        try MemoryBudget.require(16 * max(denseWeights, convolutionWeights), for: "the model's parameters and optimiser state",
                                 lower: "hidden_units, hidden_layers, couplings, features, residual_blocks or scales")
        try requireSetting(klWarmupSteps >= 0, "kl_warmup_steps = \(klWarmupSteps) must be ≥ 0")
        try requireSetting(freeBits >= 0 && freeBits.isFinite, "free_bits = \(freeBits) must be ≥ 0")
        try requireSetting(SettingBounds.samples.contains(evaluationRows ?? 1),
                           "evaluation_rows must be in 1…10⁷ (or unset: every held-out image)")
        try requireSetting(SettingBounds.samples.contains(trainEvaluationRows ?? 1),
                           "train_evaluation_rows must be in 1…10⁷ (or unset: evaluation_rows, else 1,000)")
        try requireSetting(importanceSamples == 1 || (klWarmupSteps == 0 && freeBits == 0),
                           "kl_warmup_steps and free_bits shape the ELBO; with importance_samples > 1 set both to 0")
    }
}
