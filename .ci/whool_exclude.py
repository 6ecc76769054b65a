"""PEP 517 build backend: OCA's ``whool``, minus the repository's development files,
and named after the addon whatever the checkout's folder is called.

whool packages every file under git control. In OCA's repositories the addons sit
below the repository root, so the root's tooling never reaches a wheel; here the
repository root *is* the addon, so its scripts, CI files, tooling tests and
configuration would be installed into ``odoo/addons/dunning_followup``. This
backend builds the wheel with whool, then drops from it the paths listed in
``[tool.whool_exclude] exclude`` of pyproject.toml (a folder ends with ``/``;
shell-style patterns are allowed) and rewrites the wheel's RECORD to match.

whool names the addon after the folder it builds in; a clone called anything but
``dunning_followup`` would make a wrong wheel, so the wheel and its metadata are
built through a temporary link of that name (``[tool.whool_exclude] addon``).
An editable install links the folder itself into ``odoo/addons``: it needs the
checkout to be named after the addon and says so otherwise.
Everything else (sdist, the metadata's content) is whool's own.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import tempfile
import zipfile
from pathlib import Path

from whool import buildapi as _whool
from whool.buildapi import build_sdist  # noqa: F401 - re-exported PEP 517 hook
from whool.utils import load_pyproject_toml

_ADDON_PATH_RE = re.compile(r"^odoo/addons/[^/]+/(?P<path>.+)$")


def _config(project_dir: Path) -> dict:
    return load_pyproject_toml(project_dir).get("tool", {}).get("whool_exclude", {})


def excluded_patterns(project_dir: Path) -> list[str]:
    return list(_config(project_dir).get("exclude", []))


@contextlib.contextmanager
def _addon_dir():
    """The project folder, reached under the addon's name."""
    project = Path.cwd()
    name = _config(project).get("addon", project.name)
    if project.name == name:
        yield project
        return
    with tempfile.TemporaryDirectory() as tmp:
        link = Path(tmp) / name
        link.symlink_to(project, target_is_directory=True)
        yield link


def is_excluded(path: str, patterns: list[str]) -> bool:
    """Is ``path`` (relative to the addon folder) one of the excluded files?"""
    for pattern in patterns:
        if pattern.endswith("/"):
            if path.startswith(pattern):
                return True
        elif fnmatch.fnmatchcase(path, pattern):
            return True
    return False


def strip_wheel(wheel: Path, patterns: list[str]) -> list[str]:
    """Remove the excluded files from ``wheel`` in place; return their paths."""
    removed = []
    tmp = wheel.with_suffix(".tmp")
    with (
        zipfile.ZipFile(wheel) as src,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            match = _ADDON_PATH_RE.match(info.filename)
            if match and is_excluded(match.group("path"), patterns):
                removed.append(info.filename)
        for info in src.infolist():
            if info.filename in removed:
                continue
            data = src.read(info.filename)
            if info.filename.endswith(".dist-info/RECORD"):
                kept = [
                    line
                    for line in data.decode().splitlines()
                    if line.split(",", 1)[0] not in removed
                ]
                data = ("\n".join(kept) + "\n").encode()
            dst.writestr(info, data)
    os.replace(tmp, wheel)
    return removed


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with _addon_dir() as addon_dir:
        name = _whool._build_wheel(addon_dir, Path(wheel_directory), editable=False)
    strip_wheel(Path(wheel_directory) / name, excluded_patterns(Path.cwd()))
    return name


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    with _addon_dir() as addon_dir:
        metadata = _whool._get_metadata(addon_dir)
    return _whool._make_dist_info(metadata, Path(metadata_directory))


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    project = Path.cwd()
    name = _config(project).get("addon", project.name)
    if project.name != name:
        raise RuntimeError(
            f"an editable install links this folder into odoo/addons/{name}: "
            f"check the repository out in a folder named {name!r} "
            f"(it is {project.name!r})"
        )
    return _whool.build_editable(wheel_directory, config_settings, metadata_directory)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)
