"""Figures of one benchmark run: printed as `name: value unit` and written to a JSON file."""

import json
import platform
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path


@dataclass
class Figures:
    """The figures of one run, in the order they were measured."""

    rows: list[dict] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, target: str = "") -> None:
        """Record one figure and print it at once, so a long run shows progress."""
        self.rows.append({"name": name, "value": value, "unit": unit, "target": target})
        shown = f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else value
        suffix = f"  (target {target})" if target else ""
        print(f"{name}: {shown} {unit}{suffix}", flush=True)

    def value(self, name: str):
        return next((row["value"] for row in self.rows if row["name"] == name), None)

    def write(self, path: Path) -> None:
        run = {
            "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
            "figures": self.rows,
        }
        path.write_text(json.dumps(run, indent=2) + "\n")
