"""Export a trained SMFD-UNet checkpoint to the shipped ONNX model + JSON model card.

    /usr/bin/python3 training/export.py --ckpt training/runs/v1/latest.pt \
        --out smfd-model/src/main/resources/io/smfd/model [--metrics metrics.json]

Writes smfd-unet.onnx (opset 17, dynamic N/H/W, input "input" NCHW RGB in [0,1], outputs
"image" and "masks"), smfd-unet.json (model card, also embedded as ONNX metadata
"smfd.model_card") and smfd-unet.onnx.sha256.  The EMA weights are exported.  Zero-width Pad
nodes that torch inserts in front of AveragePool are removed so the graph only uses the
operators listed in model.py.

The shipped model was exported without --metrics; after `smfd eval` on that exact file, the measured
metrics were added to smfd-unet.json only, so the ONNX bytes (and checksum) stay the ones evaluated and
the embedded card carries no metrics.  --metrics embeds them in both, which changes the checksum.
"""
import argparse
import hashlib
import json
import os
import re
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402
from onnx_utils import drop_zero_pads  # noqa: E402

VERSION = "0.1.0"


def compact_stage(s, config, ckpt):
    """Step, minutes and config of a compact checkpoint written before compact.py stored them (up to
    v3-revive2): they are only in its note ("step 1200, 11.8 min, stage v3-revive2 of 1200 steps"), so the stage
    config must be given."""
    if config is None:
        raise SystemExit(f"{ckpt} is compact weights without a stage config: pass --config training/configs/<stage>.json")
    cfg = json.load(open(config))
    m = re.match(r"step (\d+), ([\d.]+) min, stage (\S+) of", s.get("note", ""))
    if not m or m.group(3) != cfg["name"]:
        raise SystemExit(f"{ckpt}: note {s.get('note')!r} does not name stage {cfg['name']} of {config}")
    return {"config": cfg, "step": int(m.group(1)), "elapsed": float(m.group(2)) * 60}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=None, help="checkpoint to export (e.g. training/runs/v1/latest.pt); omitted = randomly initialised weights, for checking the graph only")
    ap.add_argument("--out", default="smfd-model/src/main/resources/io/smfd/model")
    ap.add_argument("--metrics", default=None, help="JSON file with measured metrics for the card")
    ap.add_argument("--config", default=None,
                    help="the stage config of a compact checkpoint (compact.py) written without its config")
    ap.add_argument("--version", default=None,
                    help="the model version for the card and metadata (default: the stage config's 'version')")
    a = ap.parse_args()
    s = torch.load(a.ckpt, weights_only=False) if a.ckpt else {}
    if a.ckpt and "config" not in s and "args" not in s:
        s.update(compact_stage(s, a.config, a.ckpt))
    arch = s.get("config", {}).get("arch", {})
    net = M.SMFDUNet(**arch)
    info = {"trained": False}
    args = {}
    version = VERSION
    if a.ckpt:
        net.load_state_dict(s["ema"])
        if "config" in s:  # config-driven stage (train.py CONFIG)
            cfg = s["config"]
            args = {"init": cfg.get("init"), "w_region": cfg["loss"]["region"], "w_grad": cfg["loss"]["grad"],
                    "w_id": cfg["loss"].get("identity", 0.0)}
            version = cfg["version"]
            info = {"trained": True, "stage": cfg["name"], "steps": s["step"], "of_steps": cfg["steps"],
                    "minutes": round(s["elapsed"] / 60, 1), "batch": cfg["batch"], "crop_schedule": cfg["crop_schedule"],
                    "lr": cfg["lr"], "mix": cfg["mix"], "loss_weights": cfg["loss"], "bf16": cfg["bf16"],
                    "seed": cfg["seed"], "arch": arch}
            if "wise_alpha" in cfg:  # training/wise.py: EMA interpolated with the stage's init weights
                info["wise_alpha"] = cfg["wise_alpha"]
        else:  # v1/v2 checkpoints (time-budgeted train.py of those stages)
            args = s["args"]
            info = {"trained": True, "steps": s["step"], "minutes": round(s["elapsed"] / 60, 1),
                    "batch": args["batch"], "crop": args["crop"], "lr": args["lr"]}
        if args.get("init"):
            # an older stage's compact weights may have left the tree (they stay in the git history)
            note = torch.load(args["init"], weights_only=False).get("note", "") if os.path.exists(args["init"]) \
                else "in the git history"
            info["initialised_from"] = f"{os.path.basename(args['init'])} ({note})"
    if a.version:  # a release: the stage's config file names it, the checkpoint still says "-dev"
        version = a.version
    w_region, w_grad, w_id = args.get("w_region", 0.5), args.get("w_grad", 0.5), args.get("w_id", 0.0)
    net.eval()
    exp = M.Exported(net).eval()
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "smfd-unet.onnx")
    dyn = {0: "N", 2: "H", 3: "W"}
    torch.onnx.export(exp, torch.rand(1, 3, 64, 64), path, opset_version=17,
                      input_names=["input"], output_names=["image", "masks"],
                      dynamic_axes={"input": dyn, "image": dyn, "masks": dyn}, do_constant_folding=True)
    m = onnx.load(path)
    drop_zero_pads(m)
    card = {
        "name": "SMFD-UNet",
        "version": version,
        "format": "smfd-unet/1",
        "architecture": "mask generator UNet + mask-fusion deblurring UNet (RDC, CBAM, PixelShuffle); residual output",
        "parameters": sum(p.numel() for p in net.parameters()),
        "classes": M.CLASSES,
        "input": {"name": "input", "layout": "NCHW", "channels": "RGB", "range": [0.0, 1.0],
                  "normalization": "none (x = pixel / 255)", "size_multiple": M.SIZE_MULTIPLE,
                  "dynamic": ["N", "H", "W"]},
        "outputs": {"image": "NCHW RGB in [0,1] (clamped)", "masks": "NKHW softmax probabilities over classes"},
        "opset": 17,
        "training": dict(info, data="CelebAMask-HQ mini train/ images 0000-4299 (4300-4499 validation); eval/ never used",
                         degradation="io.smfd.degrade spec v1 (training/degrade.py)",
                         loss=f"Charbonnier + {w_region:g} region-weighted L1 (x3 brows/eyes/mouth) + {w_grad:g} gradient L1"
                              " + 0.2 mask CE" + (f" + {w_id:g} identity feature loss (frozen dlib descriptor)" if w_id else "")),
        "licence": "Weights trained on CelebA/CelebAMask-HQ: non-commercial research and education only.",
        "metrics": json.load(open(a.metrics)) if a.metrics else None,
    }
    meta = {"smfd.format": "smfd-unet/1", "smfd.version": version, "smfd.classes": ",".join(M.CLASSES),
            "smfd.size_multiple": str(M.SIZE_MULTIPLE), "smfd.model_card": json.dumps(card, sort_keys=True)}
    del m.metadata_props[:]
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    m.producer_name = "smfd-training"
    onnx.checker.check_model(m)
    onnx.save(m, path)
    with open(os.path.join(a.out, "smfd-unet.json"), "w") as f:
        json.dump(card, f, indent=2, sort_keys=True)
        f.write("\n")
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    with open(path + ".sha256", "w") as f:
        f.write(digest + "\n")
    from collections import Counter
    print(path, os.path.getsize(path), "bytes sha256", digest)
    print(dict(Counter(n.op_type for n in m.graph.node)))


if __name__ == "__main__":
    main()
