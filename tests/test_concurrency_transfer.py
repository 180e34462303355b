"""A contract's transfer (法释〔2025〕4号 art. 11) and a payment from it, at the same moment.

Each runs in its own database transaction, as two Odoo workers would, and is retried on a
serialization failure as Odoo's RPC layer retries it. Whichever comes first, the balance moves once:
either the transfer carries what the payment left, or the payment finds the contract no longer the
payer's.
"""

from contextlib import closing

from wallets import commit_wallets, delete_wallets, race_two_workers, superuser_env

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

TIMEOUT = 30
PRINCIPAL = 1000.0
SPEND = 100.0


@tagged("post_install", "-at_install")
class TestTransferPaymentRace(TransactionCase):
    def setUp(self):
        super().setUp()
        wallets = commit_wallets(self.registry, 1, principal=PRINCIPAL, invoice_amounts=(SPEND,))
        self.addCleanup(delete_wallets, self.registry, wallets)
        self.partner_id = wallets["partners"][0]
        self.contract_id = wallets["contracts"][0]
        self.invoice_id = wallets["invoices"][self.partner_id][0]
        self.company_id = wallets["company"]
        self.transfer_id, self.sister_id = self._commit_signed_transfer()
        wallets["partners"].append(self.sister_id)  # delete_wallets removes the transferee too
        self.addCleanup(self._delete_transfer)  # runs first: the rows name the transfer

    def _commit_signed_transfer(self):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            sister = env["res.partner"].create({"name": "转让并发测试 Transferee"})
            transfer = env["clinic.contract.transfer"].create(
                {"contract_id": self.contract_id, "to_partner_id": sister.id}
            )
            transfer._set_signed_document(
                b"%PDF-1.4 transfer", "transfer.pdf", transfer.partner_id.name, fields.Date.today(), "paper"
            )
            cr.commit()
            return transfer.id, sister.id

    def _delete_transfer(self):
        with closing(self.registry.cursor()) as cr:
            cr.execute(
                "UPDATE clinic_stored_value_move SET transfer_id = NULL WHERE transfer_id = %s", [self.transfer_id]
            )
            cr.execute(
                "UPDATE clinic_prepaid_contract SET partner_id = %s WHERE id = %s", [self.partner_id, self.contract_id]
            )
            cr.execute(
                "DELETE FROM mail_message WHERE model = 'clinic.contract.transfer' AND res_id = %s", [self.transfer_id]
            )
            cr.execute(
                "DELETE FROM ir_attachment WHERE res_model = 'clinic.contract.transfer' AND res_id = %s",
                [self.transfer_id],
            )
            cr.execute("DELETE FROM clinic_contract_transfer WHERE id = %s", [self.transfer_id])
            cr.execute("DELETE FROM clinic_campaign_grant WHERE partner_id = %s", [self.sister_id])  # her welcome
            cr.execute(  # her enrolment as a member
                "DELETE FROM clinic_points_allocation WHERE move_id IN "
                "(SELECT id FROM clinic_points_move WHERE partner_id = %s)",
                [self.sister_id],
            )
            cr.execute("DELETE FROM clinic_points_move WHERE partner_id = %s", [self.sister_id])
            cr.execute("DELETE FROM clinic_tier_change WHERE partner_id = %s", [self.sister_id])
            cr.commit()

    # ------------------------------------------------------------------ the two workers

    def _spend(self, env):
        contract = env["clinic.prepaid.contract"].browse(self.contract_id)
        contract._consume_stored_value(SPEND, env["account.move"].browse(self.invoice_id))

    def _transfer(self, env):
        env["clinic.contract.transfer"].browse(self.transfer_id).action_confirm()

    def _race(self, first, second):
        return race_two_workers(self.registry, first, second, TIMEOUT)

    def _state(self):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            transfer = env["clinic.contract.transfer"].browse(self.transfer_id)
            contract = transfer.contract_id
            report = {
                row["partner_id"]: row
                for row in env["clinic.stored.value.reconciliation"]._get_reconciliation_data(
                    fields.Date.today(), env["res.company"].browse(self.company_id)
                )
            }
            return {
                "holder": contract.partner_id.id,
                "balance": contract.balance_principal,
                "transferred": transfer.amount_principal,
                "transfer": transfer.state,
                "invoice": env["account.move"].browse(self.invoice_id).payment_state,
                "ledgers": {
                    partner: (report[partner]["subledger"], report[partner]["gl"])
                    for partner in (self.partner_id, self.sister_id)
                    if partner in report
                },
            }

    # ------------------------------------------------------------------ both orders

    def test_payment_first_then_the_transfer_carries_what_it_left(self):
        results = self._race(self._spend, self._transfer)
        self.assertEqual(results["first"], "done")
        self.assertTrue(results["second_waited"], "the transfer waits on the wallet held by the payment")
        self.assertEqual(results["second"], "done")
        self.assertGreater(results["second_tries"], 1, "retried on the ledger the payment left")
        state = self._state()
        self.assertEqual((state["transfer"], state["holder"]), ("done", self.sister_id))
        self.assertEqual(state["transferred"], PRINCIPAL - SPEND, "the transfer carries the balance after the payment")
        self.assertEqual(state["balance"], PRINCIPAL - SPEND)
        self.assertIn(state["invoice"], ("paid", "in_payment"))
        self.assertEqual(state["ledgers"], {self.sister_id: (PRINCIPAL - SPEND, PRINCIPAL - SPEND)})

    def test_transfer_first_then_the_payment_finds_another_holder(self):
        results = self._race(self._transfer, self._spend)
        self.assertEqual(results["first"], "done")
        self.assertTrue(results["second_waited"], "the payment waits on the wallet held by the transfer")
        self.assertIsInstance(results["second"], UserError, "the transferor's bill is no longer paid from it")
        state = self._state()
        self.assertEqual((state["transfer"], state["holder"]), ("done", self.sister_id))
        self.assertEqual((state["transferred"], state["balance"]), (PRINCIPAL, PRINCIPAL), "nothing was spent")
        self.assertEqual(state["invoice"], "not_paid")
        self.assertEqual(state["ledgers"], {self.sister_id: (PRINCIPAL, PRINCIPAL)})
