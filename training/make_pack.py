"""Build the compact data pack (40 MiB by default, 48 MiB at most) that carries the training data to a machine without
``../shared`` (e.g. a lent GPU machine: the working tree (about 21 MiB) and the pack travel together, 64 MiB
at most, hence the 40 MiB default).

    /usr/bin/python3 training/make_pack.py [--data ../shared/data/celebamask-hq-mini] [--out training/data/pack.npz]

The pack is an uncompressed ``.npz`` of the original files' bytes, unchanged (the JPEG faces are the
training targets: re-encoding them would teach the network JPEG artefacts): ``img{j}`` (JPEG bytes),
``mask{j}`` (the 19-class parsing PNG bytes) and ``ids``.  It always holds the validation faces
4300-4499 (``train.py`` validates on them), then training faces from 0000 upwards until the size
budget is reached; ``train.py --data training/data/pack.npz`` trains on the faces it holds.  The pack
inherits the CelebAMask-HQ licence (non-commercial research only) and is never committed
(``training/data/`` is git-ignored).
"""
import argparse
import os

import numpy as np

BUDGET = 48 * 1024 * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/celebamask-hq-mini")
    ap.add_argument("--out", default="training/data/pack.npz")
    ap.add_argument("--budget-mib", type=float, default=40.0)
    a = ap.parse_args()
    budget = int(a.budget_mib * 1024 * 1024) - 64 * 1024  # npz headers
    order = list(range(4300, 4500)) + list(range(0, 4300))
    arrays, ids, used = {}, [], 0
    for i in order:
        name = f"{i:04d}"
        img = open(os.path.join(a.data, "train", "images", name + ".jpg"), "rb").read()
        mask = open(os.path.join(a.data, "train", "masks", name + ".png"), "rb").read()
        cost = len(img) + len(mask) + 2 * 256  # + per-entry zip/npy headers
        if used + cost > budget:
            break
        j = len(ids)
        arrays[f"img{j}"] = np.frombuffer(img, dtype=np.uint8)
        arrays[f"mask{j}"] = np.frombuffer(mask, dtype=np.uint8)
        ids.append(i)
        used += cost
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    np.savez(a.out, ids=np.array(ids, dtype=np.int32), **arrays)
    train = sum(1 for i in ids if i < 4300)
    size = os.path.getsize(a.out)
    print(f"{a.out}: {size / 2**20:.1f} MiB, {train} training faces (0000-{max(i for i in ids if i < 4300):04d}) "
          f"+ {len(ids) - train} validation faces")
    if size > a.budget_mib * 1024 * 1024:
        raise SystemExit(f"pack is {size} bytes, over the {a.budget_mib} MiB budget")


if __name__ == "__main__":
    main()
