"""PyTorch reference timings for one SNGAN discriminator step and one generator step.

Run from the repository root:

    python3 Experiments/Benchmarks/pytorch_reference_sngan.py

Mirrors `ImageSteps` of the Swift benchmarks: the full-width standard CNN of spec §3.5 at 32x32,
batch 64, Adam (lr 2e-4, betas 0.5, 0.999), on the CPU with two threads.

* per-sample discriminator, GAN loss: a D step scores 64 real and 64 generated images in one
  pass (generator forward without gradient, D forward + backward, Adam); a G step runs G and D
  forward and backward and updates G.
* equivariant discriminator (every convolution phi(x)_b = bias + conv_L(x_b) B/(B+1) +
  conv_G(mean_b x) 1/(B+1)), M-BGAN loss: a D step scores one mixed batch of 64 (real rows
  where beta = 1), the per-sample Bernoulli loss against the batch's real fraction.

Prints the median wall time (ms) over at least 3 s after 3 warm-up steps, as Markdown, or with
`--case ID --json` one case as JSON (reference_timing.py). Exits 0 with a note if torch is absent.
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

BATCH, LATENT = 64, 128


def scaled(channels, multiplier):
    """A channel count times the width multiplier, as ConvolutionalGANShape.width rounds it."""
    return max(1, round(channels * multiplier))


def generator(multiplier=1.0):
    top = scaled(512, multiplier)
    layers = [nn.Linear(LATENT, top * 4 * 4), nn.Unflatten(1, (top, 4, 4)), nn.BatchNorm2d(top), nn.ReLU()]
    channels = top
    for out in (scaled(c, multiplier) for c in (256, 128, 64)):
        layers += [nn.ConvTranspose2d(channels, out, 4, 2, 1), nn.BatchNorm2d(out), nn.ReLU()]
        channels = out
    layers += [nn.Conv2d(channels, 3, 3, 1, 1), nn.Tanh()]
    return nn.Sequential(*layers)


def discriminator_convolutions(multiplier=1.0):
    spec, channels = [], 3
    for width in (scaled(c, multiplier) for c in (64, 128, 256)):
        spec += [(channels, width, 3, 1), (width, width, 4, 2)]
        channels = width
    return spec + [(channels, scaled(512, multiplier), 3, 1)]


class EquivariantConv2d(nn.Module):
    """Eq. 4.12 with convolutions: per-sample kernel Lambda, batch-mean kernel Gamma."""

    def __init__(self, cin, cout, kernel, stride):
        super().__init__()
        self.per_sample = nn.Conv2d(cin, cout, kernel, stride, 1)
        self.mixing = nn.Conv2d(cin, cout, kernel, stride, 1, bias=False)

    def forward(self, x):
        b = x.shape[0]
        return self.per_sample(x) * (b / (b + 1)) + self.mixing(x.mean(0, keepdim=True)) * (1 / (b + 1))


def discriminator(equivariant, multiplier=1.0):
    layers = []
    for cin, cout, kernel, stride in discriminator_convolutions(multiplier):
        conv = EquivariantConv2d(cin, cout, kernel, stride) if equivariant else nn.Conv2d(cin, cout, kernel, stride, 1)
        layers += [conv, nn.LeakyReLU(0.1)]
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(scaled(512, multiplier) * 4 * 4, 1))


def make_step(equivariant, player, multiplier=1.0):
    """One discriminator (player "d") or generator ("g") step of the SNGAN pair."""
    g, d = generator(multiplier), discriminator(equivariant, multiplier)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(BATCH, 3, 32, 32) * 2 - 1

    def d_step():
        with torch.no_grad():
            fake = g(torch.randn(BATCH, LATENT))
        opt_d.zero_grad()
        if equivariant:
            beta = (torch.rand(BATCH, 1, 1, 1) < 0.5).float()
            logits = d(beta * real + (1 - beta) * fake)
            loss = F.binary_cross_entropy_with_logits(logits, beta.view(BATCH, 1).mean().expand(BATCH, 1))
        else:
            logits = d(torch.cat([real, fake]))
            targets = torch.cat([torch.ones(BATCH, 1), torch.zeros(BATCH, 1)])
            loss = F.binary_cross_entropy_with_logits(logits, targets)
        loss.backward()
        opt_d.step()

    def g_step():
        opt_g.zero_grad()
        fake = g(torch.randn(BATCH, LATENT))
        if equivariant:
            beta = (torch.rand(BATCH, 1, 1, 1) < 0.5).float()
            logits = d(beta * real + (1 - beta) * fake)
        else:
            logits = d(fake)
        loss = F.binary_cross_entropy_with_logits(logits, torch.ones(BATCH, 1))
        loss.backward()
        opt_g.step()

    return d_step if player == "d" else g_step


# Full width, and 1/16 of it (the networks of make chapter4's default image scale; ids end "-w0.0625").
CASES = [(f"sngan-{player}-{form}{'' if multiplier == 1 else f'-w{multiplier}'}",
          f"SNGAN 32x32 {'D' if player == 'd' else 'G'} step, {form}, width x {multiplier}",
          lambda player=player, equivariant=(form == "equivariant"), multiplier=multiplier:
          make_step(equivariant, player, multiplier))
         for multiplier in (1.0, 0.0625) for form in ("per-sample", "equivariant") for player in ("d", "g")]

if __name__ == "__main__":
    run_cases(CASES)
