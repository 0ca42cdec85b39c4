"""PyTorch reference timings for one normalising-flow training step.

Run from the repository root:

    python3 Experiments/Benchmarks/pytorch_reference_flows.py

(any python with torch; a PyPI CUDA build of torch imports only once its nvidia-* runtime
wheels are installed, even for CPU use).

Mirrors `FlowArchitectures` in `Sources/Flows/` (Architectures, CouplingLayers, CouplingMask,
ResidualNetwork, MultiScale, BatchNormalization, Squeeze, FlowDensity) and
`Sources/NeuralNet/Layers/WeightNorm.swift`, on the CPU with two threads. One step is forward,
backward and a default Adam step (lr 1e-3) on the loss -mean ln p(x), inputs uniform in [0, 1).

* NICE, 784-d, batch 100: 4 additive couplings with alternating masks (coupling i keeps the
  coordinates j with (j + i) even), each shift an MLP 784 -> 5 x 1000 ReLU -> 784 of the whole
  masked vector, then a diagonal scaling exp(s); standard logistic prior.
* Real-NVP, the default RealNVPShape (2 scales, 2 residual blocks of 32 features, 4 final
  couplings, batch norm), on [1, 28, 28] and [3, 32, 32], batch 64: 3 checkerboard affine
  couplings, squeeze, 3 channel couplings, factor-out of the first half of the channels, the
  second half through 4 checkerboard couplings, unsqueeze; a batch-norm bijection after each
  coupling; standard Gaussian prior. Coupling networks are weight-normalised residual CNNs
  whose output gain starts at 0.

Prints the parameter counts (to compare with the Swift models) and the median wall time (ms)
over at least 3 s after 3 warm-up steps, as Markdown, or with `--case ID --json` one case as
JSON (reference_timing.py). Exits 0 with a note if torch is absent.
"""

import functools
import math
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


@functools.lru_cache(maxsize=None)
def mask(kind, parity, shape):
    """CouplingMask.tensor: 1 where a coupling keeps the variable, shaped [1, *shape]."""
    if kind == "alternating":
        return ((torch.arange(shape[0]) + parity) % 2 == 0).float().view(1, -1)
    c, h, w = shape
    if kind == "checkerboard":
        grid = (torch.arange(h).view(-1, 1) + torch.arange(w).view(1, -1) + parity) % 2 == 0
        return grid.float().expand(c, h, w).reshape(1, c, h, w)
    first_half = torch.arange(c) < c // 2  # channel mask
    return (first_half == (parity == 0)).float().view(1, c, 1, 1).expand(1, c, h, w).contiguous()


class Sequence(nn.Module):
    """BijectionSequence: composes the steps and adds their log-determinants."""

    def __init__(self, steps):
        super().__init__()
        self.steps = nn.ModuleList(steps)

    def forward(self, x):
        total = 0
        for step in self.steps:
            x, log_det = step(x)
            total = total + log_det
        return x, total


class Coupling(nn.Module):
    """AdditiveCoupling y = kept + (1-m)(x + net(kept)), or AffineCoupling
    y = kept + (1-m)(x exp(s) + t) with s = 2 tanh(net(kept)[:, :C]) (1-m), t = net(kept)[:, C:] (1-m)."""

    def __init__(self, net, kind, parity, affine):
        super().__init__()
        self.net, self.kind, self.parity, self.affine = net, kind, parity, affine

    def forward(self, x):
        m = mask(self.kind, self.parity, tuple(x.shape[1:]))
        kept = m * x
        out = self.net(kept)
        if not self.affine:
            return kept + (1 - m) * (x + out), 0
        c = x.shape[1]
        s = 2 * torch.tanh(out[:, :c]) * (1 - m)
        t = out[:, c:] * (1 - m)
        return kept + (1 - m) * (x * s.exp() + t), s.sum((1, 2, 3))


class DiagonalScaling(nn.Module):
    def __init__(self, dimension):
        super().__init__()
        self.log_scale = nn.Parameter(torch.zeros(1, dimension))

    def forward(self, x):
        return x * self.log_scale.exp(), self.log_scale.sum()


class WeightNormConv(nn.Module):
    """WeightNorm<Conv2D>: a 3x3 convolution (padding 1) with w_o = g_o v_o / ||v_o||."""

    def __init__(self, cin, cout, zero_gain=False):
        super().__init__()
        conv = nn.Conv2d(cin, cout, 3, padding=1)  # PyTorch default init, as the Swift Conv2D
        self.v, self.bias = conv.weight, conv.bias
        norms = self.row_norms().detach()
        self.gain = nn.Parameter(torch.zeros_like(norms) if zero_gain else norms)

    def row_norms(self):
        return (self.v.square().flatten(1).sum(1) + 1e-12).sqrt()

    def forward(self, x):
        weight = self.v * (self.gain / self.row_norms()).view(-1, 1, 1, 1)
        return F.conv2d(x, weight, self.bias, padding=1)


class ResidualNetwork(nn.Module):
    """Input conv to `features`, blocks h + conv(relu(conv(relu(h)))), relu, zero-gain output conv."""

    def __init__(self, cin, cout, features, blocks):
        super().__init__()
        self.input = WeightNormConv(cin, features)
        self.blocks = nn.ModuleList(nn.Sequential(nn.ReLU(), WeightNormConv(features, features), nn.ReLU(),
                                                  WeightNormConv(features, features)) for _ in range(blocks))
        self.output = WeightNormConv(features, cout, zero_gain=True)

    def forward(self, x):
        h = self.input(x)
        for block in self.blocks:
            h = h + block(h)
        return self.output(F.relu(h))


class BatchNormBijection(nn.Module):
    """Training mode: detached batch statistics, running averages with momentum 0.05."""

    def __init__(self, channels, momentum=0.05, eps=1e-4):
        super().__init__()
        self.log_gamma = nn.Parameter(torch.zeros(channels))
        self.beta = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.momentum, self.eps = momentum, eps

    def forward(self, x):
        mean = x.mean((0, 2, 3)).detach()
        var = x.var((0, 2, 3), unbiased=False).detach()
        with torch.no_grad():
            self.running_mean.lerp_(mean, self.momentum)
            self.running_var.lerp_(var, self.momentum)
        log_scale = self.log_gamma - 0.5 * torch.log(var + self.eps)
        y = (x - mean.view(1, -1, 1, 1)) * log_scale.exp().view(1, -1, 1, 1) + self.beta.view(1, -1, 1, 1)
        return y, x.shape[2] * x.shape[3] * log_scale.sum()


class Squeeze(nn.Module):
    def __init__(self, inverted=False):
        super().__init__()
        self.inverted = inverted

    def forward(self, x):
        b, c, h, w = x.shape
        if self.inverted:  # [b, 4c, h, w] -> [b, c, 2h, 2w]
            return x.reshape(b, c // 4, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3).reshape(b, c // 4, 2 * h, 2 * w), 0
        return x.reshape(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(b, 4 * c, h // 2, w // 2), 0


class FactorOut(nn.Module):
    def __init__(self, rest):
        super().__init__()
        self.rest = rest

    def forward(self, x):
        kept, passed = x.chunk(2, dim=1)
        y, log_det = self.rest(passed)
        return torch.cat([kept, y], 1), log_det


def real_nvp_scale(channels, remaining, blocks=2, features=32, final=4):
    """One scale on [B, channels, h, w] (remaining = scales left), recursing through the factor-out."""
    def couplings(count, c, kind):  # each coupling followed by a batch-norm bijection
        steps = []
        for i in range(count):
            net = ResidualNetwork(c, 2 * c, features, blocks)
            steps += [Coupling(net, kind, i % 2, affine=True), BatchNormBijection(c)]
        return steps
    if remaining == 1:
        return Sequence(couplings(final, channels, "checkerboard"))
    rest = real_nvp_scale(2 * channels, remaining - 1, blocks, features, final)
    return Sequence(couplings(3, channels, "checkerboard") + [Squeeze()] + couplings(3, 4 * channels, "channel")
                    + [FactorOut(rest), Squeeze(inverted=True)])


def nice(dimension=784, couplings=4, hidden_layers=5, units=1000):
    def mlp():
        sizes = [dimension] + [units] * hidden_layers
        layers = [m for a, b in zip(sizes, sizes[1:]) for m in (nn.Linear(a, b), nn.ReLU())]
        return nn.Sequential(*layers, nn.Linear(units, dimension))
    steps = [Coupling(mlp(), "alternating", i % 2, affine=False) for i in range(couplings)]
    return Sequence(steps + [DiagonalScaling(dimension)])


PRIORS = {"logistic": lambda z: -(F.softplus(z) + F.softplus(-z)).flatten(1).sum(1),
          "gaussian": lambda z: (-0.5 * z.square() - 0.5 * math.log(2 * math.pi)).flatten(1).sum(1)}


def make_step(flow, log_prior, shape):
    """One maximum-likelihood step (forward, backward, Adam) of `flow` on a uniform batch."""
    flow.train()
    optimiser = torch.optim.Adam(flow.parameters(), lr=1e-3)
    x = torch.rand(shape)

    def step():
        optimiser.zero_grad()
        z, log_det = flow(x)
        loss = -(log_prior(z) + log_det).mean()
        loss.backward()
        optimiser.step()
        return loss

    assert torch.isfinite(step()), shape
    step.note = f"{sum(p.numel() for p in flow.parameters())} parameters"
    return step


CASES = [("nice-784", "NICE, 784-d, batch 100", nice, "logistic", (100, 784)),
         ("realnvp-1x28x28", "Real-NVP, [1, 28, 28], batch 64", lambda: real_nvp_scale(1, 2), "gaussian", (64, 1, 28, 28)),
         ("realnvp-3x32x32", "Real-NVP, [3, 32, 32], batch 64", lambda: real_nvp_scale(3, 2), "gaussian", (64, 3, 32, 32))]

if __name__ == "__main__":
    run_cases([(case_id, label, lambda make_flow=make_flow, prior=prior, shape=shape:
                make_step(make_flow(), PRIORS[prior], shape))
               for case_id, label, make_flow, prior, shape in CASES])
