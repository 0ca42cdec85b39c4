#!/usr/bin/env python3
"""The reference outputs our Inception-v3 is tested against (Tests/EvaluationTests).

    python3 Experiments/Evaluation/inception_reference.py OUTPUT_FOLDER [--seed 0]
    python3 Experiments/Evaluation/inception_reference.py --check   # are the packages importable?

Builds pytorch-fid's FID Inception-v3 with random weights (seeded; batch-norm statistics
calibrated on random images, then scale and shift perturbed, so that no layer is trivial),
saves them as a .pth, converts that file with convert_inception_weights.py into
OUTPUT_FOLDER/weights.h5, and writes OUTPUT_FOLDER/reference.h5: the test images (uint8),
pytorch-fid's resized inputs (`F.interpolate`, bilinear, before the [-1, 1] mapping), the 2,048
pooled features, the logits and the logits without the fc bias. Needs torch, torchvision,
pytorch-fid, numpy and h5py; downloads nothing.
"""
import argparse
import os
import subprocess
import sys
import types
import warnings


def import_pytorch_fid():
    # PyPI's torchvision is built against CUDA torch; with the CPU torch its compiled operators
    # (nms, roi_align, …) do not load and registering their meta kernels fails at import. The
    # Inception network needs none of them, so that registration is skipped.
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    warnings.simplefilter("ignore")
    from pytorch_fid import inception
    return inception


def random_reference(inception, seed):
    """pytorch-fid's InceptionV3 wrapper (resize, normalise, FID network) with seeded random weights."""
    import torch

    torch.manual_seed(seed)
    inception.load_state_dict_from_url = lambda *args, **kwargs: None
    loading = torch.nn.Module.load_state_dict
    torch.nn.Module.load_state_dict = lambda self, state, strict=True, assign=False: None
    try:
        network = inception.fid_inception_v3()          # random initialisation, nothing loaded
    finally:
        torch.nn.Module.load_state_dict = loading
    # Calibrate the batch-norm statistics on random images, so activations stay of order one.
    for module in network.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.momentum = None                      # cumulative average
            module.reset_running_stats()
    network.train()
    with torch.no_grad():
        network(torch.rand(16, 3, 299, 299) * 2 - 1)
        for module in network.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0, 0.1)
        network.fc.bias.normal_(0, 1)
    state = network.state_dict()
    inception.load_state_dict_from_url = lambda *args, **kwargs: state
    wrapper = inception.InceptionV3([inception.InceptionV3.BLOCK_INDEX_BY_DIM[2048]], resize_input=True,
                                    normalize_input=True, use_fid_inception=True).eval()
    return wrapper, state


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", nargs="?", help="the folder to write weights.h5 and reference.h5 into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="only check that every package imports")
    arguments = parser.parse_args()
    if arguments.check:
        import h5py, numpy, scipy, torch  # noqa: F401
        import_pytorch_fid()
        return
    if not arguments.output:
        parser.error("the output folder is required")

    import h5py
    import numpy as np
    import torch
    import torch.nn.functional as F

    inception = import_pytorch_fid()
    wrapper, state = random_reference(inception, arguments.seed)
    os.makedirs(arguments.output, exist_ok=True)
    source = os.path.join(arguments.output, "random-inception.pth")
    torch.save(state, source)
    weights = os.path.join(arguments.output, "weights.h5")
    converter = os.path.join(os.path.dirname(os.path.abspath(__file__)), "convert_inception_weights.py")
    subprocess.run([sys.executable, converter, source, weights, "--force"], check=True, stdout=subprocess.DEVNULL)

    generator = np.random.default_rng(arguments.seed)
    with h5py.File(os.path.join(arguments.output, "reference.h5"), "w") as f:
        # Two geometries: upsampling RGB 32×32 (CIFAR-10's size) and downsampling 320×304.
        for name, shape in [("small", (3, 3, 32, 32)), ("large", (2, 3, 320, 304))]:
            images = generator.integers(0, 256, size=shape, dtype=np.uint8)
            x = torch.from_numpy(images.astype(np.float32) / 255)
            with torch.no_grad():
                resized = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
                features = wrapper(x)[0].flatten(1)
                weight, bias = state["fc.weight"], state["fc.bias"]
                unbiased = features @ weight.T
            group = f.create_group(name)
            group["images"] = images
            group["resized"] = resized.numpy()
            group["features"] = features.numpy()
            group["logits"] = (unbiased + bias).numpy()
            group["unbiased_logits"] = unbiased.numpy()
    print(f"wrote {weights} and {os.path.join(arguments.output, 'reference.h5')}")


if __name__ == "__main__":
    main()
