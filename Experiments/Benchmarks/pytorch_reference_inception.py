"""PyTorch reference timing for issue 17: pytorch-fid's Inception-v3 (FID variant) on a batch of
50 random 32×32 RGB images (resized to 299×299 inside, as in `mixedbatch evaluate`), forward
only, without gradients, on the CPU with two threads; random weights.

Run from the repository root with the reference environment `make setup` makes:

    .venv-reference/bin/python Experiments/Benchmarks/pytorch_reference_inception.py

Prints the median wall time (ms) over at least 3 s after 3 warm-up calls (reference_timing.py).
Exits 0 with a note if torch or pytorch-fid is absent.
"""

import os
import sys

try:
    import torch
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Evaluation"))
    from inception_reference import import_pytorch_fid, random_reference
    inception = import_pytorch_fid()
except ImportError as error:
    print(f"{error}; skipping the PyTorch reference")
    sys.exit(0)

from reference_timing import run_cases


def inception_b50():
    network, _ = random_reference(inception, seed=17)
    images = torch.rand(50, 3, 32, 32)

    def step():
        with torch.no_grad():
            network(images)
    return step


CASES = [("inception-b50", "Inception-v3 features, batch 50, 32×32 → 299×299", inception_b50)]

if __name__ == "__main__":
    run_cases(CASES)
