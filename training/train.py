"""Train SMFD-UNet: one JSON config per stage, step-based schedule, everything seeded, exact resume.

    /usr/bin/python3 training/train.py training/configs/v4.json [--max-minutes 150]

The config (see ``training/configs/``) records every hyperparameter of a stage.  The batch of step ``s``
is a pure function of ``(config seed, s)`` (its own ``random.Random``), so a resumed run sees exactly
the batches an uninterrupted run would, whatever the number of data workers.  ``latest.pt`` in the
stage's ``out`` folder holds weights, EMA, optimiser, step and torch RNG state; re-running the same
command continues from it.  ``--max-minutes`` only bounds this invocation's wall clock (a working
period); the learning-rate schedule depends on the step alone.  Without ``latest.pt`` the stage resumes
from a committed ``training/checkpoints/<stage>-latest.pt`` if there is one, or else starts from ``init``:
compact weights (``compact.py``), a shipped ONNX model, or either as committed (``git:REV:PATH``).

Data: ``train/`` images 0000-4299 for training and 4300-4499 as our own validation split of
``../shared/data/celebamask-hq-mini`` (or a pack written by ``make_pack.py``); ``eval/`` is never read.
Runs unchanged on one CUDA GPU (PyTorch 2.x) when one is present; bf16 autocast on either device.
"""
import argparse
import io
import json
import math
import os
import random
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import degrade  # noqa: E402
import face_descriptor as FD  # noqa: E402
import model as M  # noqa: E402

LUT = np.array(M.CELEBA_TO_GROUP, dtype=np.int64)

DEFAULTS = {
    "seed": 1, "steps": 10000, "warmup": 200, "lr": 1e-3, "lr_min_frac": 0.02, "batch": 4,
    "crop_schedule": [[0, 192]], "mix": {"sharp": 0.0, "mild": 0.0},
    "loss": {"region": 0.5, "grad": 0.25, "mask_ce": 0.2, "identity": 0.0, "identity_sizes": [256]},
    "ema": 0.999, "bf16": True, "val_every": 500, "ckpt_every": 250, "workers": 1, "init": None,
    "init_sha256": None,  # pins the bytes of "init" (required for a shipped ONNX)
    "data": "../shared/data/celebamask-hq-mini", "version": "0.1.0",
    "arch": {},  # model.Deblurrer keyword arguments (extra RDC blocks); {} = the v1/v2 network
    "revive_low_path": False,  # after init: re-initialise the dead 1/4 and 1/8 levels (model.revive_low_path)
    # recipe v4: multi-resolution whole faces and ArcFace-style crops instead of crops of 256 faces.
    # {"sizes": [[size, weight, batch], ...], "arcface": p, "jitter": px}: each step draws one size; a face
    # is blurred at 256 (so blur lengths are 256-equivalent), then resized to that size (antialiased
    # bilinear), then noise / rescaling / JPEG at that size. With probability "arcface" a face below 256
    # is the ArcFace box (x 56..200, y 80..224 of the 256 face, +-jitter px) instead of the whole face.
    "geometry": None,
    # recipe v4: blur-family weights of the degraded share (spec v1 conditioned on its family), e.g.
    # {"trajectory": 0.3, "linear": 0.35, "gaussian": 0.175, "defocus": 0.175}; linear lengths above
    # "max_linear" px (256-equivalent) are redrawn. None = spec v1's own family mixture.
    "families": None,
    "max_linear": 30.0,
}


# a single training step longer than this is a paused process, not work (CPU steps take ~1 s)
PAUSE_S = 120.0


def load_config(path):
    with open(path) as f:
        cfg = json.load(f)
    unknown = set(cfg) - set(DEFAULTS) - {"name", "out", "notes"}
    if unknown:
        raise SystemExit(f"{path}: unknown config keys {sorted(unknown)}")
    out = json.loads(json.dumps(DEFAULTS))
    for k, v in cfg.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k].update(v)
        else:
            out[k] = v
    for k in ("name", "out"):
        if k not in out:
            raise SystemExit(f"{path}: missing '{k}'")
    return out


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_init_bytes(spec):
    """Bytes of an ``init`` file: a path (relative to the repository root), or ``git:REV:PATH`` for a
    file as committed at REV (a released model stays reachable after later ships replace it)."""
    if spec.startswith("git:"):
        import subprocess
        _, rev, path = spec.split(":", 2)
        return subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True).stdout
    with open(spec if os.path.isabs(spec) else os.path.join(ROOT, spec), "rb") as f:
        return f.read()


def load_init(cfg):
    """Initial weights {"net": state, "ema": state, "note": str} from ``cfg['init']``: compact weights
    (``compact.py``, a .pt) or the weights inside a shipped ONNX model (its initialisers ``net.*`` are the
    exported EMA weights; the online weights start equal to them).  ``init_sha256`` is checked if set."""
    import hashlib
    spec = cfg["init"]
    data = read_init_bytes(spec)
    digest = hashlib.sha256(data).hexdigest()
    if cfg["init_sha256"] and digest != cfg["init_sha256"]:
        raise SystemExit(f"init {spec}: sha256 {digest} != init_sha256 {cfg['init_sha256']}")
    if spec.endswith(".onnx"):
        import onnx
        from onnx import numpy_helper
        m = onnx.load_from_string(data)
        state = {i.name[4:]: torch.from_numpy(numpy_helper.to_array(i).copy())
                 for i in m.graph.initializer if i.name.startswith("net.")}
        meta = {p.key: p.value for p in m.metadata_props}
        return {"net": state, "ema": state, "note": f"ONNX {spec} sha256 {digest[:12]} {meta.get('version', '')}".strip()}
    return torch.load(io.BytesIO(data), map_location="cpu", weights_only=False)


def load_split(root, lo, hi):
    """Faces lo..hi of train/ (uint8 HWC) and their grouped masks, from the data folder or a pack
    (a .npz written by make_pack.py holding JPEG bytes of the same files)."""
    if root.endswith(".npz"):  # the faces of [lo, hi] that the pack holds
        pack = np.load(root)
        imgs, masks = [], []
        for j, i in enumerate(pack["ids"]):
            if lo <= i <= hi:
                imgs.append(np.asarray(Image.open(io.BytesIO(pack[f"img{j}"].tobytes())).convert("RGB")))
                mk = np.asarray(Image.open(io.BytesIO(pack[f"mask{j}"].tobytes())))
                masks.append(LUT[np.clip(mk, 0, 18)].astype(np.uint8))
        if not imgs:
            raise SystemExit(f"{root} holds no face in {lo:04d}-{hi:04d}")
        return np.stack(imgs), np.stack(masks)
    imgs, masks = [], []
    for i in range(lo, hi + 1):
        name = f"{i:04d}"
        im = np.asarray(Image.open(os.path.join(root, "train", "images", name + ".jpg")).convert("RGB"))
        mk = np.asarray(Image.open(os.path.join(root, "train", "masks", name + ".png")))
        imgs.append(im)
        masks.append(LUT[np.clip(mk, 0, 18)].astype(np.uint8))
    return np.stack(imgs), np.stack(masks)


def mild_sample(seed):
    """A mild blur with no noise, JPEG or rescaling (training mixture only, not part of degradation
    spec v1): isotropic Gaussian sigma 0.3-1.0 (40%), a short camera-shake trajectory in a 5-9 px
    kernel (40%) or linear motion of 1-3 px (20%)."""
    rng = degrade.SplitMix64(seed)
    u = rng.uniform()
    if u < 0.4:
        s = rng.grid(0.3, 1.0, 0.05)
        fam, ker = "gaussian", degrade._gaussian({"sigma1": s, "sigma2": s, "theta": 0})
    elif u < 0.8:
        p = {"size": 2 * rng.randint(2, 4) + 1, "length": rng.grid(0.5, 1.0, 0.05), "angle": rng.grid(0, 359, 1),
             "anxiety": rng.grid(0.005, 0.1, 0.005), "impulse": rng.grid(0.0, 0.2, 0.02),
             "shake": rng.grid(1.0, 10.0, 0.5), "centripetal": rng.grid(0.0, 0.7, 0.05),
             "exposure": rng.grid(0.5, 1.0, 0.05)}
        fam, ker = "trajectory", degrade._trajectory(rng, p)
    else:
        fam, ker = "linear", degrade._linear({"length": rng.grid(1.0, 3.0, 0.25), "angle": rng.grid(0, 179, 1)})
    return {"family": fam, "kernel": ker, "scale": None, "noise_first": False, "noise": None, "jpeg": None,
            "subseed": rng.next()}


def resize(t, n):
    """Antialiased bilinear resize of an NCHW float tensor to n x n (identity when already n)."""
    if t.shape[-1] == n and t.shape[-2] == n:
        return t
    return F.interpolate(t, size=(n, n), mode="bilinear", align_corners=False, antialias=True)


def degrade_crop(img, y0, x0, size, seed, d=None, out_size=None):
    """Apply degradation spec v1 (training/degrade.py) to a size x size crop of a uint8 HWC image.
    The kernel is applied as a true convolution over the surrounding image (reflect at borders).
    With ``out_size`` the blurred crop is resized to out_size (recipe v4) before the image-level steps
    (rescaling, noise, JPEG), which then happen at the output size."""
    d = degrade.sample(seed) if d is None else d
    ker = d["kernel"]
    r = ker.shape[0] // 2
    pad = np.pad(img, ((r + 1, r + 1), (r + 1, r + 1), (0, 0)), mode="reflect")
    patch = pad[y0 + 1:y0 + 1 + size + 2 * r, x0 + 1:x0 + 1 + size + 2 * r]
    x = torch.from_numpy(patch.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(1)
    k = torch.from_numpy(np.ascontiguousarray(ker[::-1, ::-1]).astype(np.float32))[None, None]
    y = F.conv2d(x, k).squeeze(1).unsqueeze(0)  # 1,3,size,size
    if out_size is not None and out_size != size:
        y = resize(y, out_size)
        size = out_size  # the image-level steps below work at the output size
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


def make_batch(imgs, masks, bs, size, rng, mix=None):
    """bs random crops (random horizontal flip), each degraded with a fresh seed.  Without ``mix`` every
    crop follows degradation spec v1 (the validation set is drawn this way); with ``mix`` a share
    ``mix['sharp']`` are sharp pairs (input = target) and ``mix['mild']`` mild blur (``mild_sample``)."""
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
        t = torch.from_numpy(img[y0:y0 + size, x0:x0 + size].astype(np.float32) / 255.0).permute(2, 0, 1)
        seed = rng.getrandbits(63)
        u = rng.random() if mix else 1.0
        if mix and u < mix["sharp"]:
            x = t.clone()
        elif mix and u < mix["sharp"] + mix["mild"]:
            x, _ = degrade_crop(img, y0, x0, size, seed, mild_sample(seed))
        else:
            x, _ = degrade_crop(img, y0, x0, size, seed)
        xs.append(x)
        ts.append(t)
        ms.append(torch.from_numpy(np.ascontiguousarray(mk[y0:y0 + size, x0:x0 + size]).astype(np.int64)))
    return torch.stack(xs), torch.stack(ts), torch.stack(ms)


FAMILY_BOUNDS = (("trajectory", 0.35), ("linear", 0.55), ("gaussian", 0.80), ("defocus", 1.0))  # spec v1 draw 1


def family_of(seed):
    """The blur family spec v1 draws for ``seed`` (its first draw), without building the kernel."""
    u = degrade.SplitMix64(seed).uniform()
    return next(f for f, hi in FAMILY_BOUNDS if u < hi)


def weighted_sample(rng, families, max_linear):
    """A spec v1 degradation conditioned on a family drawn with ``families`` weights (recipe v4):
    seeds are redrawn until spec v1 picks that family (and, for linear motion, a length <= max_linear)."""
    names = sorted(families)
    r = rng.random() * sum(families[f] for f in names)
    target = names[-1]
    for f in names:
        r -= families[f]
        if r < 0:
            target = f
            break
    while True:
        seed = rng.getrandbits(63)
        if family_of(seed) != target:
            continue
        d = degrade.sample(seed)
        if target != "linear" or d["params"]["length"] <= max_linear:
            return seed, d


ARCFACE_BOX = (80, 56, 144)  # y0, x0, side in the 256x256 aligned face (crop then resize to 112)


def make_batch_geo(imgs, masks, rng, cfg, size=None, families=None, arcface=None):
    """Recipe v4 batch: one output size per step (drawn from ``cfg['geometry']['sizes']`` unless given);
    whole faces (or, below 256, the ArcFace box with probability ``arcface``) blurred at 256, resized, then
    noise / rescaling / JPEG at the output size; the targets are the same boxes resized the same way
    and quantised to 8 bits; sharp pairs have input = target."""
    geo = cfg["geometry"]
    sizes = geo["sizes"]
    if size is None:
        r = rng.random() * sum(w for _, w, _ in sizes)
        pick = sizes[-1]
        for e in sizes:
            r -= e[1]
            if r < 0:
                pick = e
                break
        size, bs = pick[0], pick[2]
    else:
        bs = next((e[2] for e in sizes if e[0] == size), 8)
    mix = cfg["mix"]
    fam = cfg["families"] if families is None else families
    p_arc = geo.get("arcface", 0.0) if arcface is None else arcface
    jit = geo.get("jitter", 0)
    xs, ts, ms = [], [], []
    for _ in range(bs):
        i = rng.randrange(len(imgs))
        img, mk = imgs[i], masks[i]
        if rng.random() < 0.5:
            img, mk = img[:, ::-1], mk[:, ::-1]
        img = np.ascontiguousarray(img)
        full = img.shape[0]
        if size < full and rng.random() < p_arc:
            y0 = ARCFACE_BOX[0] + rng.randint(-jit, jit)
            x0 = ARCFACE_BOX[1] + rng.randint(-jit, jit)
            side = ARCFACE_BOX[2]
        else:
            y0, x0, side = 0, 0, full
        crop = torch.from_numpy(img[y0:y0 + side, x0:x0 + side].astype(np.float32) / 255.0).permute(2, 0, 1)
        t = (resize(crop.unsqueeze(0), size)[0].clamp(0, 1) * 255.0 + 0.5).floor() / 255.0
        u = rng.random()
        if u < mix["sharp"]:
            x = t.clone()
        elif u < mix["sharp"] + mix["mild"]:
            seed = rng.getrandbits(63)
            x, _ = degrade_crop(img, y0, x0, side, seed, mild_sample(seed), out_size=size)
        elif fam:
            seed, d = weighted_sample(rng, fam, cfg["max_linear"])
            x, _ = degrade_crop(img, y0, x0, side, seed, d, out_size=size)
        else:
            seed = rng.getrandbits(63)
            x, _ = degrade_crop(img, y0, x0, side, seed, out_size=size)
        m = torch.from_numpy(np.ascontiguousarray(mk[y0:y0 + side, x0:x0 + side]).astype(np.float32))[None, None]
        m = F.interpolate(m, size=(size, size), mode="nearest")[0, 0].long()
        xs.append(x)
        ts.append(t)
        ms.append(m)
    return torch.stack(xs), torch.stack(ts), torch.stack(ms)


def crop_at(cfg, step):
    """Progressive crop size: the last [from_step, crop] entry with from_step <= step."""
    size = cfg["crop_schedule"][0][1]
    for at, c in cfg["crop_schedule"]:
        if step >= at:
            size = c
    return size


def lr_at(cfg, step):
    """Linear warm-up, then cosine decay from lr to lr * lr_min_frac over cfg['steps'] (step-based)."""
    warm = min(1.0, (step + 1) / max(1, cfg["warmup"]))
    frac = min(1.0, step / cfg["steps"])
    lo = cfg["lr_min_frac"]
    return cfg["lr"] * warm * (lo + (1 - lo) * 0.5 * (1 + math.cos(math.pi * frac)))


def _worker_init(_):
    # Workers ignore SIGTERM/SIGINT so that `pkill -f train.py` stops the main process gracefully
    # (it checkpoints at the next step); workers end when the main process does.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class StepBatches(torch.utils.data.Dataset):
    """Batch of step s = a pure function of (seed, s): exact resume with any number of workers."""

    def __init__(self, cfg, imgs, masks):
        self.cfg, self.imgs, self.masks = cfg, imgs, masks

    def __len__(self):
        return self.cfg["steps"]

    def __getitem__(self, step):
        rng = random.Random(self.cfg["seed"] * 1_000_003 + step)
        if self.cfg["geometry"]:
            return make_batch_geo(self.imgs, self.masks, rng, self.cfg)
        return make_batch(self.imgs, self.masks, self.cfg["batch"], crop_at(self.cfg, step), rng, self.cfg["mix"])


REGION = torch.tensor([0, 0, 1, 1, 0, 1, 0, 0], dtype=torch.float32)  # brows, eyes, mouth


def losses(y, t, logits, gt, w, identity=None):
    """Loss = Charbonnier + w.region * region-weighted L1 (x3 on brows/eyes/mouth) + w.grad * gradient L1
    (structural: matches edges) + w.mask_ce * mask cross-entropy (+ w.identity * identity feature loss
    when ``identity`` is given: a callable (y, t) -> scalar)."""
    charb = torch.sqrt((y - t) ** 2 + 1e-6).mean()
    wr = 1.0 + 2.0 * REGION[gt].unsqueeze(1)
    region = (wr * (y - t).abs()).mean() / wr.mean()
    gx = lambda a: a[..., :, 1:] - a[..., :, :-1]  # noqa: E731
    gy = lambda a: a[..., 1:, :] - a[..., :-1, :]  # noqa: E731
    grad = (gx(y) - gx(t)).abs().mean() + (gy(y) - gy(t)).abs().mean()
    ce = F.cross_entropy(logits, gt)
    total = charb + w["region"] * region + w["grad"] * grad + w["mask_ce"] * ce
    parts = {"charb": charb.item(), "region": region.item(), "grad": grad.item(), "ce": ce.item()}
    if identity is not None:  # the caller passes it only on steps where w["identity"] > 0 applies
        idl = identity(y, t)
        total = total + w["identity"] * idl
        parts["id"] = idl.item()
    return total, parts


class IdentityLoss:
    """Frozen dlib face descriptor (``face_descriptor.py``, weights of the committed ONNX) as a feature
    loss: mean Euclidean distance between the descriptors of the output's and the target's chips.
    The chip is framed as the evaluation frames it: dlib's box on a whole aligned 256x256 face; below
    256 px the whole image resized to 150x150 (how ``FaceDescriptor.embedArcFaceCrops`` frames a
    112 px ArcFace-style crop; on a whole face resized below 256 it is a looser framing). The recipe
    applies it on steps whose size is in ``loss.identity_sizes`` (default: 256 only)."""

    def __init__(self, device):
        self.net = FD.FaceDescriptor.from_onnx().to(device)
        for p in self.net.parameters():
            p.requires_grad_(False)

    def descriptors(self, faces):
        h, w = faces.shape[-2:]
        if (h, w) == (256, 256):
            return self.net(FD.crop_chip(faces))
        return self.net(FD.crop_chip(faces, box=(0, 0, w, h)))

    def __call__(self, y, t):
        with torch.no_grad():
            dt = self.descriptors(t)
        return (self.descriptors(y) - dt).norm(dim=1).mean()


def psnr(a, b):
    mse = ((a - b) ** 2).mean(dim=(1, 2, 3)).clamp_min(1e-10)
    return (10 * torch.log10(1.0 / mse)).mean().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config", help="stage config (JSON), e.g. training/configs/v4.json")
    ap.add_argument("--max-minutes", type=float, default=None,
                    help="stop (with a checkpoint) after this much wall clock; resume later with the same command")
    ap.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    ap.add_argument("--data", default=None, help="override the config's data folder or pack")
    ap.add_argument("--stop-at", type=int, default=None, help="stop at this step (tests, profiling)")
    a = ap.parse_args()
    cfg = load_config(a.config)
    if a.data:
        cfg["data"] = a.data
    if a.threads:
        torch.set_num_threads(a.threads)
    # Denormal floats (tiny gradients, e.g. from sharp pairs whose target residual is zero) make x86
    # arithmetic 10-100x slower; flush them to zero (no effect on the result at training precision).
    torch.set_flush_denormal(True)
    random.seed(cfg["seed"])
    np.random.seed(cfg["seed"] % (2 ** 32))
    torch.manual_seed(cfg["seed"])
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True  # few distinct crop sizes: autotune each once
    os.makedirs(cfg["out"], exist_ok=True)
    with open(os.path.join(cfg["out"], "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    log = open(os.path.join(cfg["out"], "train.log"), "a")

    def say(msg):
        line = time.strftime("%H:%M:%S ") + msg
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    t0 = time.time()
    imgs, masks = load_split(cfg["data"], 0, 4299)
    vimgs, vmasks = load_split(cfg["data"], 4300, 4499)
    say(f"{cfg['name']}: loaded {len(imgs)} train / {len(vimgs)} val faces in {time.time() - t0:.1f}s on {dev}")
    vrng = random.Random(12345)
    val = [make_batch(vimgs, vmasks, 16, 192, vrng) for _ in range(4)]  # same 64 crops as v1/v2 history
    srng = random.Random(54321)
    val_sharp = make_batch(vimgs, vmasks, 16, 192, srng, {"sharp": 1.0, "mild": 0.0})
    val_mild = make_batch(vimgs, vmasks, 16, 192, srng, {"sharp": 0.0, "mild": 1.0})
    frng = random.Random(777)
    val_full = [make_batch(vimgs, vmasks, 8, 256, frng) for _ in range(4)]  # 32 whole faces, spec v1
    ident = IdentityLoss(dev)
    # recipe v4 validation (any stage): motion blur where integrators use it, 256-equivalent lengths
    # <= 20 px, no sharp/mild pairs: 16 ArcFace-box crops at 112 px and 16 whole faces at 256 px
    vcfg = {"geometry": {"sizes": [[112, 1, 16], [256, 1, 16]], "arcface": 1.0, "jitter": 0},
            "mix": {"sharp": 0.0, "mild": 0.0}, "families": {"linear": 0.5, "trajectory": 0.5}, "max_linear": 20.0}
    mrng = random.Random(4242)
    val_m112 = make_batch_geo(vimgs, vmasks, mrng, vcfg, size=112)
    val_m256 = make_batch_geo(vimgs, vmasks, mrng, vcfg, size=256)

    net = M.SMFDUNet(**cfg["arch"]).to(dev)
    ema = M.SMFDUNet(**cfg["arch"]).to(dev)
    ema.load_state_dict(net.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    step, elapsed = 0, 0.0
    ck = os.path.join(cfg["out"], "latest.pt")
    # an unreleased stage carried over between working periods: training/checkpoints/<name>-latest.pt
    carried = os.path.join(ROOT, "training", "checkpoints", f"{cfg['name']}-latest.pt")
    if not os.path.exists(ck) and os.path.exists(carried):
        say(f"no {ck}: resuming from the committed checkpoint {os.path.relpath(carried, ROOT)}")
        ck_in = carried
    else:
        ck_in = ck
    if os.path.exists(ck_in):
        s = torch.load(ck_in, map_location=dev, weights_only=False)
        net.load_state_dict(s["net"])
        ema.load_state_dict(s["ema"])
        opt.load_state_dict(s["opt"])
        step, elapsed = s["step"], s["elapsed"]
        torch.set_rng_state(s["torch_rng"])
        say(f"resumed at step {step}, {elapsed / 60:.1f} min trained")
    elif cfg["init"]:
        s = load_init(cfg)
        for dst, key in ((net, "net"), (ema, "ema")):
            missing, unexpected = dst.load_state_dict({k_: v.float() for k_, v in s[key].items()}, strict=False)
            # a deeper arch may add blocks (they start as the identity); anything else must match exactly
            if unexpected or any(not k_.startswith(("deblur.xrdc", "deblur.xdrdc", "deblur.xstrip")) for k_ in missing):
                raise SystemExit(f"init {cfg['init']} does not fit arch {cfg['arch']}: "
                                 f"missing {missing}, unexpected {unexpected}")
        added = sum(1 for k_ in missing if k_.endswith("fuse.weight"))
        say(f"initialised from {cfg['init']} ({s.get('note', '')}); fresh optimiser, schedule from step 0"
            + (f"; {added} added RDC blocks start as the identity" if added else ""))
        if cfg["revive_low_path"]:
            torch.manual_seed(cfg["seed"] + 1)
            M.revive_low_path(net.deblur)
            ema.load_state_dict(net.state_dict())
            say("re-initialised the deblurrer's 1/4 and 1/8 levels; up1 projection zeroed (revive_low_path)")
    say(f"params {sum(p.numel() for p in net.parameters())}, config {json.dumps(cfg, sort_keys=True)}")

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))

    def save():
        torch.save({"net": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step,
                    "elapsed": elapsed, "torch_rng": torch.get_rng_state(), "config": cfg}, ck + ".tmp")
        os.replace(ck + ".tmp", ck)

    def validate():
        ema.eval()
        with torch.no_grad(), torch.autocast(dev.type, dtype=torch.bfloat16, enabled=False):
            run = lambda x: ema(x.to(dev))  # noqa: E731
            with M.gate_saturation(ema.deblur) as sat:  # measured on the first batch's pass
                outs = [run(val[0][0])]
            outs += [run(vx) for vx, _, _ in val[1:]]  # one forward pass per batch serves image and masks
            pin = sum(psnr(vx, vt) for vx, vt, _ in val) / len(val)
            pout = sum(psnr(y[0].clamp(0, 1).cpu(), vt) for y, (_, vt, _) in zip(outs, val)) / len(val)
            acc = sum((y[1].argmax(1).cpu() == vg).float().mean().item() for y, (_, _, vg) in zip(outs, val)) / len(val)
            sx, st, _ = val_sharp
            psharp = psnr(run(sx)[0].clamp(0, 1).cpu(), st)
            mx, mt, _ = val_mild
            mil_in, mil_out = psnr(mx, mt), psnr(run(mx)[0].clamp(0, 1).cpu(), mt)
            motion = []
            for vx, vt, _ in (val_m112, val_m256):
                motion.append((psnr(vx, vt), psnr(run(vx)[0].clamp(0, 1).cpu(), vt)))
            din = dout = dsharp = 0.0
            for fx, ft, _ in val_full:
                fy = run(fx)[0].clamp(0, 1)
                dt = ident.descriptors(ft.to(dev))
                din += (ident.descriptors(fx.to(dev)) - dt).norm(dim=1).mean().item() / len(val_full)
                dout += (ident.descriptors(fy) - dt).norm(dim=1).mean().item() / len(val_full)
                dsharp += (ident.descriptors(run(ft)[0].clamp(0, 1)) - dt).norm(dim=1).mean().item() / len(val_full)
        say(f"VAL step {step}: blurry {pin:.2f} dB -> smfd {pout:.2f} dB (+{pout - pin:.2f}), mask acc {acc:.3f}; "
            f"sharp in->out {psharp:.2f} dB; mild {mil_in:.2f} -> {mil_out:.2f} dB; "
            f"identity distance (32 faces) blurry {din:.3f} -> smfd {dout:.3f}, sharp drift {dsharp:.3f}; "
            f"motion 112 px {motion[0][0]:.2f} -> {motion[0][1]:.2f} dB (+{motion[0][1] - motion[0][0]:.2f}), "
            f"motion 256 px {motion[1][0]:.2f} -> {motion[1][1]:.2f} dB (+{motion[1][1] - motion[1][0]:.2f}); "
            f"CBAM spatial gates at exactly 0: att3 {sat['att3']:.3f}, att2 {sat['att2']:.3f}")

    extra = {"prefetch_factor": 4, "worker_init_fn": _worker_init} if cfg["workers"] else {}
    loader = torch.utils.data.DataLoader(StepBatches(cfg, imgs, masks), batch_size=None,
                                         sampler=range(step, cfg["steps"]), num_workers=cfg["workers"], **extra)
    t_start = time.time()
    agg, t_data, t_comp = {}, 0.0, 0.0
    last_dt = 1.0
    if step == 0:
        validate()
    tw = time.time()
    for x, t, gt in loader:
        ts = time.time()
        t_data += ts - tw
        lr = lr_at(cfg, step)
        for g in opt.param_groups:
            g["lr"] = lr
        x, t, gt = x.to(dev), t.to(dev), gt.to(dev)
        net.train()
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=cfg["bf16"]):
            y, logits = net(x)
        use_id = (cfg["loss"]["identity"] > 0 and x.shape[-1] == x.shape[-2]
                  and x.shape[-1] in cfg["loss"]["identity_sizes"])
        loss, parts = losses(y.float(), t, logits.float(), gt, cfg["loss"], ident if use_id else None)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        decay = min(cfg["ema"], (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pn in zip(ema.parameters(), net.parameters()):
                pe.mul_(decay).add_(pn, alpha=1 - decay)
            for be, bn in zip(ema.buffers(), net.buffers()):
                be.copy_(bn)
        step += 1
        now = time.time()
        if now - tw > PAUSE_S:
            # the process was stopped (SIGSTOP while the cores benchmark something else): that
            # wall time is not training time; count the step at the previous step's duration
            say(f"step {step}: {now - tw:.0f} s wall time counted as {last_dt:.1f} s (process paused)")
            tw, ts = now - last_dt, min(ts, now - last_dt)
        last_dt = now - tw
        t_comp += now - ts
        elapsed += now - tw
        tw = now
        for k_, v in parts.items():
            agg[k_] = agg.get(k_, 0.0) + v
        agg["n"] = agg.get("n", 0) + 1
        if step % 50 == 0:
            n = agg.pop("n")
            crops = n * cfg["batch"]
            say(f"step {step} crop {x.shape[-1]} lr={lr:.2e} " + " ".join(f"{k_}={v / n:.4f}" for k_, v in agg.items())
                + f" | {crops / (t_data + t_comp):.1f} crops/s, waiting for data {100 * t_data / (t_data + t_comp):.0f}%")
            agg, t_data, t_comp = {}, 0.0, 0.0
        out_of_time = a.max_minutes is not None and time.time() - t_start > a.max_minutes * 60
        last = step >= cfg["steps"] or (a.stop_at is not None and step >= a.stop_at) or out_of_time or stop["now"]
        if step % cfg["val_every"] == 0 or step >= cfg["steps"]:
            validate()
        if step % cfg["ckpt_every"] == 0 or last:
            save()
        if last:
            break
        tw = time.time()  # validation and checkpoint time is not data-wait time
    say(f"stopped at step {step} of {cfg['steps']}")
    if step >= cfg["steps"]:
        with open(os.path.join(cfg["out"], "done.json"), "w") as f:
            json.dump({"steps": step}, f)


if __name__ == "__main__":
    main()
