import io
from datetime import timedelta

import openpyxl

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestStoredValueReconciliation(StoredValueCase):
    def _report(self, date=None):
        form = Form(self.env["clinic.stored.value.reconciliation"])
        if date:
            form.date = date
        wizard = form.save()
        action = wizard.action_compute()
        return self.env[action["res_model"]].search(action["domain"])

    def test_report_matches_per_member_with_totals(self):
        other = self.env["res.partner"].create({"name": "周婷"})
        self.active_contract(principal=3000.0, bonus=1000.0)
        self.active_contract(principal=800.0, bonus=0.0, partner=other)
        self.pay(self.create_invoice(1000.0))
        lines = self._report()
        mine = lines.filtered(lambda line: line.partner_id == self.partner)
        theirs = lines.filtered(lambda line: line.partner_id == other)
        self.assertEqual((mine.subledger_balance, mine.gl_balance, mine.difference), (2250.0, 2250.0, 0.0))
        self.assertEqual((theirs.subledger_balance, theirs.gl_balance), (800.0, 800.0))
        self.assertEqual((mine.bonus_balance, theirs.bonus_balance), (750.0, 0.0), "the bonus left, beside")
        self.assertEqual(mine.account_id, self.liability)
        self.assertEqual(mine.member_number, self.partner.member_number)
        self.assertFalse(lines.filtered("has_difference"))
        self.assertEqual(sum(lines.mapped("difference")), 0.0)
        rows_action = mine.action_open_rows()
        rows = self.env["clinic.stored.value.move"].search(rows_action["domain"])
        self.assertEqual(sum(rows.mapped("amount_principal")), 2250.0)
        items_action = mine.action_open_journal_items()
        items = self.env["account.move.line"].search(items_action["domain"])
        self.assertEqual(-sum(items.mapped("balance")), 2250.0)

    def test_export_to_excel(self):
        self.active_contract(principal=3000.0, bonus=1000.0)
        self.pay(self.create_invoice(1000.0))
        wizard = self.env["clinic.stored.value.reconciliation"].create({})
        action = wizard.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
        mine = next(row for row in values if row[0] == self.partner.display_name)
        self.assertEqual(mine[1:], [2250.0, 2250.0, 0.0])
        self.assertEqual(values[-1][0], "Total")
        self.assertEqual(values[-1][3], 0.0)

    def test_report_at_a_past_date(self):
        yesterday = self.today - timedelta(days=1)
        contract = self.create_contract()
        self.upload_scan(contract, date=yesterday)
        contract.action_activate()
        self.topup(contract, date=yesterday)
        self.pay(self.create_invoice(400.0))
        past = self._report(date=yesterday).filtered(lambda line: line.partner_id == self.partner)
        self.assertEqual((past.subledger_balance, past.gl_balance), (3000.0, 3000.0))
        self.assertReconciled(date=yesterday)

    def test_manual_entry_on_the_liability_shows_a_difference(self):
        self.active_contract(principal=1000.0, bonus=0.0)
        misc = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "general")], limit=1
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": misc.id,
                "line_ids": [
                    Command.create({"account_id": self.liability.id, "partner_id": self.partner.id, "balance": 100.0}),
                    Command.create({"account_id": self.bonus_account.id, "balance": -100.0}),
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "only top-ups, payments from stored value"):
            entry.action_post()
        # An entry from before the guard (or from a database restored by hand) still shows:
        entry.sudo().write({"clinic_stored_value_entry": True})
        entry.action_post()
        line = self._report().filtered(lambda line: line.partner_id == self.partner)
        self.assertEqual((line.subledger_balance, line.gl_balance, line.difference), (1000.0, 900.0, -100.0))
        self.assertTrue(line.has_difference)
        lines = self.env["clinic.stored.value.reconciliation.line"].search(
            [("report_id", "=", line.report_id.id), ("has_difference", "=", True)]
        )
        self.assertEqual(lines, line, "the Differences filter finds it")
        # Correct the mistake so the scenario ends reconciled.
        entry.sudo().button_draft()
        entry.button_cancel()

    def test_a_date_before_any_value_says_so(self):
        self.active_contract(principal=3000.0, bonus=0.0)
        wizard = Form(self.env["clinic.stored.value.reconciliation"]).save()
        wizard.date = self.today - timedelta(days=400)
        action = wizard.action_compute()
        self.assertFalse(self.env[action["res_model"]].search(action["domain"]))
        self.assertIn("on or before", action["help"])
        self.assertEqual(action["target"], "current")

    def test_lines_are_computed_never_typed(self):
        self.active_contract(principal=3000.0, bonus=0.0)
        wizard = self.env["clinic.stored.value.reconciliation"].with_user(self.accountant).create({})
        Line = self.env["clinic.stored.value.reconciliation.line"].with_user(self.accountant)
        with self.assertRaises(UserError):
            Line.create({"report_id": wizard.id, "partner_id": self.partner.id, "gl_balance": 1.0, "difference": 0.0})
        wizard.action_compute()
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.partner)
        self.assertEqual(line.subledger_balance, 3000.0)
        with self.assertRaises(UserError):
            line.write({"difference": 0.0, "gl_balance": 3000.0, "subledger_balance": 1.0})
        self.assertEqual(line.subledger_balance, 3000.0)
