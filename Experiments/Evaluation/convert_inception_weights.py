#!/usr/bin/env python3
"""Converts Inception-v3 FID weights from PyTorch into a MixedBatch checkpoint.

    python3 Experiments/Evaluation/convert_inception_weights.py \
        pt_inception-2015-12-05-6726825d.pth data/inception-v3-fid.h5

The source is the state dict that pytorch-fid and torch-fidelity download (the FID variant of
Inception-v3, 1,008 classes). Obtain it on a machine with internet access (README, "Evaluating
samples"); nothing here downloads anything. Needs torch, numpy and h5py.

The output is our HDF5 checkpoint format (format "mixedbatch-checkpoint", version 1): every
tensor is a float32 dataset /modules/inception_v3/<state-dict key>, except that BatchNorm's
`running_mean` / `running_var` are named `runningMean` / `runningVariance` and the
`num_batches_tracked` counters are dropped. /metadata records the network name, the source
file and its SHA-256, which `mixedbatch evaluate` prints beside every score.
"""
import argparse
import hashlib
import os
import re
import sys

MODULE = "inception_v3"
NETWORK = "inception-v3-fid"
RENAMED = {"running_mean": "runningMean", "running_var": "runningVariance"}


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checkpoint_key(key):
    """The checkpoint path of a state-dict key, or None for a key that is not a weight."""
    head, _, last = key.rpartition(".")
    if last == "num_batches_tracked":
        return None
    return f"{head}.{RENAMED.get(last, last)}" if head else RENAMED.get(last, last)


def write_checkpoint(state, output, source_file, source_sha256, force=False):
    """Writes `state` (name -> tensor or array) as a MixedBatch checkpoint at `output`."""
    import h5py
    import numpy as np

    if os.path.exists(output) and not force:
        sys.exit(f"error: {output} exists; pass --force to replace it")
    temporary = output + ".partial"
    with h5py.File(temporary, "w") as f:
        f.attrs["format"] = "mixedbatch-checkpoint"
        f.attrs["format_version"] = np.int64(1)
        f.attrs["step"] = np.int64(0)
        metadata = f.create_group("metadata")
        metadata.attrs["network"] = NETWORK
        metadata.attrs["source_file"] = source_file
        metadata.attrs["source_sha256"] = source_sha256
        group = f.create_group("modules").create_group(MODULE)
        for key, value in state.items():
            path = checkpoint_key(key)
            if path is None:
                continue
            array = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
            group.create_dataset(path, data=array.astype(np.float32), fletcher32=True)
        f.create_group("optimizers")
        f.create_group("random")
    os.replace(temporary, output)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="the PyTorch state dict (.pth), e.g. pt_inception-2015-12-05-6726825d.pth")
    parser.add_argument("output", help="the HDF5 checkpoint to write")
    parser.add_argument("--force", action="store_true", help="replace an existing output file")
    arguments = parser.parse_args()

    import torch

    if not os.path.isfile(arguments.source):
        sys.exit(f"error: {arguments.source} does not exist")
    digest = sha256(arguments.source)
    # PyTorch Hub names a weight file by the first hex digits of its SHA-256.
    named = re.search(r"-([0-9a-f]{8,})\.pth?$", os.path.basename(arguments.source))
    if named and not digest.startswith(named.group(1)):
        sys.exit(f"error: {arguments.source} has SHA-256 {digest}, but its name says {named.group(1)}…; "
                 "the file is damaged or incomplete: download it again")
    state = torch.load(arguments.source, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or "Conv2d_1a_3x3.conv.weight" not in state:
        sys.exit(f"error: {arguments.source} is not an Inception-v3 state dict (no 'Conv2d_1a_3x3.conv.weight')")
    fc = state.get("fc.weight")
    if fc is None or tuple(fc.shape) != (1008, 2048):
        sys.exit(f"error: {arguments.source} is not the FID variant of Inception-v3: fc.weight is "
                 f"{None if fc is None else tuple(fc.shape)}, not (1008, 2048) (torchvision's ImageNet weights have "
                 "1,000 classes and other blocks; use pytorch-fid's pt_inception-2015-12-05-6726825d.pth)")
    write_checkpoint(state, arguments.output, os.path.basename(arguments.source), digest, arguments.force)
    print(f"wrote {arguments.output} ({len(state)} tensors; source SHA-256 {digest})")


if __name__ == "__main__":
    main()
