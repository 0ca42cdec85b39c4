"""PyTorch reference timings for the 2D mixture-of-Gaussians GAN / BGAN / M-BGAN iteration.

Run from the repository root:

    python3 Experiments/Benchmarks/pytorch_reference_2d.py

Measures, on the CPU with two threads, the median wall time (ms) of ONE training
iteration -- five discriminator steps followed by one generator step, batch 64, Adam
with PyTorch defaults -- for the plain GAN (MLP discriminator) and for BGAN and M-BGAN
(permutation-equivariant discriminator), after 20 warm-up iterations and over at least
3 s of timed repetitions. The model and iteration mirror the Swift benchmark so the two
numbers can be compared. Prints a Markdown table. Exits 0 with a note if torch is absent.
"""

import math
import platform
import random
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:
    print("torch is not importable; skipping the PyTorch reference")
    sys.exit(0)

BATCH, LATENT, WIDTH, N_DISC = 64, 2, 512, 5
WARMUP_ITERATIONS, MIN_SECONDS = 20, 3.0
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


def mlp(layer, inputs, outputs):
    return nn.Sequential(
        layer(inputs, WIDTH), nn.ReLU(),
        layer(WIDTH, WIDTH), nn.ReLU(),
        layer(WIDTH, WIDTH), nn.ReLU(),
        layer(WIDTH, outputs),
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


def make_iteration(method):
    g = mlp(nn.Linear, LATENT, 2)
    d = mlp(nn.Linear if method == "GAN" else EquivariantDense, 2, 1)
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


def median_ms(iteration):
    for _ in range(WARMUP_ITERATIONS):
        iteration()
    times, start = [], time.perf_counter()
    while time.perf_counter() - start < MIN_SECONDS or len(times) < 10:
        t0 = time.perf_counter()
        iteration()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times), len(times)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    torch.set_num_threads(2)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, {cpu_model()}")
    print()
    print("| method | ms / iteration |")
    print("| --- | ---: |")
    for seed, method in enumerate(["GAN", "BGAN", "M-BGAN"]):
        random.seed(seed)
        torch.manual_seed(seed)
        ms, count = median_ms(make_iteration(method))
        print(f"| {method} | {ms:.2f} |", flush=True)
        print(f"  ({count} timed iterations)", file=sys.stderr)


if __name__ == "__main__":
    main()
