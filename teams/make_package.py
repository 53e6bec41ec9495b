"""Build the Teams app package (manifest.json + two icons, zipped) to upload to Teams.

    TEAMS_APP_ID=<bot app id> PREVENT_PUBLIC_URL=https://prevent.example.org \\
    TEAMS_DEVELOPER_NAME="Example Trust" .venv/bin/python teams/make_package.py [OUT.zip]

Fills the ``${{...}}`` placeholders of teams/manifest.json (the same syntax Teams Toolkit
uses): ``${{TEAMS_APP_ID}}`` and the like from the environment, ``${{wording:<key>}}``
from guidance/interface.yml (`bot.wording.phrase`: the app's names, description and command
titles are interface wording, and the hotline number comes from guidance/contacts.yml), and
adds teams/color.png and teams/outline.png when they exist, else plain
generated ones (a white ring; replace them with your own, see teams/README.md). Writes
var/teams-app.zip by default (git-ignored). Standard library and `bot.wording` only.
"""

from __future__ import annotations

import json
import os
import re
import struct
import sys
import uuid
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "var" / "teams-app.zip"
ACCENT = (0x1F, 0x6F, 0x78)
PLACEHOLDER = re.compile(r"\$\{\{([A-Z_]+|wording:[a-z_.]+)\}\}")
WORDING = "wording:"
Pixel = Callable[[int, int], tuple[int, int, int, int]]


def png(size: int, pixel: Pixel) -> bytes:
    """An RGBA PNG whose pixels come from `pixel`."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _in_ring(size: int, x: int, y: int) -> bool:
    centre = (size - 1) / 2
    distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
    return size * 0.28 <= distance <= size * 0.40


def color_icon(size: int = 192) -> bytes:
    """192x192, full colour: a white ring on the accent colour."""
    return png(size, lambda x, y: (255, 255, 255, 255) if _in_ring(size, x, y) else (*ACCENT, 255))


def outline_icon(size: int = 32) -> bytes:
    """32x32, white on transparent, as Teams requires for the outline icon."""
    return png(size, lambda x, y: (255, 255, 255, 255) if _in_ring(size, x, y) else (0, 0, 0, 0))


def values_from(env: dict[str, str]) -> dict[str, str]:
    """Placeholder values, checked: Teams rejects a package with a bad id or host."""
    app_id = env.get("TEAMS_APP_ID", "").strip()
    try:
        uuid.UUID(app_id)
    except ValueError:
        raise SystemExit("TEAMS_APP_ID must be the bot's Microsoft App ID (a GUID)") from None
    public = urlsplit(env.get("PREVENT_PUBLIC_URL", "").strip())
    if public.scheme != "https" or not public.hostname:
        raise SystemExit("PREVENT_PUBLIC_URL must be the https:// address Teams reaches")
    return {
        "TEAMS_APP_ID": app_id,
        "PUBLIC_HOST": public.hostname,
        "DEVELOPER_NAME": env.get("TEAMS_DEVELOPER_NAME", "").strip() or public.hostname,
    }


def _value(name: str, values: dict[str, str]) -> str:
    if name.startswith(WORDING):
        sys.path.insert(0, str(HERE.parent))  # run as a script from anywhere
        from bot.wording import phrase

        return phrase(name[len(WORDING) :])
    return values[name]


def manifest(values: dict[str, str]) -> str:
    text = (HERE / "manifest.json").read_text(encoding="utf-8")
    filled = PLACEHOLDER.sub(lambda m: json.dumps(_value(m.group(1), values))[1:-1], text)
    json.loads(filled)  # still JSON
    return filled


def build(out: Path, env: dict[str, str]) -> Path:
    values = values_from(env)
    out.parent.mkdir(parents=True, exist_ok=True)
    icons = {"color.png": color_icon, "outline.png": outline_icon}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", manifest(values))
        for name, generate in icons.items():
            own = HERE / name
            package.writestr(name, own.read_bytes() if own.exists() else generate())
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    print(build(target, dict(os.environ)))
