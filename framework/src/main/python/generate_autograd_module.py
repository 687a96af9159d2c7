"""Generates autograd.pt, the TorchScript module behind TorchAutodiff.

DJL exposes only Tensor.backward, which accumulates into the leaves' .grad (and, with
create_graph, leaves a reference cycle there). This module exposes torch.autograd.grad instead,
which returns the derivatives and touches no .grad at all.

Run from the repository root with Debian's python3-torch (1.13; the saved file loads in the
libtorch 2.7.1 that DJL 0.36.0 ships):

    /usr/bin/python3 framework/src/main/python/generate_autograd_module.py \
        framework/src/main/resources/org/metaforge/framework/engine/autograd.pt

The module holds no tensors, so it is device-independent. It also exports requires_grad,
because DJL's JniUtils.requiresGrad answers false for every non-leaf tensor.
"""

import sys
from typing import List, Optional

import torch
from torch import Tensor


class Autograd(torch.nn.Module):
    def forward(
        self,
        outputs: List[Tensor],
        inputs: List[Tensor],
        cotangents: List[Tensor],
        create_graph: Tensor,
    ) -> List[Tensor]:
        """Returns sum_i cotangents[i]^T d outputs[i] / d inputs[j] for every j.

        Outputs that carry no graph contribute nothing; inputs that no output depends on get
        zeros, so the result holds one tensor per input, shaped like it. If an input does not
        record gradients the result is empty: the caller then asks requires_grad which one.
        """
        for x in inputs:
            if not x.requires_grad:
                return []
        create = bool(create_graph.item())
        recorded: List[Tensor] = []
        weights: List[Optional[Tensor]] = []
        for i in range(len(outputs)):
            if outputs[i].requires_grad:
                recorded.append(outputs[i])
                weights.append(cotangents[i])
        result: List[Tensor] = []
        if len(recorded) == 0:
            for x in inputs:
                result.append(torch.zeros_like(x))
            return result
        grads = torch.autograd.grad(
            recorded,
            inputs,
            grad_outputs=weights,
            retain_graph=True,
            create_graph=create,
            allow_unused=True,
        )
        for j in range(len(inputs)):
            g = grads[j]
            if g is None:
                result.append(torch.zeros_like(inputs[j]))
            else:
                result.append(g)
        return result

    @torch.jit.export
    def requires_grad(self, tensors: List[Tensor]) -> Tensor:
        """Whether each tensor records gradients (leaf or not), as a bool vector."""
        return torch.tensor([t.requires_grad for t in tensors], dtype=torch.bool)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: generate_autograd_module.py OUTPUT.pt")
    torch.jit.script(Autograd()).save(sys.argv[1])


if __name__ == "__main__":
    main()
