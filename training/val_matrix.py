"""The deployment matrix on validation faces, for choices made before the held-out evaluation.

    /usr/bin/python3 training/val_matrix.py MODEL.onnx OUT_DIR [--faces 40] [--threads 2]

Runs ``smfd eval --matrix --model MODEL.onnx`` on the training split's validation faces (train/ 4300-4499, which
no stage trains on; the first ``--faces`` of them per matrix cell), so that a recipe choice such as the
``--wise`` alpha of ``run_stage.py`` is made without looking at eval/ (the held-out faces are only for the ship
decision and the published tables). It links those faces into a temporary data root whose ``eval/`` split they
form (the CLI's seeds depend on the face id, so these inputs differ from the held-out ones) and compares nothing
itself: ``OUT_DIR/report.json`` has the per-cell figures (forced = the model on every face).
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_stage import CLI_JAR, ROOT, java  # noqa: E402  (the same CLI and JVM a stage evaluates with)

FIRST, LAST = 4300, 4499


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--faces", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "celebamask-hq-mini"))
    a = ap.parse_args()
    train = os.path.join(os.path.abspath(a.data), "train")
    if not os.path.isdir(os.path.join(train, "images")):
        raise SystemExit(f"no training faces under {train}")
    with tempfile.TemporaryDirectory(prefix="smfd-val-") as tmp:
        for sub, ext in (("images", "jpg"), ("masks", "png")):
            os.makedirs(os.path.join(tmp, "eval", sub))
            for i in range(FIRST, LAST + 1):
                os.symlink(os.path.join(train, sub, f"{i}.{ext}"), os.path.join(tmp, "eval", sub, f"{i}.{ext}"))
        os.makedirs(os.path.join(tmp, "train"))
        cmd = [java(), "-jar", CLI_JAR, "eval", "--matrix",
               "--data", tmp, "--model", os.path.abspath(a.model), "--matrix-faces", str(a.faces),
               "--limit", str(LAST - FIRST + 1), "--threads", str(a.threads), "--out", os.path.abspath(a.out)]
        print("+", " ".join(cmd), flush=True)
        return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
