"""Training throughput, same run: where a step's time goes (data synthesis vs forward/backward) and
crops per second of the v2 recipe (fp32, data synthesised in the training process) against the v3
recipe (bf16 autocast, data in a worker process), on the same faces and crops.

    /usr/bin/python3 training/bench_throughput.py [--steps 30] [--crop 128] [--batch 8] [--threads 2]

Pause any training run first (its cores would make the numbers meaningless).
"""
import argparse
import random
import sys
import os
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402
import train as T  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="../shared/data/celebamask-hq-mini")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    imgs, masks = T.load_split(a.data, 0, 499)
    w = {"region": 0.5, "grad": 0.25, "mask_ce": 0.2}
    mix = {"sharp": 0.12, "mild": 0.13}

    def step(net, opt, batch, bf16):
        x, t, g = batch
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            y, lo = net(x)
        loss, _ = T.losses(y.float(), t, lo.float(), g, w)
        opt.zero_grad()
        loss.backward()
        opt.step()

    # 1) profile of one step of the v2 recipe: synthesis vs forward/backward, measured separately
    rng = random.Random(1)
    net = M.SMFDUNet()
    opt = torch.optim.Adam(net.parameters(), 1e-4)
    t_data = t_fp32 = t_bf16 = 0.0
    for i in range(a.steps + 2):
        t0 = time.perf_counter()
        b = T.make_batch(imgs, masks, a.batch, a.crop, rng, mix)
        t1 = time.perf_counter()
        step(net, opt, b, False)
        t2 = time.perf_counter()
        step(net, opt, b, True)
        t3 = time.perf_counter()
        if i >= 2:  # warm-up
            t_data += t1 - t0
            t_fp32 += t2 - t1
            t_bf16 += t3 - t2
    n = a.steps * a.batch
    print(f"per crop ({a.crop}x{a.crop}, batch {a.batch}, {a.threads} threads): data synthesis {1e3 * t_data / n:.1f} ms, "
          f"forward+backward fp32 {1e3 * t_fp32 / n:.1f} ms, bf16 {1e3 * t_bf16 / n:.1f} ms")
    v2 = n / (t_data + t_fp32)
    print(f"v2 recipe (fp32, synthesis in the training process): {v2:.1f} crops/s")

    # 2) v3 recipe end to end: the DataLoader worker synthesises while the main process trains in bf16
    cfg = dict(T.DEFAULTS, steps=a.steps + 2, batch=a.batch, crop_schedule=[[0, a.crop]], mix=mix, seed=1, workers=1)
    loader = torch.utils.data.DataLoader(T.StepBatches(cfg, imgs, masks), batch_size=None, sampler=range(cfg["steps"]),
                                         num_workers=1, prefetch_factor=4)
    it = iter(loader)
    for _ in range(2):
        step(net, opt, next(it), True)
    t0 = time.perf_counter()
    for b in it:
        step(net, opt, b, True)
    v3 = n / (time.perf_counter() - t0)
    print(f"v3 recipe (bf16, synthesis in 1 worker process): {v3:.1f} crops/s  ({v3 / v2:.2f}x)")


if __name__ == "__main__":
    main()
