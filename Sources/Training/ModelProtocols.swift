import TensorCore

/// A model that draws samples: what evaluators and reports use, whatever the family (a GAN's
/// generator, a VAE's decoder, a flow, a PixelCNN).
public protocol SampleGenerator: AnyObject {
    /// `count` samples `[count, …]` from `random`, without recording the graph.
    func sample(count: Int, random: inout RandomStream) throws -> Tensor
}

extension SampleGenerator {
    /// `count` samples drawn in chunks of at most `chunk` rows (bounded memory; a model with
    /// batch norm in training mode normalises each chunk by its own statistics), concatenated.
    public func sample(count: Int, random: inout RandomStream, chunk: Int) throws -> Tensor {
        let sizes = stride(from: 0, to: count, by: max(1, chunk)).map { min(max(1, chunk), count - $0) }
        return try Tensor.concatenate(try sizes.map { try sample(count: $0, random: &random) }, axis: 0)
    }
}

/// A model with a log-likelihood: what likelihood evaluations (NLL, bits per dimension) use.
public protocol LikelihoodModel: AnyObject {
    /// ln p(x) in nats for each row of `inputs` `[B, …]`: `[B]`. For continuous models on
    /// dequantised data this is a density; the BPD accounting adds the discretisation offset.
    func logLikelihood(_ inputs: Tensor) throws -> Tensor
}

/// A sampler whose samples are differentiable in its parameters (a GAN's generator, a flow's
/// inverse): what adversarial losses train through.
public protocol DifferentiableSampler: SampleGenerator {
    /// `count` samples `[count, …]` from `random`, recording the graph.
    func generate(count: Int, random: inout RandomStream) throws -> Tensor
}
