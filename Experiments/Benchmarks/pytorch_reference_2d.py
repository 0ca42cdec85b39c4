"""PyTorch reference timings for the 2D mixture-of-Gaussians GAN / BGAN / M-BGAN iteration.

Run from the repository root:

    python3 Experiments/Benchmarks/pytorch_reference_2d.py

Measures, on the CPU with two threads, the median wall time (ms) of ONE training
iteration -- five discriminator steps followed by one generator step, batch 64, Adam
with PyTorch defaults, 3 hidden layers of 512, 128 or 64 units -- for the plain GAN (MLP
discriminator) and for BGAN and M-BGAN (permutation-equivariant discriminator), over at
least 3 s of timed repetitions (reference_timing.py). The model and iteration mirror the
Swift benchmark so the two numbers can be compared. Prints a Markdown table, or with
`--case ID --json` one case as JSON. Exits 0 with a note if torch is absent.
"""

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

BATCH, LATENT, N_DISC = 64, 2, 5
MODES = torch.tensor([[x, y] for x in range(-2, 3) for y in range(-2, 3)], dtype=torch.float32)


def real_batch():
    """64 points of the 25-mode grid mixture {-2..2}^2 with standard deviation 0.02."""
    modes = MODES[torch.randint(len(MODES), (BATCH,))]
    return modes + 0.02 * torch.randn(BATCH, 2)


def latent_batch():
    return torch.randn(BATCH, LATENT)


class EquivariantDense(nn.Module):
    """y = x (B/(B+1) Lambda)^T + mean_b(x) (1/(B+1) Gamma)^T + bias over the batch axis."""

    def __init__(self, inputs, outputs):
        super().__init__()
        bound = 1 / math.sqrt(inputs)
        self.lam = nn.Parameter(torch.empty(outputs, inputs).uniform_(-bound, bound))
        self.gamma = nn.Parameter(torch.empty(outputs, inputs).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(outputs).uniform_(-bound, bound))

    def forward(self, x):
        b = x.shape[0]
        pooled = x.mean(0, keepdim=True) @ (self.gamma / (b + 1)).T
        return x @ (self.lam * (b / (b + 1))).T + pooled + self.bias


def mlp(layer, inputs, outputs, width):
    return nn.Sequential(
        layer(inputs, width), nn.ReLU(),
        layer(width, width), nn.ReLU(),
        layer(width, width), nn.ReLU(),
        layer(width, outputs),
    )


def mixed_batch(real, fake):
    """Rows from `real` with probability p*, p* ~ U([0, 0.3] ∪ [0.7, 1]); returns (batch, u)."""
    p = torch.rand(()) * 0.6
    p = torch.where(p < 0.3, p, p + 0.4)
    beta = torch.bernoulli(p.expand(BATCH))
    return torch.where(beta[:, None] == 1, real, fake), beta.mean()


def discriminator_loss(method, d, real, fake):
    if method == "GAN":
        return F.softplus(-d(real)).mean() + F.softplus(d(fake)).mean()
    mixed, u = mixed_batch(real, fake)
    logits = d(mixed)
    if method == "BGAN":
        return F.binary_cross_entropy_with_logits(logits.mean(), u)
    return F.binary_cross_entropy_with_logits(logits, u.expand_as(logits))


def generator_loss(method, d, fake):
    if method == "GAN":
        return F.softplus(-d(fake)).mean()
    mixed, _ = mixed_batch(real_batch(), fake)
    logits = d(mixed)
    if method == "BGAN":
        return -F.logsigmoid(logits.mean())
    return -F.logsigmoid(logits).mean()


def make_iteration(method, width):
    g = mlp(nn.Linear, LATENT, 2, width)
    d = mlp(nn.Linear if method == "GAN" else EquivariantDense, 2, 1, width)
    g_opt, d_opt = torch.optim.Adam(g.parameters()), torch.optim.Adam(d.parameters())

    def iteration():
        for _ in range(N_DISC):
            fake = g(latent_batch()).detach()
            loss = discriminator_loss(method, d, real_batch(), fake)
            d_opt.zero_grad()
            loss.backward()
            d_opt.step()
        loss = generator_loss(method, d, g(latent_batch()))
        g_opt.zero_grad()
        loss.backward()
        g_opt.step()

    return iteration


CASES = [(f"2d-{method.lower()}-{width}", f"{method} iteration, width {width}",
          lambda method=method, width=width: make_iteration(method, width))
         for width in (512, 128, 64) for method in ("GAN", "BGAN", "M-BGAN")]

if __name__ == "__main__":
    run_cases(CASES)
