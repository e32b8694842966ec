"""requirements.lock (issue 18, pinned installs): it pins every dependency of pyproject.toml, each
pin satisfies pyproject's range, and the .venv that make built holds exactly those versions."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        assert m, f"not an exact pin: {line!r}"
        pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        reqs += [Requirement(r) for r in extra]
    return reqs


def test_lock_pins_every_dependency_within_its_range() -> None:
    pins = _pins()
    assert len(pins) > 40  # the whole tree, not just the direct dependencies
    wrong = []
    for req in _requirements():
        name = canonicalize_name(req.name)
        if name not in pins:
            wrong.append(f"{req}: not in requirements.lock")
        elif not req.specifier.contains(pins[name], prereleases=True):
            wrong.append(f"{req}: locked at {pins[name]}")
    assert not wrong, "run `make lock`: " + "; ".join(wrong)
    for name in ("psycopg-binary", "authlib", "cryptography"):  # reached through extras and the tree
        assert name in pins, name


def test_installed_versions_are_the_locked_ones() -> None:
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differ = {name: (version, installed.get(name)) for name, version in _pins().items()
              if installed.get(name) != version}
    assert not differ, f"(locked, installed) differ; run `make lint` to reinstall: {differ}"
