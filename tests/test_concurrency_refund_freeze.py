"""A checkout and the submission of a refund request on the same contract, at the same moment.

Each runs in its own database transaction, as two Odoo workers would, and is retried on a
serialization failure as Odoo's RPC layer retries it. Whichever comes first, the member never gets
both the treatment and a refund quoted on the balance before it: either the payment is in the
quote, or the payment finds the contract frozen.
"""

import base64
from contextlib import closing

from wallets import commit_wallets, delete_wallets, race_two_workers, superuser_env

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

TIMEOUT = 30
PRINCIPAL = 1000.0
SPEND = 100.0


@tagged("post_install", "-at_install")
class TestRefundFreezeRace(TransactionCase):
    def setUp(self):
        super().setUp()
        wallets = commit_wallets(self.registry, 1, principal=PRINCIPAL, invoice_amounts=(SPEND,))
        self.addCleanup(delete_wallets, self.registry, wallets)
        partner = wallets["partners"][0]
        self.contract_id = wallets["contracts"][0]
        self.invoice_id = wallets["invoices"][partner][0]
        self.company_id = wallets["company"]
        self.request_id = self._commit_draft_request()

    def _commit_draft_request(self):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            contract = env["clinic.prepaid.contract"].browse(self.contract_id)
            request = env["clinic.refund.request"].create(
                {
                    "partner_id": contract.partner_id.id,
                    "contract_id": contract.id,
                    "reason": "dissatisfied",
                    "request_date": fields.Date.today(),
                    "evidence_ids": [
                        Command.create(
                            {"evidence_type": kind, "datas": base64.b64encode(b"%PDF-1.4 evidence"), "filename": kind}
                        )
                        for kind in ("contract", "payment_voucher")
                    ],
                }
            )
            cr.commit()
            return request.id

    # ------------------------------------------------------------------ the two workers

    def _spend(self, env):
        contract = env["clinic.prepaid.contract"].browse(self.contract_id)
        contract._consume_stored_value(SPEND, env["account.move"].browse(self.invoice_id))

    def _submit(self, env):
        env["clinic.refund.request"].browse(self.request_id).action_submit()

    def _race(self, first, second):
        return race_two_workers(self.registry, first, second, TIMEOUT)

    def _state(self):
        """The request's state and quote, the contract's balance, and the quote the ledger gives now."""
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            request = env["clinic.refund.request"].browse(self.request_id)
            contract = request.contract_id
            fresh = env["clinic.refund.request"].new(
                {
                    "partner_id": contract.partner_id.id,
                    "contract_id": contract.id,
                    "reason": request.reason,
                    "request_date": request.request_date,
                }
            )
            report = env["clinic.stored.value.reconciliation"]._get_reconciliation_data(
                fields.Date.today(), env["res.company"].browse(self.company_id)
            )
            mine = [row for row in report if row["partner_id"] == contract.partner_id.id]
            return {
                "request": request.state,
                "quoted": request.amount_refundable,
                "ledger_quote": fresh.amount_refundable,
                "balance": contract.balance_principal,
                "frozen_by": contract.open_refund_request_id.id,
                "gl_difference": mine[0]["difference"] if mine else 0.0,
            }

    # ------------------------------------------------------------------ both orders

    def test_checkout_first_then_submission_quotes_after_the_payment(self):
        results = self._race(self._spend, self._submit)
        self.assertEqual(results["first"], "done")
        self.assertTrue(results["second_waited"], "the submission waits on the wallet held by the checkout")
        self.assertEqual(results["second"], "done")
        self.assertGreater(results["second_tries"], 1, "retried on the ledger the checkout left")
        state = self._state()
        self.assertEqual(state["balance"], PRINCIPAL - SPEND)
        self.assertEqual(state["request"], "to_approve")
        self.assertEqual(state["quoted"], state["ledger_quote"], "quoted on the ledger after the payment")
        self.assertLess(state["quoted"], PRINCIPAL - SPEND + 0.01)
        self.assertEqual(state["gl_difference"], 0.0)

    def test_submission_first_then_checkout_finds_the_contract_frozen(self):
        results = self._race(self._submit, self._spend)
        self.assertEqual(results["first"], "done")
        self.assertTrue(results["second_waited"], "the checkout waits on the wallet held by the submission")
        self.assertIsInstance(results["second"], UserError)
        self.assertIn("refund under way", str(results["second"]))
        state = self._state()
        self.assertEqual(state["balance"], PRINCIPAL, "nothing was spent")
        self.assertEqual(state["request"], "to_approve")
        self.assertEqual(state["frozen_by"], self.request_id)
        self.assertEqual(state["quoted"], PRINCIPAL, "cooling-off: the whole principal, nothing consumed")
        self.assertEqual(state["gl_difference"], 0.0)
