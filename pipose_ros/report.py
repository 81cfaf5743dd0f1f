"""``docs/results.json`` and ``docs/RESULTS.md`` as shared records that several commands update.

Each measuring command owns some keys of ``results.json`` (dotted names are nested objects:
``synth_v2.teacher_mpjpe_cm`` is ``{"synth_v2": {"teacher_mpjpe_cm": …}}``) and one section of
``RESULTS.md`` between ``<!-- begin NAME -->`` and ``<!-- end NAME -->``; updating one never
touches the others. Every value a command records comes with the command line and the date.
"""

from __future__ import annotations

import datetime
import json
import platform
import re
from pathlib import Path

import numpy as np

RESULTS_JSON = Path("docs/results.json")
RESULTS_MD = Path("docs/RESULTS.md")


def machine() -> str:
    """One line naming this machine (CPU count, architecture, Python)."""
    import os
    return f"{platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, no GPU"


def today() -> str:
    """The date, ISO 8601."""
    return datetime.date.today().isoformat()


def _plain(v):
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


def update_json(updates: dict, path: str | Path = RESULTS_JSON) -> dict:
    """Merge ``updates`` (dotted keys allowed) into the JSON file; returns the whole document."""
    path = Path(path)
    doc = json.loads(path.read_text()) if path.exists() else {}
    for key, value in updates.items():
        node = doc
        parts = key.split(".")
        for p in parts[:-1]:
            if not isinstance(node.get(p), dict):
                node[p] = {}
            node = node[p]
        node[parts[-1]] = _plain(value)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1, allow_nan=True))
    return doc


def update_md_section(name: str, text: str, path: str | Path = RESULTS_MD, first: bool = False) -> None:
    """Replace (or add: at the end, or after the title with ``first``) the section ``name``."""
    path = Path(path)
    doc = path.read_text() if path.exists() else "# Results\n"
    block = f"<!-- begin {name} -->\n{text.rstrip()}\n<!-- end {name} -->"
    pat = re.compile(rf"<!-- begin {re.escape(name)} -->.*?<!-- end {re.escape(name)} -->", re.S)
    if pat.search(doc):
        doc = pat.sub(lambda _: block, doc)
    elif first and doc.startswith("# "):
        title, _, rest = doc.partition("\n")
        doc = f"{title}\n\n{block}\n{rest}"
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc)
