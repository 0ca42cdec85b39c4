import Evaluation
import TensorCore

/// Issue 17's speed number: Inception-v3 (FID variant) features and logits of a batch of 50
/// images, from CIFAR-sized 32×32 inputs resized to 299×299 — the work of `mixedbatch evaluate`
/// per batch — beside pytorch-fid's network in `pytorch_reference_inception.py`. Weights are
/// random (timing does not depend on them).
enum InceptionSteps {
    static func steps() throws -> [ComparedStep] {
        var random = RandomStream(seed: 17)
        let network = try InceptionV3.randomlyInitialised(random: &random)
        let images = random.uniform([50, 3, 32, 32])
        return [ComparedStep(name: "Inception-v3 features, batch 50, 32×32 → 299×299",
                             note: "forward only; images per second = 50,000 / ms", script: "pytorch_reference_inception.py",
                             referenceCase: "inception-b50", targetRatio: 1.0) {
            _ = try network(images)
        }]
    }
}
