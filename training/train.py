"""Train SMFD-UNet on CPU.  Usage (from the repo root):

    /usr/bin/python3 training/train.py --data ../shared/data/celebamask-hq-mini --out training/runs/v1 \
        --budget-minutes 110

Resumable: re-running with the same --out continues from ``latest.pt`` (the cosine learning-rate
schedule is driven by elapsed training time, which is stored in the checkpoint).  Uses only
``train/`` images 0000-4299 for training and 4300-4499 as our own validation split; ``eval/`` is
never read here.  ``--init FILE`` starts a new run from compact weights (see compact.py), e.g. the
committed ``training/checkpoints/smfd-unet-v1.pt``, to continue training in a later session.
"""
import argparse
import io
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import degrade  # noqa: E402
import model as M  # noqa: E402

LUT = np.array(M.CELEBA_TO_GROUP, dtype=np.int64)


def load_split(root, lo, hi):
    imgs, masks = [], []
    for i in range(lo, hi + 1):
        name = f"{i:04d}"
        im = np.asarray(Image.open(os.path.join(root, "train", "images", name + ".jpg")).convert("RGB"))
        mk = np.asarray(Image.open(os.path.join(root, "train", "masks", name + ".png")))
        imgs.append(im)
        masks.append(LUT[np.clip(mk, 0, 18)].astype(np.uint8))
    return np.stack(imgs), np.stack(masks)


def degrade_crop(img, y0, x0, size, seed):
    """Apply degradation spec v1 (training/degrade.py) to a size x size crop of a uint8 HWC image.
    The kernel is applied as a true convolution over the surrounding image (reflect at borders)."""
    d = degrade.sample(seed)
    ker = d["kernel"]
    r = ker.shape[0] // 2
    pad = np.pad(img, ((r + 1, r + 1), (r + 1, r + 1), (0, 0)), mode="reflect")
    patch = pad[y0 + 1:y0 + 1 + size + 2 * r, x0 + 1:x0 + 1 + size + 2 * r]
    x = torch.from_numpy(patch.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(1)
    k = torch.from_numpy(np.ascontiguousarray(ker[::-1, ::-1]).astype(np.float32))[None, None]
    y = F.conv2d(x, k).squeeze(1).unsqueeze(0)  # 1,3,size,size
    gen = torch.Generator().manual_seed(d["subseed"] & ((1 << 63) - 1))

    def scale(t):
        s = d["scale"]
        if s is None:
            return t
        n = max(1, round(size * s))
        t = F.interpolate(t, size=(n, n), mode="bilinear", align_corners=False)
        return F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False)

    def noise(t):
        if d["noise"] is None:
            return t
        kind, lvl = d["noise"]
        if kind == "gaussian":
            t = t + lvl * torch.randn(t.shape, generator=gen)
        else:
            t = torch.poisson(t.clamp(0, 1) * lvl, generator=gen) / lvl
        return t.clamp(0, 1)

    y = scale(noise(y)) if d["noise_first"] else noise(scale(y))
    y = y.clamp(0, 1)
    u8 = (y[0].permute(1, 2, 0).numpy() * 255.0 + 0.5).astype(np.uint8)
    if d["jpeg"] is not None:
        buf = io.BytesIO()
        Image.fromarray(u8).save(buf, format="JPEG", quality=int(d["jpeg"]))
        u8 = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return torch.from_numpy(u8.astype(np.float32) / 255.0).permute(2, 0, 1), d["family"]


def make_batch(imgs, masks, bs, size, rng):
    xs, ts, ms = [], [], []
    for _ in range(bs):
        i = rng.randrange(len(imgs))
        y0 = rng.randrange(0, imgs.shape[1] - size + 1)
        x0 = rng.randrange(0, imgs.shape[2] - size + 1)
        img, mk = imgs[i], masks[i]
        if rng.random() < 0.5:
            img, mk = img[:, ::-1], mk[:, ::-1]
            x0 = imgs.shape[2] - size - x0
        img = np.ascontiguousarray(img)
        x, _ = degrade_crop(img, y0, x0, size, rng.getrandbits(63))
        t = torch.from_numpy(img[y0:y0 + size, x0:x0 + size].astype(np.float32) / 255.0).permute(2, 0, 1)
        xs.append(x)
        ts.append(t)
        ms.append(torch.from_numpy(np.ascontiguousarray(mk[y0:y0 + size, x0:x0 + size]).astype(np.int64)))
    return torch.stack(xs), torch.stack(ts), torch.stack(ms)


REGION = torch.tensor([0, 0, 1, 1, 0, 1, 0, 0], dtype=torch.float32)  # brows, eyes, mouth


def losses(y, t, logits, gt, w_region=0.5, w_grad=0.5):
    """Loss = Charbonnier + w_region * region-weighted L1 (x3 on brows/eyes/mouth) + w_grad * gradient
    L1 (structural: matches edges) + 0.2 * mask cross-entropy.  Defaults 0.5 / 0.5 (v1 run)."""
    charb = torch.sqrt((y - t) ** 2 + 1e-6).mean()
    w = 1.0 + 2.0 * REGION[gt].unsqueeze(1)
    region = (w * (y - t).abs()).mean() / w.mean()
    gx = lambda a: a[..., :, 1:] - a[..., :, :-1]  # noqa: E731
    gy = lambda a: a[..., 1:, :] - a[..., :-1, :]  # noqa: E731
    grad = (gx(y) - gx(t)).abs().mean() + (gy(y) - gy(t)).abs().mean()
    ce = F.cross_entropy(logits, gt)
    total = charb + w_region * region + w_grad * grad + 0.2 * ce
    return total, {"charb": charb.item(), "region": region.item(), "grad": grad.item(), "ce": ce.item()}


def psnr(a, b):
    mse = ((a - b) ** 2).mean(dim=(1, 2, 3)).clamp_min(1e-10)
    return (10 * torch.log10(1.0 / mse)).mean().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/celebamask-hq-mini")
    ap.add_argument("--out", default="training/runs/v1")
    ap.add_argument("--budget-minutes", type=float, default=110)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--w-region", type=float, default=0.5, help="weight of the region-weighted L1 term")
    ap.add_argument("--w-grad", type=float, default=0.5, help="weight of the gradient L1 term")
    ap.add_argument("--init", default=None,
                    help="start from these weights (a file written by compact.py) when --out has no latest.pt")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    log = open(os.path.join(a.out, "train.log"), "a")

    def say(msg):
        line = time.strftime("%H:%M:%S ") + msg
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    t0 = time.time()
    imgs, masks = load_split(a.data, 0, 4299)
    vimgs, vmasks = load_split(a.data, 4300, 4499)
    say(f"loaded {len(imgs)} train / {len(vimgs)} val faces in {time.time() - t0:.1f}s")
    vrng = random.Random(12345)
    val = [make_batch(vimgs, vmasks, 16, a.crop, vrng) for _ in range(4)]

    net = M.SMFDUNet()
    ema = M.SMFDUNet()
    ema.load_state_dict(net.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    step, elapsed = 0, 0.0
    rng = random.Random(a.seed)
    ck = os.path.join(a.out, "latest.pt")
    if os.path.exists(ck):
        s = torch.load(ck)
        net.load_state_dict(s["net"])
        ema.load_state_dict(s["ema"])
        opt.load_state_dict(s["opt"])
        step, elapsed = s["step"], s["elapsed"]
        rng.setstate(s["rng"])
        say(f"resumed at step {step}, {elapsed / 60:.1f} min trained")
    elif a.init:
        s = torch.load(a.init)
        net.load_state_dict({k_: v.float() for k_, v in s["net"].items()})
        ema.load_state_dict({k_: v.float() for k_, v in s["ema"].items()})
        say(f"initialised from {a.init} ({s.get('note', '')}); fresh optimiser and schedule")
    say(f"params {sum(p.numel() for p in net.parameters())}")
    budget = a.budget_minutes * 60.0
    last_ck = time.time()
    last_val = time.time()
    agg = {}
    while elapsed < budget:
        ts = time.time()
        frac = elapsed / budget
        warm = min(1.0, (step + 1) / 200.0)
        lr = a.lr * warm * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        x, t, gt = make_batch(imgs, masks, a.batch, a.crop, rng)
        net.train()
        y, logits = net(x)
        loss, parts = losses(y, t, logits, gt, a.w_region, a.w_grad)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pn in zip(ema.parameters(), net.parameters()):
                pe.mul_(decay).add_(pn, alpha=1 - decay)
            for be, bn in zip(ema.buffers(), net.buffers()):
                be.copy_(bn)
        step += 1
        elapsed += time.time() - ts
        for k_, v in parts.items():
            agg[k_] = agg.get(k_, 0.0) + v
        agg["n"] = agg.get("n", 0) + 1
        if step % 50 == 0:
            n = agg.pop("n")
            say(f"step {step} t={elapsed / 60:.1f}m lr={lr:.2e} " + " ".join(f"{k_}={v / n:.4f}" for k_, v in agg.items()))
            agg = {}
        if time.time() - last_val > 600 or elapsed >= budget:
            ema.eval()
            with torch.no_grad():
                pin = sum(psnr(vx, vt) for vx, vt, _ in val) / len(val)
                pout = sum(psnr(ema(vx)[0].clamp(0, 1), vt) for vx, vt, _ in val) / len(val)
                acc = sum((ema(vx)[1].argmax(1) == vg).float().mean().item() for vx, _, vg in val) / len(val)
            say(f"VAL step {step}: blurry {pin:.2f} dB -> smfd {pout:.2f} dB (+{pout - pin:.2f}), mask acc {acc:.3f}")
            last_val = time.time()
        if time.time() - last_ck > 300 or elapsed >= budget:
            torch.save({"net": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                        "step": step, "elapsed": elapsed, "rng": rng.getstate(), "args": vars(a)}, ck + ".tmp")
            os.replace(ck + ".tmp", ck)
            last_ck = time.time()
    say(f"done: {step} steps, {elapsed / 60:.1f} min")
    with open(os.path.join(a.out, "done.json"), "w") as f:
        json.dump({"steps": step, "minutes": elapsed / 60}, f)


if __name__ == "__main__":
    main()
