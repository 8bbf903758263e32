"""One SparseVD training step of LeNet-5-Caffe in PyTorch at batch 100, timed: the baseline
that the LeNet-5 step of jobs/bench.sh conv is compared with (bench/pytorch/compare.sh lenet5
runs both).

The step is the engine's: both convolutions (20 and 50 filters of 5 x 5) and both dense layers
(800-500, 500-10) variational per weight with the local reparameterisation trick (mean from
theta, variance from sigma^2 on the squared inputs), ReLU and 2 x 2 max pooling, softmax
cross-entropy, the approximate KL of Molchanov et al. (2017) over every weight scaled by 1/N,
and Adam. Inputs are random images with MNIST's 81% zeros, as the engine benchmark uses.
Single thread; prints one JSON object.

usage: python3 lenet5_step.py [OUT.json]
"""
import statistics
import sys
import time

import torch

from steps import kl_sum, report

TRAIN_ROWS = 60000
BATCH = 100


class Vd(torch.nn.Module):
    """theta and log sigma^2 per weight; conv when a kernel size is given, else linear."""

    def __init__(self, shape, conv):
        super().__init__()
        self.conv = conv
        self.theta = torch.nn.Parameter(torch.randn(*shape) * 0.01)
        self.log_sigma2 = torch.nn.Parameter(torch.full(shape, -10.0))
        self.bias = torch.nn.Parameter(torch.zeros(shape[0]))

    def forward(self, x):
        op = torch.nn.functional.conv2d if self.conv else torch.nn.functional.linear
        mean = op(x, self.theta, self.bias)
        var = op(x * x, torch.exp(self.log_sigma2))
        return mean + torch.sqrt(var + 1e-8) * torch.randn_like(mean)

    def kl(self):
        return kl_sum(
            torch.clamp(self.log_sigma2 - torch.log(self.theta ** 2 + 1e-8), -8.0, 8.0))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else None
    torch.set_num_threads(1)
    torch.manual_seed(1)
    x = torch.rand(BATCH, 1, 28, 28) * (torch.rand(BATCH, 1, 28, 28) >= 0.81)
    y = torch.arange(BATCH) % 10
    conv1, conv2 = Vd((20, 1, 5, 5), True), Vd((50, 20, 5, 5), True)
    fc1, fc2 = Vd((500, 800), False), Vd((10, 500), False)
    layers = torch.nn.ModuleList([conv1, conv2, fc1, fc2])
    opt = torch.optim.Adam(layers.parameters(), lr=1e-4)
    pool = torch.nn.functional.max_pool2d

    def step():
        h = pool(torch.relu(conv1(x)), 2)
        h = pool(torch.relu(conv2(h)), 2)
        h = fc2(torch.relu(fc1(h.flatten(1))))
        loss = torch.nn.functional.cross_entropy(h, y)
        loss = loss + sum(layer.kl() for layer in layers) / TRAIN_ROWS
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()

    for _ in range(10):
        step()
    times = []
    for _ in range(40):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1e3)
    ms = statistics.median(times)
    report(BATCH, {
        "lenet5_train_step_ms_median": ms,
        "lenet5_train_examples_per_s": BATCH / (ms / 1e3),
    }, out)

if __name__ == "__main__":
    main()
