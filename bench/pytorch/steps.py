"""What the PyTorch step scripts share: the approximate KL of Molchanov et al. (2017) and the
JSON they print and write."""
import json
import os

import torch

K1, K2, K3 = 0.63576, 1.87320, 1.48695


def kl_sum(log_alpha):
    """The approximate KL summed over the weights, from their (clipped) log alpha."""
    neg = K1 * torch.sigmoid(K2 + K3 * log_alpha) \
        - 0.5 * torch.nn.functional.softplus(-log_alpha) - K1
    return -neg.sum()


def report(batch, fields, out):
    """Prints the run's JSON (versions, BLAS, threads, batch and the fields) and writes it to
    out when given."""
    result = {
        "torch": torch.__version__,
        # Debian's torch calls whichever libblas.so.3 the alternatives system points to.
        "blas": os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu"),
        "threads": torch.get_num_threads(),
        "batch": batch,
        **fields,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        with open(out, "w") as f:
            f.write(text + "\n")
