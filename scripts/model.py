"""Train the Rasa model only when its inputs changed; print the model's path.

The inputs are hashed (config, domain, data, guidance, the custom components and the
risk lexicon). A model for that hash is reused from models/ or from the user cache
(~/.cache/prevent-assistant/models), so CI and repeated `make run` skip training.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [
    "config.yml",
    "domain",
    "data",
    "guidance",
    "referral_forms",
    "bot/rasa_ext",
    "bot/risk",
    "requirements.txt",
]
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "prevent-assistant" / "models"
)


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def main() -> int:
    # Several test processes may ask at once: one trains, the others wait and reuse it.
    (ROOT / "models").mkdir(exist_ok=True)
    with (ROOT / "models" / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ensure_model()


def _ensure_model() -> int:
    name = f"prevent-{inputs_hash()}"
    target = ROOT / "models" / f"{name}.tar.gz"
    cached = CACHE / target.name
    if not target.exists() and cached.exists():
        target.parent.mkdir(exist_ok=True)
        shutil.copy2(cached, target)
    if not target.exists():
        print(f"training {name} (inputs changed)...", file=sys.stderr)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "rasa",
                "train",
                "--fixed-model-name",
                name,
                "--out",
                "models",
                "--domain",
                "domain",
                "--data",
                "data",
                "--config",
                "config.yml",
                "--quiet",
            ],
            cwd=ROOT,
            check=True,
            # Rasa prints "Your Rasa model is trained and saved at ..." on stdout: this
            # script's stdout is the model's path alone (`make run` passes it to the server)
            stdout=sys.stderr,
        )
        print(f"trained in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        try:
            CACHE.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, cached)
        except OSError:
            pass  # a cache is a convenience
    print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
