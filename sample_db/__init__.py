"""The sample corpus shipped with policy-review: five public policy documents.

Kept as a package so that the files travel with an installed wheel, not only a checkout.
"""

import json
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent


def sample_files() -> list[Path]:
    """The sample documents, in manifest order."""
    manifest = json.loads((SAMPLE_DIR / "manifest.json").read_text(encoding="utf-8"))
    return [SAMPLE_DIR / entry["file"] for entry in manifest["documents"]]
