"""One SparseVD training step of LeNet-300-100 in PyTorch, timed: the baseline that
jobs/bench.sh engine is compared with (bench/pytorch/compare.sh runs both).

The step is the engine's: every layer a variational dense layer with the local
reparameterisation trick (theta and log sigma^2 per weight; log alpha, clipped to [-8, 8], in
the KL term),
softmax cross-entropy, the approximate KL of Molchanov et al. (2017) summed over the weights
and scaled by 1/N, and Adam. Inputs are the first MNIST test images / 255, as the engine
benchmark reads them. Single thread; prints one JSON object.

usage: python3 lenet300_step.py MNIST_DIR BATCH [OUT.json]
"""
import gzip
import os
import statistics
import sys
import time

import numpy as np
import torch

from steps import kl_sum, report

TRAIN_ROWS = 60000


def mnist_test_images(folder, rows):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            pixels = np.frombuffer(data, dtype=np.uint8, offset=16)[: rows * 784]
            return torch.from_numpy(pixels.astype(np.float32).reshape(rows, 784) / 255.0)
    raise SystemExit(folder + ": no t10k-images-idx3-ubyte(.gz)")


class VdLinear(torch.nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.theta = torch.nn.Parameter(torch.randn(n_out, n_in) * 0.01)
        self.log_sigma2 = torch.nn.Parameter(torch.full((n_out, n_in), -10.0))
        self.bias = torch.nn.Parameter(torch.zeros(n_out))

    def log_alpha(self):
        return torch.clamp(self.log_sigma2 - torch.log(self.theta ** 2 + 1e-8), -8.0, 8.0)

    def forward(self, x):
        # As the authors' code does it: the variance from sigma^2 directly, log alpha only in
        # the KL term.
        mean = torch.nn.functional.linear(x, self.theta, self.bias)
        var = torch.nn.functional.linear(x * x, torch.exp(self.log_sigma2))
        return mean + torch.sqrt(var + 1e-8) * torch.randn_like(mean)

    def kl(self):
        return kl_sum(self.log_alpha())


def main():
    folder, batch = sys.argv[1], int(sys.argv[2])
    out = sys.argv[3] if len(sys.argv) > 3 else None
    torch.set_num_threads(1)
    torch.manual_seed(1)
    pool = min(20 * batch, 10000) // batch * batch
    x = mnist_test_images(folder, pool)
    y = torch.arange(pool) % 10
    layers = torch.nn.ModuleList([VdLinear(784, 300), VdLinear(300, 100), VdLinear(100, 10)])
    opt = torch.optim.Adam(layers.parameters(), lr=1e-4)
    batches = pool // batch

    def step(s):
        b = s % batches
        xb, yb = x[b * batch:(b + 1) * batch], y[b * batch:(b + 1) * batch]
        h = xb
        for i, layer in enumerate(layers):
            h = layer(h)
            if i < len(layers) - 1:
                h = torch.relu(h)
        loss = torch.nn.functional.cross_entropy(h, yb)
        loss = loss + sum(layer.kl() for layer in layers) / TRAIN_ROWS
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()

    for s in range(30):
        step(s)
    times = []
    for s in range(200 if batch <= 100 else 60):
        t = time.perf_counter()
        step(s)
        times.append((time.perf_counter() - t) * 1e3)
    ms = statistics.median(times)
    flops = 2.0 * batch * (784 * 300 * 4 + 300 * 100 * 6 + 100 * 10 * 6)
    report(batch, {
        "train_step_ms_median": ms,
        "train_examples_per_s": batch / (ms / 1e3),
        "train_effective_gflops": flops / (ms / 1e3) / 1e9,
    }, out)

if __name__ == "__main__":
    main()
