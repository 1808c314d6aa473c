"""Copy the measured metrics of the shipped model from a Java evaluation report into the model card.

    java -jar smfd-examples/target/smfd-cli.jar eval --out target/eval        # evaluates the bundled ONNX file
    python3 training/card_metrics.py target/eval/report.json

Only ``smfd-unet.json`` (the human-readable card next to the ONNX file) is rewritten: the card embedded
in the ONNX metadata is left as exported, so the model file and its SHA-256 stay exactly the ones that
were evaluated.  Refuses a report that did not evaluate the bundled model on all 500 held-out faces, or
whose model checksum prefix differs from the ``.sha256`` file.
"""
import json
import os
import sys

CARD_DIR = "smfd-model/src/main/resources/io/smfd/model"
KEYS = ("psnrRgb", "ssimRgb", "psnrY", "ssimY", "psnrEyes", "psnrMouth")


def main(report_path, card_dir=CARD_DIR):
    rep = json.load(open(report_path))
    digest = open(os.path.join(card_dir, "smfd-unet.onnx.sha256")).read().strip()
    model = rep.get("model", "")
    if not model.startswith("bundled ") or digest[:12] not in model:
        sys.exit(f"{report_path} evaluated '{model}', not the bundled model with sha256 {digest[:12]}")
    if rep.get("faces") != 500 or rep.get("skipped"):
        sys.exit(f"{report_path} covers {rep.get('faces')} faces ({rep.get('skipped')} skipped); expected all 500")
    overall = {m: {k: round(v[k], 4) for k in KEYS} for m, v in rep["overall"].items()}
    fam = rep["byFamily"]
    metrics = {
        "command": "java -jar smfd-examples/target/smfd-cli.jar eval",
        "degradation": f"DegradationPipeline.defaults() seed {rep['seedBase']}+id",
        "faces": rep["faces"],
        "split": "eval/ 4500-4999 (held out)",
        "overall": overall,
        "psnr_gain_rgb": round(overall["smfd"]["psnrRgb"] - overall["blurry"]["psnrRgb"], 2),
        "blurry_psnr_rgb_by_family": {f: round(v["methods"]["blurry"]["psnrRgb"], 2) for f, v in fam.items()},
        "best_classical_psnr_rgb_by_family": {f: round(v["methods"]["bestClassical"]["psnrRgb"], 2)
                                              for f, v in fam.items()},
        "smfd_psnr_rgb_by_family": {f: round(v["methods"]["smfd"]["psnrRgb"], 2) for f, v in fam.items()},
        "mask_mIoU": round(rep["maskIoU"]["mIoU"], 4),
    }
    path = os.path.join(card_dir, "smfd-unet.json")
    card = json.load(open(path))
    card["metrics"] = metrics
    with open(path, "w") as f:
        json.dump(card, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"{path}: PSNR-RGB {overall['blurry']['psnrRgb']} -> {overall['smfd']['psnrRgb']} "
          f"(+{metrics['psnr_gain_rgb']}), mIoU {metrics['mask_mIoU']}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(*sys.argv[1:])
