"""Benchmark of posting member invoices in one batch (prints figures; asserts results, never times).

The same number of draft invoices is posted in one ``action_post`` for members (the suite's hooks earn
points at the tier's rate with the campaign multipliers, refresh the spend and upgrade) and for
clients who are not members (what Odoo does; the suite's hooks find nothing to do).
CLINIC_BENCH_POSTING_INVOICES changes the size (default 150 in CI).
"""

import os
import time

from figures import record_figure

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

INVOICES = int(os.environ.get("CLINIC_BENCH_POSTING_INVOICES", "150"))


@tagged("post_install", "-at_install")
class TestBenchPosting(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.clinic_upgrade_mail = False
        cls.product = cls.env["product.product"].create(
            {"name": "Bench treatment", "type": "service", "list_price": 800.0, "taxes_id": [Command.clear()]}
        )
        partners = cls.env["res.partner"].create([{"name": f"Bench poster {n}"} for n in range(INVOICES * 2)])
        cls.members = partners[:INVOICES]
        cls.members.action_enrol_member()
        cls.clients = partners[INVOICES:]

    def _drafts(self, partners):
        today = fields.Date.context_today(self.env.user)
        return self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today,
                    "invoice_line_ids": [Command.create({"product_id": self.product.id, "price_unit": 800.0})],
                }
                for partner in partners
            ]
        )

    def _post(self, invoices):
        self.env.flush_all()
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        t0 = time.perf_counter()
        invoices.action_post()
        self.env.flush_all()
        return time.perf_counter() - t0, self.env.cr.sql_log_count - queries

    def test_posting_member_invoices_in_one_batch(self):
        client_invoices = self._drafts(self.clients)
        member_invoices = self._drafts(self.members)
        plain_seconds, plain_queries = self._post(client_invoices)
        member_seconds, member_queries = self._post(member_invoices)
        self.assertEqual(set(member_invoices.mapped("state")), {"posted"})
        self.assertEqual(len(member_invoices.clinic_points_move_ids), INVOICES, "one earning each")
        self.assertTrue(all(self.members.mapped("qualifying_spend")))
        record_figure(
            f"Posting {INVOICES:,} customer invoices in one batch",
            [
                f"clients who are not members (Odoo's own work) {plain_seconds:8.2f} s, {plain_queries:,} queries",
                f"members (points, spend, upgrades)             {member_seconds:8.2f} s, {member_queries:,} queries"
                f"  ({member_seconds / plain_seconds:.2f}x)",
            ],
        )
