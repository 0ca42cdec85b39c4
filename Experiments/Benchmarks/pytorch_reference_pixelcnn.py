"""PyTorch reference timing for one PixelCNN++ gated residual block pair.

Run from the repository root:

    python3 Experiments/Benchmarks/pytorch_reference_pixelcnn.py

Mirrors `PixelCNNSteps` of the Swift benchmarks (Sources/NeuralNet/Layers/ShiftedConv2D.swift): the
down stream's gated block (2x3 down-shifted convolutions) and the down-right stream's (2x2
down-right-shifted, with the down stream's output through a 1x1 convolution as auxiliary input),
160 filters, 32x32, batch 16, dropout 0.5, concatenated ELU; one step is the forward pass of both
and the backward pass of mean(u) + mean(ul) to every parameter and both inputs, on the CPU with two
threads. Prints the median wall time (ms), as Markdown, or with `--case ID --json` as JSON
(reference_timing.py). Exits 0 with a note if torch is absent.
"""

import sys

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:
    print("torch is not importable; skipping the PyTorch reference")
    sys.exit(0)

sys.dont_write_bytecode = True  # no __pycache__ inside the Swift target's folder
from reference_timing import run_cases  # noqa: E402

FILTERS, BATCH, SIZE = 160, 16, 32


def concat_elu(x):
    return F.elu(torch.cat([x, -x], 1))


class ShiftedConv(nn.Module):
    """Zero padding on top (kh - 1 rows) and on the sides the window may see, then a valid convolution."""

    def __init__(self, cin, cout, down_right):
        super().__init__()
        kernel = (2, 2) if down_right else (2, 3)
        self.pad = (1, 0, 1, 0) if down_right else (1, 1, 1, 0)  # left, right, top, bottom
        self.conv = nn.Conv2d(cin, cout, kernel)

    def forward(self, x):
        return self.conv(F.pad(x, self.pad))


class GatedBlock(nn.Module):
    def __init__(self, down_right, auxiliary):
        super().__init__()
        self.first = ShiftedConv(2 * FILTERS, FILTERS, down_right)
        self.auxiliary = nn.Conv2d(2 * FILTERS, FILTERS, 1) if auxiliary else None
        self.dropout = nn.Dropout(0.5)
        self.second = ShiftedConv(2 * FILTERS, 2 * FILTERS, down_right)

    def forward(self, x, a=None):
        c = self.first(concat_elu(x))
        if self.auxiliary is not None:
            c = c + self.auxiliary(concat_elu(a))
        value, gate = self.second(self.dropout(concat_elu(c))).chunk(2, 1)
        return x + value * torch.sigmoid(gate)


def make_step():
    down, down_right = GatedBlock(False, False), GatedBlock(True, True)
    u = torch.randn(BATCH, FILTERS, SIZE, SIZE, requires_grad=True)
    ul = torch.randn(BATCH, FILTERS, SIZE, SIZE, requires_grad=True)

    def step():
        for tensor in [u, ul, *down.parameters(), *down_right.parameters()]:
            tensor.grad = None
        u_out = down(u)
        ul_out = down_right(ul, u_out)
        (u_out.mean() + ul_out.mean()).backward()

    count = sum(p.numel() for p in [*down.parameters(), *down_right.parameters()])
    step.note = f"{count} parameters"
    return step


CASES = [("gated-block-pair", "PixelCNN++ gated block pair, 160 filters, 32x32, batch 16", make_step)]

if __name__ == "__main__":
    run_cases(CASES)
