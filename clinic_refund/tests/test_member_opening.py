import csv
import io
import logging
import os
import time
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import StoredValueCase

_logger = logging.getLogger(__name__)
# The migration a clinic does once; CI imports 1,000 members, CLINIC_OPENING_MEMBERS sets more.
IMPORT_SIZE = int(os.environ.get("CLINIC_OPENING_MEMBERS", "1000"))
IMPORT_FIELDS = [
    "member_number",
    "name",
    "mobile",
    "member_since",
    "tier_id",
    "tier_locked_until",
    "consultant_id",
    "opening_points",
    "opening_principal",
    "opening_bonus",
    "contract_reference",
    "contract_date_signed",
    "reference",
]


@tagged("post_install", "-at_install")
class TestMemberOpening(StoredValueCase):
    """Members brought over from a previous system: Odoo's import, then the manager posts the rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_gold = cls.env.ref("clinic_membership.tier_gold")
        cls.since = cls.today - timedelta(days=800)
        cls.signed = cls.today - timedelta(days=400)

    def _csv(self, count, start=1):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(IMPORT_FIELDS)
        for index in range(start, start + count):
            writer.writerow(
                [
                    f"OLD{index:06d}",
                    f"迁移会员{index}",
                    f"139{index:08d}",
                    fields.Date.to_string(self.since),
                    self.tier_gold.name if index % 2 else "",
                    fields.Date.to_string(self.today + timedelta(days=365)) if index % 2 else "",
                    self.manager.name if index % 3 == 0 else "",
                    index % 500,
                    f"{(index % 97) * 100 + 0.5:.2f}",
                    f"{(index % 7) * 10:.2f}",
                    f"HT{index:06d}",
                    fields.Date.to_string(self.signed),
                    f"CRM-{index}",
                ]
            )
        return buffer.getvalue().encode()

    def _import(self, user, data):
        importer = (
            self.env["base_import.import"]
            .with_user(user)
            .create(
                {
                    "res_model": "clinic.member.opening",
                    "file": data,
                    "file_type": "text/csv",
                    "file_name": "members.csv",
                }
            )
        )
        result = importer.execute_import(
            IMPORT_FIELDS,
            IMPORT_FIELDS,
            {"has_headers": True, "separator": ",", "quoting": '"', "date_format": "%Y-%m-%d"},
        )
        self.assertFalse(result.get("messages"), result.get("messages"))
        return self.env["clinic.member.opening"].browse(result["ids"])

    def test_manager_imports_members_with_opening_balances(self):
        started = time.perf_counter()
        rows = self._import(self.manager, self._csv(IMPORT_SIZE))
        imported = time.perf_counter()
        self.assertEqual(len(rows), IMPORT_SIZE)
        self.assertEqual(set(rows.mapped("state")), {"draft"})

        rows.with_user(self.manager).action_post()
        posted = time.perf_counter()
        _logger.info(
            "opening balances: %s members imported in %.1f s, posted in %.1f s",
            IMPORT_SIZE,
            imported - started,
            posted - imported,
        )
        self.assertEqual(set(rows.mapped("state")), {"posted"})
        members = rows.member_id
        self.assertEqual(len(members), IMPORT_SIZE)
        self.assertTrue(all(members.mapped("is_member")))
        first = rows.filtered(lambda row: row.member_number == "OLD000003")
        self.assertEqual(first.member_id.member_number, "OLD000003")
        self.assertEqual(first.member_id.member_since, self.since)
        self.assertEqual(first.member_id.tier_id, self.tier_gold)
        self.assertEqual(first.member_id.consultant_id, self.manager)
        self.assertEqual(first.member_id.points_balance, 3)
        self.assertEqual(first.member_id.tier_change_ids.reason, "opening")
        contract = first.contract_id
        self.assertEqual(
            (contract.state, contract.signature_method, contract.date_signed), ("active", "migrated", self.signed)
        )
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (300.5, 30.0))
        self.assertIn("HT000003", contract.note)
        self.assertTrue(contract.signed_sha256)

        # the sub-ledger and the GL (assertReconciled, at cleanup) hold exactly what was imported
        total = sum(rows.mapped("opening_principal"))
        liability = sum(
            self.env["account.move.line"]
            .search(
                [
                    ("account_id", "=", self.liability.id),
                    ("partner_id", "in", members.ids),
                    ("parent_state", "=", "posted"),
                ]
            )
            .mapped("balance")
        )
        self.assertTrue(self.currency.is_zero(liability + total))
        self.assertEqual(sum(members.mapped("points_balance")), sum(rows.mapped("opening_points")))
        unaffected = self.company.get_unaffected_earnings_account()
        self.assertEqual(set(rows.mapped("opening_account_id")), {unaffected})

    def test_migrated_member_spends_and_gets_a_refund_quote(self):
        rows = self._import(self.manager, self._csv(1, start=42))
        rows.with_user(self.manager).action_post()
        contract = rows.contract_id
        invoice = self.create_invoice(1000.0, partner=rows.member_id)
        self.pay(invoice, 1000.0, contract=contract)
        self.assertEqual(invoice.payment_state, "paid")
        # 4,200.50 brought over, no bonus, 1,000.00 spent: the rest comes back, less the contract's fee
        quote = contract._refund_quote("dissatisfied", self.today)
        self.assertAlmostEqual(quote.amount_refundable + quote.fee_amount, 3200.5, places=2)
        self.assertGreater(quote.amount_refundable, 0.0)

    def test_posted_rows_never_change_and_are_kept(self):
        rows = self._import(self.manager, self._csv(1))
        rows.with_user(self.manager).action_post()
        with self.assertRaisesRegex(UserError, "never changes"):
            rows.with_user(self.manager).write({"opening_principal": 99999.0})
        with self.assertRaisesRegex(UserError, "already posted"):
            rows.with_user(self.manager).action_post()
        with self.assertRaisesRegex(UserError, "is kept"):
            rows.with_user(self.manager).unlink()
        self.assertEqual(rows.contract_id.balance_principal, 100.5)
        self.assertEqual(len(rows.contract_id.move_ids), 1)

    def test_only_a_manager_brings_members_over(self):
        employee = new_test_user(self.env, "op_employee", groups="base.group_user")
        outsiders = (self.frontdesk, self.accountant, employee)
        for user in outsiders:
            with self.subTest(user=user.login), self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.env["clinic.member.opening"].with_user(user).create(
                    {"member_number": "X1", "name": "X", "member_since": self.since, "opening_principal": 5000.0}
                )
        rows = self._import(self.director, self._csv(1))
        for user in outsiders:
            with self.subTest(user=user.login), self.assertRaises(AccessError), mute_logger("odoo.models"):
                rows.with_user(user).action_post()
        self.assertEqual(rows.state, "draft")
        self.assertFalse(self.env["res.partner"].search([("member_number", "=", "OLD000001")]))

    def test_the_manager_gives_no_posted_state_or_result(self):
        rows = self.env["clinic.member.opening"].with_user(self.manager)
        for forged in ({"state": "posted"}, {"member_id": self.partner.id}, {"contract_id": False}):
            with self.subTest(forged=forged), self.assertRaises(AccessError), mute_logger("odoo.models"):
                rows.create({"member_number": "F1", "name": "F", "member_since": self.since, **forged})

    def test_bad_rows_are_refused_and_nothing_moves(self):
        taken = self.env["res.partner"].create({"name": "已是会员"})
        taken.with_user(self.frontdesk).action_enrol_member()
        cases = {
            "already another member's": {"member_number": taken.member_number},
            "between": {"member_since": self.today + timedelta(days=3)},
            "signed her prepaid contract": {"contract_date_signed": False},
            "without principal": {"opening_principal": 0.0, "opening_bonus": 50.0},
            "given twice": {"partner_id": self.partner.id},
        }
        for message, values in cases.items():
            with self.subTest(message=message):
                good = self._import(self.manager, self._csv(1, start=7))
                if "partner_id" in values:
                    good.partner_id = self.partner
                bad = good.copy({"member_number": "BAD1", **values})
                entries_before = self.env["account.move"].search_count([])
                with self.assertRaisesRegex(UserError, message):
                    (good | bad).with_user(self.manager).action_post()
                self.assertEqual(set((good | bad).mapped("state")), {"draft"})
                self.assertFalse(good.member_id)
                self.assertEqual(self.env["account.move"].search_count([]), entries_before)
                (good | bad).unlink()

    def test_duplicate_of_a_draft_row(self):
        row = self._import(self.manager, self._csv(1))
        copy = row.with_user(self.manager).copy({"member_number": "OLD999999"})
        self.assertEqual((copy.state, copy.opening_principal, copy.name), ("draft", row.opening_principal, row.name))
        self.assertFalse(copy.contract_id)
