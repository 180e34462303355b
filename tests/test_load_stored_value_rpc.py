"""Load test: concurrent payments from stored value over JSON-RPC against a multi-worker Odoo.

The test commits members with stored value, starts Odoo itself with ``--workers`` on a free
loopback port, and fires ``CLINIC_LOAD_ATTEMPTS`` (default 240 in CI) payments of 1.00 from
``CLINIC_LOAD_CLIENTS`` (default 16) client threads at once, the front desk's own calls (create
the payment wizard, confirm it). Every attempt either pays or gets a clean refusal; no balance
goes below zero, no invoice is overpaid, and the GL equals the sub-ledger afterwards. It prints
its figures (attempts, payments, refusals, raw errors, p50/p99 latency) and asserts no timing.
"""

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from contextlib import closing
from pathlib import Path

from figures import record_figure
from wallets import commit_wallets, delete_wallets, ledger_state, superuser_env

import odoo
from odoo.tests import TransactionCase, tagged

ATTEMPTS = int(os.environ.get("CLINIC_LOAD_ATTEMPTS", "240"))
CLIENTS = int(os.environ.get("CLINIC_LOAD_CLIENTS", "16"))
WORKERS = int(os.environ.get("CLINIC_LOAD_WORKERS", "4"))
WALLETS = 10
PRINCIPAL = float(ATTEMPTS * 6 // (WALLETS * 10))  # each wallet pays 60 % of its attempts: the rest are refused
INVOICE_AMOUNTS = (20.0,) * 5
SERVER_START_TIMEOUT = 120
CLEAN_ERRORS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError", "odoo.exceptions.AccessError")


def odoo_launcher():
    """Odoo's own launcher script when installed (its multi-process server re-runs its argv[0])."""
    script = Path(sys.executable).with_name("odoo")
    return [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "odoo"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestStoredValueLoadOverRpc(TransactionCase):
    def setUp(self):
        super().setUp()
        self.wallets = commit_wallets(self.registry, WALLETS, PRINCIPAL, INVOICE_AMOUNTS, name="负载测试 Load member")
        self.addCleanup(delete_wallets, self.registry, self.wallets)
        self.login, self.password = f"load-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
        self.uid = self._commit_front_desk_user()
        self.port = free_port()
        self.server = self._start_server()
        self.addCleanup(self._stop_server)

    def _commit_front_desk_user(self):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            groups = [
                env.ref(xmlid).id
                for xmlid in ("base.group_user", "clinic_membership.group_clinic_user", "account.group_account_invoice")
            ]
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": "负载前台 Load front desk",
                        "login": self.login,
                        "password": self.password,
                        "groups_id": [(6, 0, groups)],
                    }
                )
            )
            cr.commit()
            return user.id

    def _start_server(self):
        log = self.log = Path(odoo.tools.config["data_dir"]) / f"load-test-{self.port}.log"
        command = [
            *odoo_launcher(),
            "-c",
            odoo.tools.config.rcfile,
            "-d",
            self.env.cr.dbname,
            "--db-filter",
            f"^{self.env.cr.dbname}$",
            "--workers",
            str(WORKERS),
            "--max-cron-threads",
            "0",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            "--gevent-port",
            str(free_port()),
            "--limit-time-real",
            "900",
            "--limit-time-cpu",
            "900",
            "--db_maxconn",
            "64",
            "--logfile",
            str(log),
            "--log-level",
            "info",
        ]
        server = subprocess.Popen(command, start_new_session=True)  # noqa: S603  (our own Odoo, on loopback)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/web/health", timeout=5) as response:
                    if response.status == 200:
                        return server
            except OSError:
                time.sleep(0.5)
        server.kill()
        self.fail(f"the multi-worker Odoo did not answer within {SERVER_START_TIMEOUT}s (log: {log})")
        return None

    def _stop_server(self):
        if self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)

    # ------------------------------------------------------------------ the client

    def _execute(self, model, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.env.cr.dbname, self.uid, self.password, model, method, list(args)],
            },
        }
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/jsonrpc",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
            answer = json.loads(response.read())
        if "error" in answer:
            data = answer["error"].get("data", {})
            return None, data.get("name", "unknown"), data.get("message", "")
        return answer["result"], None, None

    def _spend_once(self, contract_id, invoice_id):
        """One front-desk payment of 1.00: (outcome, error name, message, seconds)."""
        start = time.perf_counter()
        wizard, error, message = self._execute(
            "clinic.stored.value.pay", "create", [{"invoice_id": invoice_id, "contract_id": contract_id, "amount": 1.0}]
        )
        if not error:
            _result, error, message = self._execute("clinic.stored.value.pay", "action_confirm", wizard)
        seconds = time.perf_counter() - start
        if not error:
            return "paid", None, None, seconds
        return ("refused" if error in CLEAN_ERRORS else "raw error"), error, message, seconds

    def test_concurrent_spending_never_overdraws(self):
        contracts = self.wallets["contracts"]
        invoices = [self.wallets["invoices"][partner] for partner in self.wallets["partners"]]
        plan = [
            (contracts[index % WALLETS], invoices[index % WALLETS][(index // WALLETS) % len(INVOICE_AMOUNTS)])
            for index in range(ATTEMPTS)
        ]
        results, lock = [], threading.Lock()
        start_together = threading.Barrier(CLIENTS)

        def client(share):
            start_together.wait()
            for contract_id, invoice_id in share:
                outcome = self._spend_once(contract_id, invoice_id)
                with lock:
                    results.append(outcome)

        threads = [threading.Thread(target=client, args=(plan[i::CLIENTS],)) for i in range(CLIENTS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started

        outcomes = Counter(outcome for outcome, *_rest in results)
        raw = Counter(f"{name}: {message[:120]}" for outcome, name, message, _s in results if outcome == "raw error")
        refusals = Counter(
            re.sub(r"[A-Z]*[\d.,/]+", "#", message)[:90] for outcome, _n, message, _s in results if outcome == "refused"
        )
        retries = self.log.read_text(errors="replace").count("tries left") if self.log.exists() else 0
        latencies = sorted(seconds for *_rest, seconds in results)
        state = ledger_state(self.registry, self.wallets)
        record_figure(
            f"stored value load over JSON-RPC ({WORKERS} workers, {CLIENTS} clients, {WALLETS} wallets)",
            [
                f"attempts {len(results)}, paid {outcomes['paid']}, refused {outcomes['refused']}, "
                f"raw errors {outcomes['raw error']}, in {elapsed:.1f}s ({len(results) / elapsed:.1f} attempts/s)",
                f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
                f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms",
                f"serialization failures retried by Odoo: {retries}",
                *(f"refusal: {count} x {text}" for text, count in refusals.most_common(5)),
            ],
        )
        self.assertEqual(len(results), ATTEMPTS)
        self.assertFalse(raw, f"every attempt pays or is refused cleanly: {raw}")
        per_wallet = Counter(contract_id for contract_id, _invoice in plan)
        expected = sum(min(count, PRINCIPAL) for count in per_wallet.values())
        self.assertEqual(outcomes["paid"], expected, "every unit of stored value was spent, once")
        for wallet in state:
            self.assertGreaterEqual(wallet["balance"], 0.0)
            self.assertAlmostEqual(wallet["balance"], wallet["rows_sum"], places=2)
            self.assertAlmostEqual(wallet["subledger"], wallet["gl"], places=2)
            self.assertAlmostEqual(wallet["paid"] + wallet["balance"], PRINCIPAL, places=2, msg="paid = spent")
            self.assertFalse(wallet["overpaid"])
