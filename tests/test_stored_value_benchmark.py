"""Benchmark of the stored-value flows (prints figures; asserts results, never times).

CLINIC_BENCH_SV_MEMBERS changes the number of members (default 25 in CI): each signs a contract with
cash value and a treatment package, tops up, pays two invoices from stored value and redeems a
session of the package; then the reconciliation report runs over all of them.
"""

import os
import time

from figures import record_figure

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

MEMBERS = int(os.environ.get("CLINIC_BENCH_SV_MEMBERS", "25"))


@tagged("post_install", "-at_install")
class TestStoredValueBenchmark(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        cls.company = cls.env.ref("base.main_company")
        cls.company._clinic_setup_stored_value_accounting()
        cls.bank = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1
        )
        cls.today = fields.Date.context_today(cls.env.user)
        treatment = cls.env["product.product"].create(
            {"name": "Bench photorejuvenation", "type": "service", "list_price": 1980.0, "taxes_id": [Command.clear()]}
        )
        cls.package = cls.env["clinic.treatment.package"].create(
            {"name": "Bench 6 sessions", "product_id": treatment.id, "sessions": 6, "price": 4800.0}
        )

    def _timed(self, timings, key, function):
        queries = self.env.cr.sql_log_count
        start = time.perf_counter()
        result = function()
        timings.setdefault(key, []).append((time.perf_counter() - start, self.env.cr.sql_log_count - queries))
        return result

    def _invoice(self, partner, amount):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": self.today,
                "invoice_line_ids": [
                    Command.create({"name": "Treatment", "price_unit": amount, "tax_ids": [Command.clear()]})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_topups_payments_and_reconciliation(self):
        timings = {}
        partners = self.env["res.partner"].create([{"name": f"SV bench member {n}"} for n in range(MEMBERS)])
        contracts = self.env["clinic.prepaid.contract"]
        for partner in partners:
            contract = contracts.create(
                {
                    "partner_id": partner.id,
                    "amount_principal": 7800,
                    "amount_bonus": 1000,
                    "package_line_ids": [Command.create({"package_id": self.package.id})],
                }
            )
            contract._set_signed_document(b"%PDF-1.4 bench", "signed.pdf", partner.name, self.today, "paper")
            contract.action_activate()
            wizard = self.env["clinic.stored.value.topup"].create(
                {"contract_id": contract.id, "journal_id": self.bank.id}
            )
            self._timed(timings, "top-up (payment + row)", wizard.action_confirm)
            for amount in (1200.0, 799.99):
                invoice = self._invoice(partner, amount)
                self._timed(
                    timings,
                    "pay an invoice from stored value (entry + reconcile + row)",
                    lambda contract=contract, invoice=invoice, amount=amount: contract._consume_stored_value(
                        amount, invoice
                    ),
                )
                self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            invoice = self._timed(
                timings,
                "redeem a package session (invoice + entry + reconcile + row)",
                lambda contract=contract: contract.package_line_ids._redeem_sessions(1),
            )
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            contracts |= contract
        self.env.flush_all()

        Report = self.env["clinic.stored.value.reconciliation"]
        rows = self._timed(
            timings, "reconciliation report", lambda: Report._get_reconciliation_data(self.today, self.company)
        )
        mine = [row for row in rows if row["partner_id"] in partners.ids]
        self.assertEqual(len(mine), MEMBERS)
        self.assertTrue(all(self.company.currency_id.is_zero(row["difference"]) for row in rows))
        # 3,000 of cash + 1,000 bonus, pro rata: 1,200 takes 900 of principal, 799.99 takes 599.99;
        # the package's 4,800 gives a session of 800
        balances = self.company.currency_id.round(sum(contracts.mapped("balance_principal")))
        self.assertEqual(balances, self.company.currency_id.round(MEMBERS * (1500.01 + 4000.0)))
        self.assertEqual(sum(contracts.package_line_ids.mapped("sessions_remaining")), MEMBERS * 5)

        row_count = self.env["clinic.stored.value.move"].search_count([])
        lines = [f"{MEMBERS} members, {len(rows)} partners in the report, {row_count} stored value rows"]
        for key, samples in timings.items():
            seconds = sorted(sample[0] for sample in samples)
            queries = sum(sample[1] for sample in samples) / len(samples)
            lines.append(
                f"{key}: {len(samples)} runs, median {seconds[len(seconds) // 2] * 1000:.1f} ms, "
                f"max {seconds[-1] * 1000:.1f} ms, {queries:.0f} queries each"
            )
        record_figure("Stored value flows", lines)
