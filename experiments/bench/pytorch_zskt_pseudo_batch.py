"""A zero-shot pseudo-batch timed with PyTorch itself, for comparison with the zskt benchmark.

Times, with one PyTorch thread, the pseudo-batch of `metaforge bench experiments/specs/zskt-bench.yaml`
(batch 128, z 100, n_G 1, n_S 10, beta 250, T 1, Adam with norm clipping at 5; the ZSKT generator
for 1x32x32 images, 1,049,987 parameters; LeNet-5 with padding 2 on conv1 as teacher (random
weights) and student, 82,826 parameters each; attention on the two pooling outputs), split into
the generator phase, the generation of the student's batch and the student phase, with the batch
generated once per pseudo-batch and regenerated (with a graph into the generator) for every
student step as the authors' loop does. Prints the same table as the Java benchmark:

    /usr/bin/python3 experiments/bench/pytorch_zskt_pseudo_batch.py

Needs python3-torch (Debian's package).
"""

import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 128
Z = 100
N_G = 1
N_S = 10
BETA = 250.0
T = 1.0
CLIP = 5.0
WARMUP = 2
MEASURED = 5


def generator() -> nn.Module:
    return nn.Sequential(
        nn.Linear(Z, 128 * 8 * 8), nn.Unflatten(1, (128, 8, 8)), nn.BatchNorm2d(128),
        nn.Upsample(scale_factor=2), nn.Conv2d(128, 128, 3, padding=1), nn.BatchNorm2d(128),
        nn.LeakyReLU(0.2),
        nn.Upsample(scale_factor=2), nn.Conv2d(128, 64, 3, padding=1), nn.BatchNorm2d(64),
        nn.LeakyReLU(0.2),
        nn.Conv2d(64, 1, 3, padding=1), nn.BatchNorm2d(1))


class LeNet(nn.Module):
    """LeNet-5 returning the logits and the two pooling outputs (the attention taps)."""

    def __init__(self):
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.block2 = nn.Sequential(nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 6 * 6, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))

    def forward(self, x):
        a1 = self.block1(x)
        a2 = self.block2(a1)
        return self.head(a2), a1, a2


def kl(s, t):
    # an element mean over B x K, as the authors' (and zskt's) divergence
    return F.kl_div(F.log_softmax(s / T, dim=1), F.softmax(t / T, dim=1), reduction="mean")


def attention(a):
    return F.normalize(a.pow(2).mean(1).view(a.size(0), -1))


def student_loss(s_out, t_out):
    loss = kl(s_out[0], t_out[0])
    for a_s, a_t in zip(s_out[1:], t_out[1:]):
        loss = loss + BETA * (attention(a_s) - attention(a_t)).pow(2).mean()
    return loss


def measure(regenerate: bool):
    torch.manual_seed(1)
    gen, teacher, student = generator(), LeNet(), LeNet()
    teacher.eval()
    opt_g = torch.optim.Adam(gen.parameters(), lr=1e-3)
    opt_s = torch.optim.Adam(student.parameters(), lr=2e-3)
    wall = [0.0, 0.0, 0.0]
    cpu = [0.0, 0.0, 0.0]
    for p in range(WARMUP + MEASURED):
        z = torch.randn(BATCH, Z)
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(N_G):
            x = gen(z)
            loss = -kl(student(x)[0], teacher(x)[0])
            opt_g.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(gen.parameters(), CLIP)
            opt_g.step()
        t1, c1 = time.perf_counter(), time.process_time()
        with torch.no_grad():
            x = gen(z)
            t_out = teacher(x)
        t2, c2 = time.perf_counter(), time.process_time()
        for _ in range(N_S):
            xs = gen(z) if regenerate else x
            loss = student_loss(student(xs), t_out)
            opt_s.zero_grad()
            opt_g.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(student.parameters(), CLIP)
            opt_s.step()
        t3, c3 = time.perf_counter(), time.process_time()
        if p >= WARMUP:
            for i, (dt, dc) in enumerate(((t1 - t0, c1 - c0), (t2 - t1, c2 - c1), (t3 - t2, c3 - c2))):
                wall[i] += dt * 1000 / MEASURED
                cpu[i] += dc * 1000 / MEASURED
    return wall, cpu


def main():
    warnings.filterwarnings("ignore", message="reduction: 'mean'")
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    n = lambda m: sum(p.numel() for p in m.parameters())
    print(f"PyTorch {torch.__version__}, 1 thread, images 1x32x32, batch {BATCH}, n_G {N_G},"
          f" n_S {N_S}, z {Z}, beta {BETA:g}, T {T:g}")
    print(f"parameters: teacher lenet {n(LeNet()):,}, student lenet {n(LeNet()):,},"
          f" generator {n(generator()):,}")
    print(f"{WARMUP} warm-up + {MEASURED} measured pseudo-batches per mode; ms per pseudo-batch,"
          " wall clock and CPU time of this process:")
    print(f"  {'mode':28s} {'clock':5s} {'generator':>10s} {'batch':>10s} {'student':>10s}"
          f" {'total':>10s} {'pb/s':>9s}")
    totals = {}
    for label, regen in (("generated once", False), ("regenerated per student step", True)):
        for clock, (g, b, s) in zip(("wall", "CPU"), measure(regen)):
            totals[regen, clock] = g + b + s
            print(f"  {label if clock == 'wall' else '':28s} {clock:5s} {g:10.1f} {b:10.1f}"
                  f" {s:10.1f} {g + b + s:10.1f} {1000 / (g + b + s):9.3f}")
    print(f"regenerated / once: {totals[True, 'wall'] / totals[False, 'wall']:.2f}x wall,"
          f" {totals[True, 'CPU'] / totals[False, 'CPU']:.2f}x CPU")


if __name__ == "__main__":
    main()
