"""`./clinic run --workers 2` serves the login page from a multi-process Odoo and runs a cron."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from contextlib import closing
from pathlib import Path

from wallets import superuser_env

from odoo.tests import TransactionCase, tagged

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestProductionRun(TransactionCase):
    def test_workers_serve_the_login_page_and_run_a_cron(self):
        marker = uuid.uuid4().hex
        cron_id = self._commit_probe_cron(marker)
        self.addCleanup(self._delete_probe_cron, cron_id)
        port = free_port()
        log = open(Path(self.env["ir.attachment"]._filestore()).parent.parent / f"production-run-{port}.log", "w")
        self.addCleanup(log.close)
        server = subprocess.Popen(
            [
                str(ROOT / "clinic"),
                "run",
                "--workers",
                "2",
                "--port",
                str(port),
                "--db",
                self.env.cr.dbname,
                "--no-update",
            ],
            cwd=ROOT,
            start_new_session=True,
            stdout=log,  # a file, never a pipe nobody reads: a full pipe would stop the server
            stderr=subprocess.STDOUT,
        )
        self.addCleanup(self._stop, server)
        self.assertEqual(self._wait_for_login_page(port, server), 200)
        with closing(self.registry.cursor()) as cr:
            superuser_env(cr)["ir.cron"].browse(cron_id)._trigger()
            cr.commit()
        self.assertTrue(self._wait_for_probe(marker), "the cron worker ran the triggered cron")

    def _commit_probe_cron(self, marker):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            cron = env["ir.cron"].create(
                {
                    "name": "clinic production-run probe",
                    "model_id": env.ref("base.model_ir_config_parameter").id,
                    "state": "code",
                    "code": f"model.sudo().set_param('clinic.production_probe', {marker!r})",
                    "interval_number": 1,
                    "interval_type": "days",
                    "nextcall": "2099-01-01 00:00:00",
                }
            )
            cr.commit()
            return cron.id

    def _delete_probe_cron(self, cron_id):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            env["ir.cron"].browse(cron_id).unlink()
            env["ir.config_parameter"].search([("key", "=", "clinic.production_probe")]).unlink()
            cr.commit()

    def _wait_for_login_page(self, port, server):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=10) as response:
                    return response.status
            except OSError:
                time.sleep(1)
        self.fail(f"./clinic run --workers 2 did not serve /web/login in {TIMEOUT}s (exit {server.poll()})")
        return None

    def _wait_for_probe(self, marker):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with closing(self.registry.cursor()) as cr:
                cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'clinic.production_probe'")
                row = cr.fetchone()
            if row and row[0] == marker:
                return True
            time.sleep(1)
        return False

    def _stop(self, server):
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
