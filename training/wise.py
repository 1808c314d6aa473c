"""Weight-space ensemble of a fine-tuned stage with the model it started from (WiSE-FT, Wortsman et al. 2022).

    /usr/bin/python3 training/wise.py --ckpt training/runs/v4/latest.pt --alpha 0.8 --out /tmp/v4-wise0.8.pt

Writes a copy of the checkpoint whose EMA weights (the ones ``export.py`` exports) are
``alpha * ema + (1 - alpha) * init``, ``init`` being the weights the stage started from (``config['init']``,
e.g. the shipped ONNX of the previous release, sha256-checked by ``train.load_init``). The online weights and the
optimiser state are kept as they are, so the copy is for export only; its config records ``"wise_alpha"``, which
the model card then shows. alpha = 1 is the stage itself, 0 the model it started from. Fine-tuning on a shifted
mixture (v4: motion and small faces) can lose some of what the start model did well (v4: clean mild blur at 256
px); interpolating keeps part of both. Pick alpha on validation faces (train/ 4300-4499), never on eval/.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402  (load_init: the stage's start weights)


def interpolate(ema, init, alpha):
    """alpha * ema + (1 - alpha) * init for every floating-point tensor; the keys must match."""
    if set(ema) != set(init):
        raise SystemExit(f"weights differ in names: {sorted(set(ema) ^ set(init))[:5]}")
    out = {}
    for k, v in ema.items():
        w = init[k].to(v.dtype)
        if w.shape != v.shape:
            raise SystemExit(f"{k}: shape {tuple(v.shape)} vs init {tuple(w.shape)}")
        out[k] = alpha * v + (1 - alpha) * w if v.is_floating_point() else v
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True, help="a stage checkpoint (train.py's latest.pt)")
    ap.add_argument("--alpha", type=float, required=True, help="weight of the stage's own weights, 0..1")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if not 0.0 <= a.alpha <= 1.0:
        raise SystemExit(f"--alpha must be in [0, 1], got {a.alpha}")
    s = torch.load(a.ckpt, map_location="cpu", weights_only=False)
    cfg = s.get("config")
    if not cfg or not cfg.get("init"):
        raise SystemExit(f"{a.ckpt}: not a config-driven stage with an init")
    init = train.load_init(cfg)["ema"]
    s["ema"] = interpolate(s["ema"], init, a.alpha)
    s["config"] = dict(cfg, wise_alpha=a.alpha)
    torch.save(s, a.out)
    print(f"{a.out}: step {s['step']}, EMA = {a.alpha:g} x {a.ckpt} + {1 - a.alpha:g} x {cfg['init']}")


if __name__ == "__main__":
    main()
