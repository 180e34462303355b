"""Two workers spend the same stored value at the same time, each in its own database transaction.

The data is committed for real (the workers cannot see a test transaction) and removed afterwards.
"""

import threading
import time
from contextlib import closing

from psycopg2 import errors
from wallets import commit_wallets, delete_wallets, superuser_env, wait_for_lock_waiter

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

LOCK_WAIT_TIMEOUT = 20
WALLET_LOCK = "%clinic_prepaid_contract%FOR NO KEY UPDATE%"


@tagged("post_install", "-at_install")
class TestConcurrentStoredValueSpending(TransactionCase):
    def setUp(self):
        super().setUp()
        wallets = commit_wallets(self.registry, 1, principal=100.0, invoice_amounts=(80.0, 80.0))
        self.addCleanup(delete_wallets, self.registry, wallets)
        partner = wallets["partners"][0]
        self.data = {
            "partner": partner,
            "contract": wallets["contracts"][0],
            "invoices": wallets["invoices"][partner],
            "company": wallets["company"],
        }

    def _env(self, cr):
        return superuser_env(cr)

    # ------------------------------------------------------------------ workers

    def _spend(self, cr, invoice_id, amount):
        env = self._env(cr)
        contract = env["clinic.prepaid.contract"].browse(self.data["contract"])
        return contract._consume_stored_value(amount, env["account.move"].browse(invoice_id))

    def _spend_with_retries(self, invoice_id, amount):
        """What Odoo's RPC layer does: retry the whole transaction on a serialization failure."""
        for _attempt in range(5):
            with closing(self.registry.cursor()) as cr:
                try:
                    self._spend(cr, invoice_id, amount)
                    cr.commit()
                    return "paid"
                except errors.SerializationFailure:
                    cr.rollback()
                except UserError as error:
                    cr.rollback()
                    return error
        return "gave up"

    def _final_state(self):
        with closing(self.registry.cursor()) as cr:
            env = self._env(cr)
            contract = env["clinic.prepaid.contract"].browse(self.data["contract"])
            invoices = env["account.move"].browse(self.data["invoices"])
            rows = env["clinic.stored.value.reconciliation"]._get_reconciliation_data(
                fields.Date.today(), env["res.company"].browse(self.data["company"])
            )
            mine = [row for row in rows if row["partner_id"] == self.data["partner"]]
            return contract.balance_principal, invoices.mapped("payment_state"), mine

    # ------------------------------------------------------------------ the scenario

    def _hold_a_payment(self, first_spent, release_first, results):
        """Worker A: pay 80 and keep the transaction open until told to commit."""
        with closing(self.registry.cursor()) as cr:
            try:
                self._spend(cr, self.data["invoices"][0], 80.0)
                first_spent.set()
                release_first.wait(LOCK_WAIT_TIMEOUT)
                cr.commit()
                results["a"] = "paid"
            except Exception as error:  # reported by the test's assertions
                cr.rollback()
                results["a"] = error
                first_spent.set()

    def _pay_the_same_balance(self, results):
        """Worker B: pay 80 too, once as it comes, then as Odoo would retry it."""
        started = time.monotonic()
        with closing(self.registry.cursor()) as cr:
            try:
                self._spend(cr, self.data["invoices"][1], 80.0)
                cr.commit()
                results["b_first_try"] = "paid"
            except (errors.SerializationFailure, UserError) as error:
                cr.rollback()
                results["b_first_try"] = error
        results["b_waited"] = time.monotonic() - started
        results["b"] = self._spend_with_retries(self.data["invoices"][1], 80.0)

    def test_two_workers_spend_the_same_balance(self):
        """Worker A pays 80 of 100 and holds its transaction open; worker B tries to pay 80 too.

        B waits on the wallet lock; when A commits, B's transaction fails to serialize, is retried
        on fresh data and gets a clear error: the balance never goes below zero.
        """
        first_spent, release_first, results = threading.Event(), threading.Event(), {}
        thread_a = threading.Thread(target=self._hold_a_payment, args=(first_spent, release_first, results))
        thread_a.start()
        self.assertTrue(first_spent.wait(LOCK_WAIT_TIMEOUT))
        thread_b = threading.Thread(target=self._pay_the_same_balance, args=(results,))
        thread_b.start()
        b_was_blocked = wait_for_lock_waiter(self.registry, WALLET_LOCK, LOCK_WAIT_TIMEOUT)
        release_first.set()
        thread_a.join(LOCK_WAIT_TIMEOUT)
        thread_b.join(LOCK_WAIT_TIMEOUT)

        self.assertEqual(results["a"], "paid")
        self.assertTrue(b_was_blocked, "worker B waits on the wallet row lock held by A")
        self.assertIsInstance(results["b_first_try"], errors.SerializationFailure)
        self.assertIsInstance(results["b"], UserError)
        self.assertRegex(str(results["b"]), r"less than the \S*\s?80\.00")
        balance, payment_states, report = self._final_state()
        self.assertEqual(balance, 20.0)
        self.assertIn(payment_states[0], ("paid", "in_payment"))
        self.assertEqual(payment_states[1], "not_paid")
        self.assertEqual(len(report), 1)
        self.assertEqual((report[0]["subledger"], report[0]["gl"], report[0]["difference"]), (20.0, 20.0, 0.0))
        print(f"\nstored value concurrency: worker B waited {results['b_waited']:.2f}s on the wallet lock")

    def test_two_workers_with_enough_balance_both_pay(self):
        """With enough for both, the second worker waits, is retried and pays: 100 - 40 - 40 = 20."""
        results = {}
        barrier = threading.Barrier(2)

        def worker(key, invoice_id):
            barrier.wait(LOCK_WAIT_TIMEOUT)
            results[key] = self._spend_with_retries(invoice_id, 40.0)

        threads = [
            threading.Thread(target=worker, args=(key, invoice_id))
            for key, invoice_id in zip(("a", "b"), self.data["invoices"], strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(LOCK_WAIT_TIMEOUT)
        self.assertEqual(results, {"a": "paid", "b": "paid"})
        balance, payment_states, report = self._final_state()
        self.assertEqual(balance, 20.0)
        self.assertEqual(payment_states, ["partial", "partial"])
        self.assertEqual((report[0]["subledger"], report[0]["gl"]), (20.0, 20.0))
