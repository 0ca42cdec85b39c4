"""PyTorch reference timings for PixelCNN++: a gated residual block pair, a whole model's training step and sampling.

Run from the repository root:

    python3 Experiments/Benchmarks/pytorch_reference_pixelcnn.py

Mirrors `PixelCNNSteps` of the Swift benchmarks (Sources/NeuralNet/Layers/ShiftedConv2D.swift): the
down stream's gated block (2x3 down-shifted convolutions) and the down-right stream's (2x2
down-right-shifted, with the down stream's output through a 1x1 convolution as auxiliary input),
160 filters, 32x32, batch 16, dropout 0.5, concatenated ELU; one step is the forward pass of both
and the backward pass of mean(u) + mean(ul) to every parameter and both inputs, on the CPU with two
threads.

The cases `model-step` and `model-sample` mirror `PixelCNNSteps.modelSteps` (the PixelCNN++ of
Sources/Autoregressive/PixelCNNPlusPlus.swift at chapter 3's default size: 28x28 gray, 16 filters,
1 gated block per level, 2 levels, 3 logistics, no dropout, every convolution weight-normalised as in
PixelCNN++ and in ours by default): the discretised-logistic-mixture NLL
of a batch of 32 forward and backward, and drawing 4 images pixel by pixel, each row from passes
over the rows above it only. Prints the median wall time (ms), as Markdown, or with `--case ID
--json` as JSON (reference_timing.py). Exits 0 with a note if torch is absent.
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


def weight_normalised(layer, dim=0):
    """PixelCNN++'s weight normalisation (dim: the weight's output axis, 1 for a transposed convolution)."""
    return nn.utils.parametrizations.weight_norm(layer, dim=dim)


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


def down_shift(x):
    return F.pad(x, (0, 0, 1, 0))[:, :, :-1]


def right_shift(x):
    return F.pad(x, (1, 0, 0, 0))[:, :, :, :-1]


class CausalConv(nn.Module):
    """A (kh, kw) window above the output pixel (down) or above and left of it (down-right), any stride."""

    def __init__(self, cin, cout, kernel, down_right, stride=1):
        super().__init__()
        kh, kw = kernel
        self.pad = (kw - 1, 0, kh - 1, 0) if down_right else ((kw - 1) // 2, (kw - 1) // 2, kh - 1, 0)
        self.conv = weight_normalised(nn.Conv2d(cin, cout, kernel, stride=stride))

    def forward(self, x):
        return self.conv(F.pad(x, self.pad))


class CausalUpsampling(nn.Module):
    """Transposed 2x3 (down) or 2x2 (down-right) convolution, stride 2, cropped to the target size."""

    def __init__(self, channels, down_right):
        super().__init__()
        self.first_column = 0 if down_right else 1
        self.conv = weight_normalised(nn.ConvTranspose2d(channels, channels, (2, 2) if down_right else (2, 3), stride=2), dim=1)

    def forward(self, x, size):
        return self.conv(x)[:, :, : size[0], self.first_column : self.first_column + size[1]]


class ModelBlock(nn.Module):
    def __init__(self, filters, auxiliary_channels, down_right):
        super().__init__()
        kernel = (2, 2) if down_right else (2, 3)
        self.first = CausalConv(2 * filters, filters, kernel, down_right)
        self.auxiliary = weight_normalised(nn.Conv2d(2 * auxiliary_channels, filters, 1)) if auxiliary_channels else None
        self.second = CausalConv(2 * filters, 2 * filters, kernel, down_right)

    def forward(self, x, a=None):
        c = self.first(concat_elu(x))
        if self.auxiliary is not None:
            c = c + self.auxiliary(concat_elu(a))
        value, gate = self.second(concat_elu(c)).chunk(2, 1)
        return x + value * torch.sigmoid(gate)


class PixelCNN(nn.Module):
    """Gray PixelCNN++: two causal streams over `levels` resolutions, a mixture of `components` logistics."""

    def __init__(self, filters=16, blocks=1, levels=2, components=3):
        super().__init__()
        f = filters
        self.levels, self.components = levels, components
        self.first_down = CausalConv(2, f, (2, 3), False)
        self.first_row_above = CausalConv(2, f, (1, 3), False)
        self.first_left = CausalConv(2, f, (2, 1), True)
        self.up_down = nn.ModuleList([nn.ModuleList([ModelBlock(f, 0, False) for _ in range(blocks)]) for _ in range(levels)])
        self.up_right = nn.ModuleList([nn.ModuleList([ModelBlock(f, f, True) for _ in range(blocks)]) for _ in range(levels)])
        counts = [blocks + (0 if level == levels - 1 else 1) for level in range(levels)]
        self.down_down = nn.ModuleList([nn.ModuleList([ModelBlock(f, f, False) for _ in range(n)]) for n in counts])
        self.down_right = nn.ModuleList([nn.ModuleList([ModelBlock(f, 2 * f, True) for _ in range(n)]) for n in counts])
        self.halve_down = nn.ModuleList([CausalConv(f, f, (2, 3), False, stride=2) for _ in range(levels - 1)])
        self.halve_right = nn.ModuleList([CausalConv(f, f, (2, 2), True, stride=2) for _ in range(levels - 1)])
        self.double_down = nn.ModuleList([CausalUpsampling(f, False) for _ in range(levels - 1)])
        self.double_right = nn.ModuleList([CausalUpsampling(f, True) for _ in range(levels - 1)])
        self.output = weight_normalised(nn.Conv2d(f, 3 * components, 1))

    def forward(self, pixels):
        x = torch.cat([pixels / 127.5 - 1, torch.ones_like(pixels)], 1)
        u = down_shift(self.first_down(x))
        ul = down_shift(self.first_row_above(x)) + right_shift(self.first_left(x))
        kept_u, kept_ul = [u], [ul]
        for level in range(self.levels):
            if level > 0:
                u, ul = self.halve_down[level - 1](u), self.halve_right[level - 1](ul)
                kept_u.append(u)
                kept_ul.append(ul)
            for down, right in zip(self.up_down[level], self.up_right[level]):
                u = down(u)
                ul = right(ul, u)
                kept_u.append(u)
                kept_ul.append(ul)
        u, ul = kept_u.pop(), kept_ul.pop()
        for level in reversed(range(self.levels)):
            if level < self.levels - 1:
                size = kept_u[-1].shape[2:]
                u, ul = self.double_down[level](u, size), self.double_right[level](ul, size)
            for down, right in zip(self.down_down[level], self.down_right[level]):
                u = down(u, kept_u.pop())
                ul = right(ul, torch.cat([u, kept_ul.pop()], 1))
        return self.output(F.elu(ul))


def mixture_log_likelihood(pixels, parameters, components):
    """ln p of gray images (values 0..255, bins [k, k+1), edge bins open) under the per-pixel mixture."""
    logits, means, log_scales = parameters.split(components, 1)
    inverse = torch.exp(-log_scales.clamp(min=LOG_SCALE_FLOOR))
    above, below = (pixels + 1 - means) * inverse, (pixels - means) * inverse
    middle = torch.log((torch.sigmoid(above) - torch.sigmoid(below)).clamp(min=1e-12))
    per_component = torch.where(pixels < 0.5, F.logsigmoid(above), torch.where(pixels > 254.5, -F.softplus(below), middle))
    return torch.logsumexp(per_component + torch.log_softmax(logits, 1), 1).sum((1, 2))


LOG_SCALE_FLOOR = 4.848 - 7  # ln(127.5) - 7, as DiscretizedLogistic.minimumLogScale


def make_model_step():
    torch.manual_seed(19)
    model = PixelCNN()
    images = torch.floor(torch.rand(32, 1, 28, 28) * 256)

    def step():
        model.zero_grad(set_to_none=True)
        (-mixture_log_likelihood(images, model(images), model.components).mean()).backward()

    step.note = f"{sum(p.numel() for p in model.parameters())} parameters"
    return step


def make_sample():
    torch.manual_seed(19)
    model = PixelCNN()

    @torch.no_grad()
    def step():
        images = torch.zeros(4, 1, 28, 28)
        for row in range(28):
            for column in range(28):
                parameters = model(images[:, :, : row + 1])[:, :, row, column]
                logits, means, log_scales = parameters.split(model.components, 1)
                chosen = torch.multinomial(torch.softmax(logits, 1), 1)
                mean, log_scale = means.gather(1, chosen), log_scales.gather(1, chosen).clamp(min=LOG_SCALE_FLOOR)
                u = torch.rand_like(mean).clamp(1e-6, 1 - 1e-6)
                value = mean + torch.exp(log_scale) * (torch.log(u) - torch.log1p(-u))
                images[:, 0, row, column] = torch.floor(value.clamp(0, 255.999))[:, 0]

    step.note = "784 passes, row i over rows 0..i"
    return step


CASES = [
    ("gated-block-pair", "PixelCNN++ gated block pair, 160 filters, 32x32, batch 16", make_step),
    ("model-step", "PixelCNN++ training step, 28x28, 16 filters, batch 32", make_model_step),
    ("model-sample", "PixelCNN++ sampling, 4 images of 28x28, 16 filters", make_sample),
]

if __name__ == "__main__":
    run_cases(CASES)
