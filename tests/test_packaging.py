"""The repository builds as one wheel (setup.cfg) that installs every addon file where Odoo finds it."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("clinic_membership", "clinic_refund", "clinic_campaign")


def tracked_files():
    listing = subprocess.run(
        ["git", "ls-files", "-z", *ADDONS],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return [path for path in listing.split("\0") if path]


def test_the_wheel_installs_every_addon_file(tmp_path):
    source = tmp_path / "source"
    for relative in [*tracked_files(), "setup.cfg", "pyproject.toml", "README.md"]:
        target = source / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / relative).read_bytes())
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist")], check=True
    )
    wheels = list((tmp_path / "dist").glob("odoo_addons_clinic-18.0.*.whl"))
    assert len(wheels) == 1, wheels
    target = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheels[0])], check=True)

    missing = [path for path in tracked_files() if not (target / "odoo" / "addons" / path).is_file()]
    assert not missing, f"files the wheel leaves out: {missing}"
    assert not (target / "odoo" / "__init__.py").exists(), "the wheel never ships a package that would shadow Odoo"
    assert not (target / "odoo" / "addons" / "__init__.py").exists()
    for addon in ADDONS:
        installed = target / "odoo" / "addons" / addon
        for kind in ("__manifest__.py", "i18n/zh_CN.po", "security/ir.model.access.csv", "static/description/icon.png"):
            assert (installed / kind).is_file(), f"{addon}: {kind}"
        assert list(installed.glob("views/*.xml")), f"{addon} has its views"


def test_each_addon_readme_is_made_from_its_fragments():
    spec = importlib.util.spec_from_file_location("clinic_launcher", ROOT / "tools" / "clinic.py")
    launcher = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launcher)
    for addon in ADDONS:
        assert (ROOT / addon / "README.rst").read_text() == launcher.addon_readme(addon), (
            f"{addon}/README.rst is out of date with {addon}/readme/: run ./clinic readme"
        )
