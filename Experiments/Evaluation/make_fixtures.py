#!/usr/bin/env python3
"""Writes the fixtures of Tests/EvaluationTests/Fixtures, once; they are committed.

    .venv-reference/bin/python Experiments/Evaluation/make_fixtures.py Tests/EvaluationTests/Fixtures

- fid-scipy.npz (np.savez_compressed: deflated members): two correlated Gaussian feature sets
  `real` [300, 32] and `generated` [250, 32] (float64, seed 0) and `fid`, their Fréchet distance by
  pytorch-fid's `calculate_frechet_distance` (SciPy's `sqrtm`), which our FID must equal to 1e-6.
- images-nhwc.npy: uint8 [2, 5, 4, 3] images (NHWC) with pixel (n, y, x, c) = 100·n + 10·y + x + c.
- images-float.npz (np.savez: stored members): float32 [2, 1, 2, 2] images in [0, 1] under the name `samples`,
  beside a second array `other`, so a reader must be told which one.
"""
import os
import sys

import numpy as np


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from inception_reference import import_pytorch_fid
    import_pytorch_fid()  # with the torchvision work-around
    from pytorch_fid.fid_score import calculate_frechet_distance

    rng = np.random.default_rng(0)
    mixing = rng.normal(size=(32, 32)) / 6
    real = rng.normal(size=(300, 32)) @ mixing + 0.3
    generated = rng.normal(size=(250, 32)) @ (mixing + rng.normal(size=(32, 32)) / 20) + 0.1
    fid = calculate_frechet_distance(real.mean(0), np.cov(real, rowvar=False),
                                     generated.mean(0), np.cov(generated, rowvar=False))
    np.savez_compressed(os.path.join(folder, "fid-scipy.npz"), real=real, generated=generated, fid=np.array(fid))

    n, h, w, c = np.indices((2, 5, 4, 3))
    np.save(os.path.join(folder, "images-nhwc.npy"), ((100 * n + 10 * h + w + c) % 256).astype(np.uint8))
    samples = (np.arange(8, dtype=np.float32) / 7).reshape(2, 1, 2, 2)
    np.savez(os.path.join(folder, "images-float.npz"), samples=samples, other=np.zeros(3))
    print(f"FID {fid!r}")


if __name__ == "__main__":
    main()
