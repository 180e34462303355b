"""The stored-value liability aged by months since each contract's last movement (issue 22)."""

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestStoredValueAgeing(StoredValueCase):
    def test_ageing_adds_up_to_the_sub_ledger_and_the_general_ledger(self):
        eight_months_ago = self.today - relativedelta(months=8)
        old = self.create_contract(principal=2000.0, bonus=500.0)
        self.upload_scan(old, date=eight_months_ago)
        old.action_activate()
        self.topup(old, date=eight_months_ago)
        recent = self.consumed_contract()  # 3,000 + 1,000 paid a month ago, 1,000 spent today
        other = self.env["res.partner"].create({"name": "李娜 (spent all)"})
        spent = self.active_contract(principal=500.0, bonus=0.0, partner=other)
        self.pay(self.create_invoice(500.0, partner=other), 500.0, spent)

        Ageing = self.env["clinic.stored.value.ageing"].with_user(self.manager)
        rows = {row.contract_id: row for row in Ageing.search([("contract_id", "in", (old | recent | spent).ids)])}
        self.assertEqual(set(rows), {old, recent}, "a contract that owes nothing is not aged")
        self.assertEqual(
            (rows[old].age_bucket, rows[old].months_idle, rows[old].date_last_move), ("6_12", 8, eight_months_ago)
        )
        self.assertEqual((rows[old].balance_principal, rows[old].balance_bonus), (2000.0, 500.0))
        self.assertEqual((rows[recent].age_bucket, rows[recent].partner_id), ("0_3", self.partner))
        self.assertEqual(
            (rows[recent].balance_principal, rows[recent].balance_bonus),
            (recent.balance_principal, recent.balance_bonus),
        )

        by_age = dict(
            Ageing._read_group([("company_id", "=", self.company.id)], ["age_bucket"], ["balance_principal:sum"])
        )
        # the ledger as it stands: every row, also those dated in a time zone already past midnight
        latest = max(self.env["clinic.stored.value.move"].search([]).mapped("date"))
        report = self.assertReconciled(date=max(latest, self.today))
        for ledger in ("subledger", "gl"):
            self.assertTrue(
                self.currency.is_zero(sum(by_age.values()) - sum(row[ledger] for row in report)),
                f"the ageing's principal is the {ledger} of the stored-value liability",
            )

    def test_only_managers_and_accountants_read_it(self):
        self.active_contract()
        for user in (self.manager, self.accountant, self.director):
            self.assertTrue(self.env["clinic.stored.value.ageing"].with_user(user).search_count([]))
        with self.assertRaises(AccessError):
            self.env["clinic.stored.value.ageing"].with_user(self.frontdesk).search([])
