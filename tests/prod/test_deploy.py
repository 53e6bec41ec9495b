"""The container image and Kubernetes manifests cannot rot: the Dockerfile passes hadolint,
every manifest validates offline against the Kubernetes 1.28 schemas (strict), and the
commands and probe paths they use exist in the code. (Validated only: no image is built
and no cluster runs here.)"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MANIFESTS = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))


def test_the_dockerfile_passes_hadolint() -> None:
    done = subprocess.run(
        [str(BIN / "hadolint"), "--config", str(ROOT / "deploy/.hadolint.yaml"),
         str(ROOT / "deploy/Dockerfile")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_does_catch_a_bad_dockerfile(tmp_path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install curl\n")
    done = subprocess.run([str(BIN / "hadolint"), str(bad)], capture_output=True, text=True)
    assert done.returncode != 0


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.name)
def test_each_manifest_validates_strictly(manifest: Path) -> None:
    done = subprocess.run(
        [str(BIN / "kubernetes-validate"), "--strict", "-k", "1.28.0", str(manifest)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_validator_does_catch_a_bad_manifest(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"
                   "spec: {replicas: two, selector: {}, template: {}}\n")
    done = subprocess.run([str(BIN / "kubernetes-validate"), "--strict", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0


def _containers() -> list[dict]:
    found = []
    for manifest in MANIFESTS:
        for doc in yaml.safe_load_all(manifest.read_text()):
            spec = (doc or {}).get("spec", {}).get("template", {}).get("spec", {})
            found += spec.get("containers", [])
    return found


def test_commands_and_probes_point_at_what_the_code_has() -> None:
    code = "".join(p.read_text() for p in (ROOT / "bot").rglob("*.py"))
    for container in _containers():
        command = container.get("command") or []
        if command[:2] == ["python", "-m"]:
            assert importlib.util.find_spec(command[2]) is not None, command
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            path = container.get(probe, {}).get("httpGet", {}).get("path")
            if path and path != "/health":  # rasa-sdk's own
                last = path.rstrip("/").rsplit("/", 1)[1]
                assert re.search(rf'"/{last}"', code), path
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    assert "USER 10001" in dockerfile and "requirements.txt" in dockerfile
