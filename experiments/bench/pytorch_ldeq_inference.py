"""Landmark DEQ inference timed with PyTorch itself, for comparison with the ldeq benchmark.

Builds, with ordinary PyTorch modules, the model of `metaforge bench experiments/specs/ldeq-bench.yaml`
(1x128x128 images; stem: strided 7x7 conv, 3x3 conv, max-pool, 3x3 conv to a 64-channel
injection at 32x32; cell: 1x1 conv of [z, injection], a four-level hourglass of widths 64 + 8k with
average-pool down, nearest up, 5x5 refinements with a residual, every block conv -> leaky ReLU ->
group-norm (8 groups), a 1x1 head to 98 heatmaps and the per-channel exp(h - max h); landmarks
as the normalised expectation over the grid; 1,437,650 parameters, random weights), and times
inference at exactly 10 cell evaluations with fixed-point iteration and with Anderson
acceleration (memory 6, regularisation 1e-4, mixing 1), at batch 1 and 8, one PyTorch thread,
no autograd. Prints milliseconds per image in the Java benchmark's layout:

    /usr/bin/python3 experiments/bench/pytorch_ldeq_inference.py

Needs python3-torch (Debian's package).
"""

import time

import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGE = 128
HEATMAP = 32
LANDMARKS = 98
INJECTION = 64
WIDTH = 64
INCREMENT = 8
DEPTH = 4
GROUPS = 8
EVALUATIONS = 10
WARMUP = 1


class Block(nn.Module):
    """Convolution, leaky ReLU, group-norm (the reference's order); no norm for the head."""

    def __init__(self, cin, cout, kernel, stride=1, norm=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding=(kernel - 1) // 2)
        self.norm = nn.GroupNorm(GROUPS, cout) if norm else None

    def forward(self, x):
        x = self.conv(x)
        if self.norm is None:
            return x
        return self.norm(F.leaky_relu(x, 0.01))


class Hourglass(nn.Module):
    def __init__(self):
        super().__init__()
        w = [WIDTH + k * INCREMENT for k in range(DEPTH + 1)]
        self.same = nn.ModuleList(Block(w[k], w[k], 3) for k in range(DEPTH))
        self.up_channels = nn.ModuleList(Block(w[k], w[k + 1], 3) for k in range(DEPTH))
        self.bottleneck = Block(w[DEPTH], w[DEPTH], 3)
        self.down_channels = nn.ModuleList(Block(w[k + 1], w[k], 3) for k in range(DEPTH))
        self.merge = nn.ModuleList(Block(2 * w[k], w[k], 1) for k in range(DEPTH))
        self.refine = nn.ModuleList(Block(w[k], w[k], 5) for k in range(DEPTH))

    def level(self, k, x):
        skip = self.same[k](x)
        inner = self.up_channels[k](F.avg_pool2d(skip, 2))
        inner = self.level(k + 1, inner) if k + 1 < DEPTH else self.bottleneck(inner)
        low = F.interpolate(self.down_channels[k](inner), scale_factor=2, mode="nearest")
        merged = self.merge[k](torch.cat([skip, low], 1))
        return self.refine[k](merged) + merged

    def forward(self, x):
        return self.level(0, x)


class Ldeq(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.ModuleList(
            [
                Block(1, INJECTION // 4, 7, 2),
                Block(INJECTION // 4, INJECTION // 2, 3),
                Block(INJECTION // 2, INJECTION, 3),
            ]
        )
        self.tail = Block(LANDMARKS + INJECTION, WIDTH, 1)
        self.hourglass = Hourglass()
        self.head = Block(WIDTH, LANDMARKS, 1, norm=False)

    def injection(self, image):
        x = self.stem[1](self.stem[0](image))
        return self.stem[2](F.max_pool2d(x, 2))

    def cell(self, z, injection):
        h = self.head(self.hourglass(self.tail(torch.cat([z, injection], 1))))
        flat = h.flatten(2)
        return torch.exp(flat - flat.max(2, keepdim=True).values).view_as(h)


def landmarks(z):
    b, l, h, w = z.shape
    p = z.flatten(2)
    p = p / p.sum(2, keepdim=True)
    ys = (torch.arange(h, dtype=z.dtype) + 0.5) / h
    xs = (torch.arange(w, dtype=z.dtype) + 0.5) / w
    grid_x = xs.repeat(h)
    grid_y = ys.repeat_interleave(w)
    return torch.stack([(p * grid_x).sum(2), (p * grid_y).sum(2)], 2)


def fixed_point(f, z):
    for _ in range(EVALUATIONS):
        z = f(z)
    return z


def anderson(f, z0, m=6, lam=1e-4, beta=1.0):
    """Anderson acceleration with exactly EVALUATIONS evaluations; the lowest-residual iterate."""
    b = z0.shape[0]
    shape = z0.shape
    x0 = z0.reshape(b, -1)
    n = x0.shape[1]
    xs = torch.zeros(b, m, n)
    fs = torch.zeros(b, m, n)
    xs[:, 0] = x0
    fs[:, 0] = f(z0).reshape(b, -1)
    xs[:, 1] = fs[:, 0]
    fs[:, 1] = f(fs[:, 0].reshape(shape)).reshape(b, -1)
    best = fs[:, 1].clone()
    best_res = (fs[:, 1] - xs[:, 1]).norm(dim=1)
    hmat = torch.zeros(b, m + 1, m + 1)
    hmat[:, 0, 1:] = 1
    hmat[:, 1:, 0] = 1
    y = torch.zeros(b, m + 1, 1)
    y[:, 0] = 1
    for k in range(2, EVALUATIONS):
        size = min(k, m)
        g = fs[:, :size] - xs[:, :size]
        gram = torch.bmm(g, g.transpose(1, 2)) + lam * torch.eye(size).unsqueeze(0)
        hmat[:, 1 : size + 1, 1 : size + 1] = gram
        alpha = torch.linalg.solve(hmat[:, : size + 1, : size + 1], y[:, : size + 1])[:, 1:, 0]
        mixed = beta * torch.bmm(alpha.unsqueeze(1), fs[:, :size])[:, 0]
        if beta != 1.0:
            mixed = mixed + (1 - beta) * torch.bmm(alpha.unsqueeze(1), xs[:, :size])[:, 0]
        xs[:, k % m] = mixed
        fs[:, k % m] = f(mixed.reshape(shape)).reshape(b, -1)
        res = (fs[:, k % m] - xs[:, k % m]).norm(dim=1)
        better = res < best_res
        best[better] = fs[:, k % m][better]
        best_res = torch.minimum(res, best_res)
    return best.reshape(shape)


def infer(model, images, solver):
    injection = model.injection(images)
    z0 = torch.zeros(images.shape[0], LANDMARKS, HEATMAP, HEATMAP)
    z = solver(lambda z: model.cell(z, injection), z0)
    return landmarks(z)


def ms_per_image(model, batch, solver):
    images = torch.rand(batch, 1, IMAGE, IMAGE)
    repeats = 5 if batch == 1 else 2
    for _ in range(WARMUP):
        infer(model, images, solver)
    t0 = time.perf_counter()
    for _ in range(repeats):
        infer(model, images, solver)
    return (time.perf_counter() - t0) * 1000 / repeats / batch


def main():
    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = Ldeq().eval()
    count = sum(p.numel() for p in model.parameters())
    print(
        f"PyTorch {torch.__version__}, 1 thread: {count:,} parameters, image {IMAGE},"
        f" heatmaps {LANDMARKS} x {HEATMAP} x {HEATMAP}, {EVALUATIONS} cell evaluations"
    )
    with torch.no_grad():
        for name, solver in (("fixed_point", fixed_point), ("anderson", anderson)):
            line = f"{name:<12}"
            for batch in (1, 8):
                ms = ms_per_image(model, batch, solver)
                line += f"  batch {batch}: {ms:7.1f} ms/image ({1000 / ms:6.1f} fps)"
            print(line, flush=True)


if __name__ == "__main__":
    main()
