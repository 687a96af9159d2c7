"""The tracked-step cost ratio of forward-mode HPO measured with PyTorch itself, for comparison.

Times, on LeNet-5 with batch 256 and one PyTorch thread, a plain SGD step (forward, backward,
update) and steps that also take k Hessian-vector products with torch.autograd.grad (the
double-backward route of the authors' Python implementation) plus the tangent updates: k = 1,
3, and 7+1+1 tracked hyperparameters over a 35-step run (1 to 7 learning-rate blocks reached,
so 3 to 9 products per step). Prints the same ratios as `metaforge bench fds-bench-lenet.yaml`,
so the two can be compared on one machine:

    /usr/bin/python3 experiments/bench/pytorch_step_ratio.py

Needs python3-torch (Debian's package); uses random inputs of Fashion-MNIST's shape.
"""

import time

import torch
import torch.nn as nn

STEPS = 35
WARMUP = 3
BATCH = 256


def lenet() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(256, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def run(hvps_at_step) -> float:
    """Mean seconds per step after a warm-up; hvps_at_step(t) products at step t."""
    torch.manual_seed(0)
    net = lenet()
    params = list(net.parameters())
    sizes = sum(p.numel() for p in params)
    velocity = [torch.zeros_like(p) for p in params]
    tangents = [torch.zeros(sizes) for _ in range(9)]
    x = torch.randn(BATCH, 1, 28, 28)
    y = torch.randint(0, 10, (BATCH,))
    stamps = []
    for t in range(STEPS):
        k = hvps_at_step(t)
        loss = nn.functional.cross_entropy(net(x), y)
        grads = torch.autograd.grad(loss, params, create_graph=k > 0)
        flat = torch.cat([g.reshape(-1) for g in grads])
        for j in range(k):
            hz = torch.autograd.grad(flat @ tangents[j], params, retain_graph=j < k - 1)
            hz = torch.cat([h.reshape(-1) for h in hz]).clamp_(-1, 1)
            tangents[j].mul_(1 - 0.01 * 5e-4).sub_(0.01 * hz)
        with torch.no_grad():
            for p, g, v in zip(params, grads, velocity):
                v.mul_(0.9).add_(g.detach() + 5e-4 * p)
                p.sub_(0.01 * v)
        stamps.append(time.perf_counter())
    return (stamps[-1] - stamps[WARMUP - 1]) / (STEPS - WARMUP)


def main() -> None:
    torch.set_num_threads(1)
    plain = run(lambda t: 0)
    print(f"PyTorch {torch.__version__}, LeNet-5, batch {BATCH}, 1 thread, {STEPS} steps")
    print(f"plain SGD step                         {plain * 1e3:8.2f} ms")
    for label, f in [
        ("1 tracked (1 HVP per step)", lambda t: 1),
        ("3 tracked (3 HVPs per step)", lambda t: 3),
        ("7+1+1 tracked (3..9 HVPs, mean over run)", lambda t: 2 + 1 + t * 7 // STEPS),
    ]:
        s = run(f)
        print(f"{label:<41} {s * 1e3:8.2f} ms  = {s / plain:.2f} x plain")


if __name__ == "__main__":
    main()
