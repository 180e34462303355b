"""The launcher finds Odoo's core addons wherever the installed Odoo keeps them, or stops first."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def launcher(monkeypatch):
    spec = importlib.util.spec_from_file_location("clinic_launcher", ROOT / "tools" / "clinic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("ODOO_ADDONS_PATH", raising=False)
    return module


def fake_odoo(tmp_path, monkeypatch, launcher, layout):
    """An installed Odoo whose core addons are ``inside`` the package, ``beside`` it, or ``nowhere``."""
    package = tmp_path / "site" / "odoo"
    (package / "addons").mkdir(parents=True)
    web = {"inside": package / "addons" / "web", "beside": tmp_path / "site" / "addons" / "web"}.get(layout)
    if web:
        web.mkdir(parents=True)
        (web / "__manifest__.py").write_text("{}")

    def run_cmd(cmd, check=True, **kwargs):
        return subprocess.CompletedProcess(cmd, 0, stdout=f"{package}\n", stderr="")

    monkeypatch.setattr(launcher, "run_cmd", run_cmd)
    return package


def test_addons_inside_the_package_need_no_path(tmp_path, monkeypatch, launcher):
    fake_odoo(tmp_path, monkeypatch, launcher, "inside")
    assert launcher.odoo_core_addons_paths() == []


def test_addons_beside_the_package_of_a_source_checkout(tmp_path, monkeypatch, launcher):
    fake_odoo(tmp_path, monkeypatch, launcher, "beside")
    assert launcher.odoo_core_addons_paths() == [str(tmp_path / "site" / "addons")]


def test_addons_where_odoo_addons_path_says(tmp_path, monkeypatch, launcher):
    fake_odoo(tmp_path, monkeypatch, launcher, "nowhere")
    elsewhere = tmp_path / "checkout" / "addons"
    (elsewhere / "web").mkdir(parents=True)
    (elsewhere / "web" / "__manifest__.py").write_text("{}")
    monkeypatch.setenv("ODOO_ADDONS_PATH", str(elsewhere))
    assert launcher.odoo_core_addons_paths() == [str(elsewhere)]


def test_no_core_addons_stops_before_anything_is_created(tmp_path, monkeypatch, launcher):
    fake_odoo(tmp_path, monkeypatch, launcher, "nowhere")
    monkeypatch.setattr(launcher, "CACHE", tmp_path / "cache")
    with pytest.raises(launcher.SetupError, match="ODOO_ADDONS_PATH"):
        launcher.write_config({"host": None, "port": None, "user": "odoo", "password": None}, "probe", 8069)
    assert not (tmp_path / "cache" / "probe.conf").exists(), "no configuration, no database: nothing was created"


def test_a_source_checkout_gets_its_addons_bundled_into_the_package(tmp_path, monkeypatch, launcher):
    monkeypatch.setattr(launcher, "CACHE", tmp_path / "cache")
    source = tmp_path / "cache" / "odoo-src" / "odoo-18.0"
    for path in ("odoo/addons/base", "addons/web", "addons/account"):
        (source / path).mkdir(parents=True)
    (source / "addons" / "web" / "__manifest__.py").write_text("{}")
    launcher.bundle_core_addons(source)
    assert (source / "odoo" / "addons" / "web" / "__manifest__.py").is_file()
    assert (source / "odoo" / "addons" / "account").is_dir()
