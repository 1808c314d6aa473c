"""Write compact fp16 weights (online + EMA, no optimiser state) from a training checkpoint so a
later session can continue training with ``train.py --init``.

    /usr/bin/python3 training/compact.py training/runs/v1/latest.pt training/checkpoints/smfd-unet-v1.pt
"""
import sys

import torch


def main(src, dst):
    s = torch.load(src, weights_only=False)
    out = {"net": {k: v.half() for k, v in s["net"].items()},
           "ema": {k: v.half() for k, v in s["ema"].items()},
           "step": s["step"], "elapsed": s["elapsed"],
           **({"config": s["config"]} if "config" in s else {}),
           "note": f"step {s['step']}, {s['elapsed'] / 60:.1f} min, "
                   + (f"stage {s['config']['name']} of {s['config']['steps']} steps" if "config" in s else f"args {s['args']}")}
    torch.save(out, dst)
    print(dst, out["note"])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
