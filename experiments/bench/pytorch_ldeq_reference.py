"""The authors' own landmark DEQ timed on this machine, for comparison with the ldeq benchmark.

Loads the model class of a local checkout of https://github.com/polo5/LDEQ_RwR (not shipped
here; pass its directory), builds it at the size of `metaforge bench
experiments/specs/ldeq-bench.yaml` and of the issue's reference figures (3x128x128 images,
heatmaps 98 x 32 x 32, injection and cell width 64, width increment 8, group-norm with 8 groups,
random weights), and times its own inference path, `LDEQ.forward(mode="implicit")`, with its
fixed-point and Anderson solvers capped at 10 iterations with a zero tolerance, at batch 1 and 8,
one PyTorch thread, no autograd. The cell's evaluations per call are counted, not assumed.
Prints milliseconds per image in the Java benchmark's layout:

    /usr/bin/python3 experiments/bench/pytorch_ldeq_reference.py --repo /path/to/LDEQ_RwR

Needs python3-torch (Debian's package). The checkout imports torchinfo and scipy.optimize at
module level without using them for inference; when they are not installed, empty stand-ins are
registered so the import succeeds.
"""

import argparse
import importlib
import sys
import time
import types

import torch

BATCHES = (1, 8)
WARMUP = 1


def stand_in(name):
    """Registers an empty module for an import the inference path does not use."""
    try:
        importlib.import_module(name)
        return
    except ImportError:
        pass
    parts = name.split(".")
    for i in range(1, len(parts) + 1):
        sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
    if name == "scipy.optimize":
        sys.modules[name].root = None


def settings(solver):
    """The reference's options (its argument names) at the benchmark's size."""
    return types.SimpleNamespace(
        landmark_model_name="ldeq",
        cell_name="Cell0",
        model_mode="implicit",
        explicit_depth=2,
        injection_width=64,
        cell_base_width=64,
        cell_width_increment=8,
        cell_gn_groups=8,
        cell_use_bn_for_explicit=False,
        cell_norm="softargmax",
        cell_softargmax_beta=1.0,
        cell_learn_softargmax_beta=False,
        cell_extra_latent_width=0,
        solver=solver,
        take_one_less_inference_step=True,
        stop_mode="rel",
        abs_diff_target=0.0,
        rel_diff_target=0.0,
        max_iters=10,
        fpi_max_iters=10,
        anderson_max_iters=10,
        stochastic_max_iters=False,
        anderson_m=6,
        anderson_lam=1e-4,
        anderson_beta=1.0,
        verbose_solver=False,
        JFB=True,
        im_size=128,
        heatmap_size=32,
        downres_factor=4,
        n_keypoints=98,
        z_width=98,
        input_channels=3,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", required=True, help="a checkout of polo5/LDEQ_RwR")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per batch size")
    options = parser.parse_args()
    torch.set_num_threads(1)
    for name in ("torchinfo", "scipy.optimize"):
        stand_in(name)
    sys.path.insert(0, options.repo)
    try:
        from models.ldeq import LDEQ, weights_init
    except ImportError as e:
        sys.exit(f"cannot import models.ldeq from {options.repo}: {e}")

    torch.manual_seed(0)
    model = LDEQ(settings("fpi"))
    model.apply(weights_init)
    model.eval()
    calls = [0]
    evaluate = model.deq_layer.cell.forward

    def counted(*args, **kwargs):
        calls[0] += 1
        return evaluate(*args, **kwargs)

    model.deq_layer.cell.forward = counted
    count = sum(p.numel() for p in model.parameters())
    print(f"the authors' LDEQ ({options.repo}), {count:,} parameters, torch {torch.__version__},"
          f" {torch.get_num_threads()} thread")
    for solver, label in (("fpi", "fixed_point"), ("anderson", "anderson")):
        args = settings(solver)
        line = f"{label:12s}"
        for batch in BATCHES:
            images = torch.randn(batch, 3, 128, 128)
            start = torch.zeros(batch, 98, 32, 32)
            with torch.no_grad():
                for _ in range(WARMUP):
                    model(images, mode="implicit", args=args, z0=start)
                calls[0] = 0
                t0 = time.perf_counter()
                for _ in range(options.repeats):
                    model(images, mode="implicit", args=args, z0=start)
                ms = (time.perf_counter() - t0) * 1000 / options.repeats / batch
            evaluations = calls[0] / options.repeats
            line += (f"  batch {batch}: {ms:7.1f} ms/image ({1000 / ms:5.1f} fps,"
                     f" {evaluations:g} cell evaluations)")
        print(line, flush=True)


if __name__ == "__main__":
    main()
