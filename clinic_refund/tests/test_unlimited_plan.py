"""Unlimited time plans (年卡 / 月卡): unlimited sessions for N months (法释〔2025〕4号 arts. 11 para. 2, 22)."""

from dataclasses import replace
from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, tagged

from ..tools.refund_policy import ContractTerms, LedgerRow, PackageTerms, compute_refund
from .common import StoredValueCase

START = date(2026, 3, 1)
END = date(2027, 2, 28)  # 12 months, 365 days, both ends included
YEAR_CARD = PackageTerms("year", "年卡", 0, 3650.0, 0.0, kind="unlimited", date_start=START, date_end=END)


def terms(**kw):
    values = {
        "date_signed": START,
        "cooling_off_days": 7,
        "refund_fee_percent": 0.0,
        "bonus_policy": "forfeit",
        "consumed_pricing": "actual",
    }
    values.update(kw)
    return ContractTerms(**values)


def quote(package, request_date, reason="dissatisfied", rows=None, **kw):
    return compute_refund(
        terms(**kw),
        rows if rows is not None else [LedgerRow("topup", 3650.0, 0.0, date=START)],
        reason=reason,
        request_date=request_date,
        rounding=0.01,
        packages=[package],
    )


def line(result, code):
    return next(item for item in result.lines if item.code == code)


@tagged("post_install", "-at_install")
class TestUnlimitedPlanEngine(BaseCase):
    def test_time_left_after_termination_comes_back(self):
        # 3,650.00 for 365 days, ended after 100 days: 3,650 x 100 / 365 = 1,000.00 used, 2,650.00 back
        result = quote(YEAR_CARD, START + timedelta(days=100))
        used = line(result, "unlimited_time_used")
        self.assertEqual(used.amount, -1000.0)
        self.assertEqual((used.basis["elapsed"], used.basis["total"], used.basis["left"]), (100, 365, 265))
        self.assertFalse(used.basis["stopped"])
        self.assertEqual(result.amount_refundable, 2650.0)

    def test_time_not_used_is_not_refunded(self):
        # no visit at all: the time that ran is still the member's own choice (art. 22 para. 3)
        result = quote(YEAR_CARD, START + timedelta(days=73))
        self.assertEqual(line(result, "unlimited_time_used").amount, -730.0)
        self.assertEqual(result.amount_refundable, 2920.0)

    def test_clinic_stopped_serving_counts_from_that_day(self):
        stopped = replace(YEAR_CARD, date_stopped=START + timedelta(days=50))
        result = quote(stopped, START + timedelta(days=100), reason="service_not_provided")
        used = line(result, "unlimited_time_used")
        self.assertEqual((used.amount, used.basis["elapsed"], used.basis["stopped"]), (-500.0, 50, True))
        self.assertEqual((result.rule, result.amount_refundable, result.fee_amount), ("clinic_at_fault", 3150.0, 0.0))

    def test_after_the_plan_ended_nothing_comes_back(self):
        result = quote(YEAR_CARD, END + timedelta(days=40))
        self.assertEqual(line(result, "unlimited_time_used").amount, -3650.0)
        self.assertEqual(result.amount_refundable, 0.0)

    def test_fee_applies_to_what_is_left_after_the_time_used(self):
        result = quote(YEAR_CARD, START + timedelta(days=100), refund_fee_percent=10.0)
        self.assertEqual((result.fee_amount, result.amount_refundable), (265.0, 2385.0))

    def test_cooling_off_without_a_visit_is_whole_with_a_visit_pro_rata(self):
        self.assertEqual(quote(YEAR_CARD, START + timedelta(days=3), reason="cooling_off").amount_refundable, 3650.0)
        visited = replace(YEAR_CARD, visits=1)
        result = quote(visited, START + timedelta(days=10), reason="cooling_off", payment_cooling_off_excluded=True)
        self.assertEqual(result.rule, "standard")
        self.assertEqual(result.amount_refundable, 3550.0)

    def test_rounding_once_at_the_end_of_the_line(self):
        # 1,000.00 x 8 / 365 = 21.9178... -> 21.92
        card = replace(YEAR_CARD, price=1000.0)
        result = quote(card, START + timedelta(days=8), rows=[LedgerRow("topup", 1000.0, 0.0, date=START)])
        self.assertEqual(line(result, "unlimited_time_used").amount, -21.92)
        self.assertEqual(result.amount_refundable, 978.08)


@tagged("post_install", "-at_install")
class TestUnlimitedPlan(StoredValueCase):
    paid_days_ago = 100

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sister = cls.env["res.partner"].create({"name": "王芳 (sister)", "email": "wf@example.com"})
        cls.friend = cls.env["res.partner"].create({"name": "赵敏 (friend)", "email": "zm@example.com"})

    def year_card(self):
        package = self.create_package(price=3650.0, validity_months=12, name="水光年卡")
        package.package_kind = "unlimited"
        return package

    def expected_refund(self, plan, until):
        total = (plan.date_expiry - plan.date_signed).days + 1
        return self.currency.round(3650.0 - self.currency.round(3650.0 * (until - plan.date_signed).days / total))

    def test_visits_move_no_money_and_the_refund_pays_the_time_left(self):
        contract = self.package_contract(self.year_card(), refund_fee_percent=0.0)
        plan = contract.package_line_ids
        self.assertEqual(
            (plan.package_kind, plan.date_signed, plan.sessions_remaining), ("unlimited", self.paid_date(), 0)
        )
        rows_before = contract.move_ids
        self.redeem(plan, 2)
        invoice = self.redeem(plan, 1)
        visit = self.env[invoice["res_model"]].browse(invoice["res_id"])
        self.assertEqual((visit.amount_total, visit.state, visit.clinic_practitioner_id), (0.0, "posted", self.manager))
        self.assertEqual(visit.clinic_package_line_id, plan)
        self.assertEqual(plan.sessions_used, 3)
        self.assertEqual(contract.move_ids, rows_before, "a visit writes no stored-value row")
        self.assertEqual((contract.balance_principal, plan.amount_remaining), (3650.0, 3650.0))

        request = self.file_request(contract)
        expected = self.expected_refund(plan, self.today)
        self.assertEqual(request.amount_refundable, expected)
        if (plan.date_expiry - plan.date_signed).days + 1 == 365:
            self.assertEqual(expected, 2650.0)  # 3,650 for 365 days, ended after 100 days
        self.assertIn("法释〔2025〕4号 art. 22", request.breakdown)
        self.assertIn("100 days of the plan had run", request.breakdown)
        request.action_submit()
        request.with_user(self.manager).validate_tier()
        if request.state == "to_approve":
            request.with_user(self.director).validate_tier()
        self.pay_refund(request)
        self.assertEqual(request.state, "paid")
        new_rows = contract.move_ids - rows_before
        time_used = new_rows.filtered(lambda row: row.move_type == "adjust")
        self.assertEqual(time_used.amount_principal, -self.currency.round(3650.0 - expected))
        income = plan.product_id.product_tmpl_id._get_product_accounts()["income"]
        self.assertEqual(time_used.adjust_account_id, income, "the time used is the treatment's revenue")
        self.assertFalse(new_rows.filtered(lambda row: row.move_type == "forfeit"), "nothing is forfeited")
        self.assertEqual(contract.balance_principal, 0.0)
        self.assertEqual(self.liability_balance(), 0.0)
        self.assertReconciled()

    def test_staff_do_not_make_an_invoice_a_visit(self):
        plan = self.package_contract(self.year_card()).package_line_ids
        invoice = self.create_invoice(100.0)
        for user in (self.frontdesk, self.accountant, self.manager):
            with self.assertRaises(AccessError):
                invoice.with_user(user).write({"clinic_package_line_id": plan.id})
        self.assertFalse(invoice.clinic_package_line_id)
        self.assertEqual(plan.sessions_used, 0)

    def test_a_plan_is_used_within_its_validity_only(self):
        self.paid_days_ago = 400
        contract = self.package_contract(self.year_card())
        with self.assertRaisesRegex(UserError, "cannot be used after"):
            self.redeem(contract.package_line_ids)
        self.assertEqual(contract.package_line_ids.sessions_used, 0)

    def test_service_stopped_recorded_by_a_manager_shortens_the_time_used(self):
        contract = self.package_contract(self.year_card(), refund_fee_percent=0.0)
        plan = contract.package_line_ids
        stopped = self.paid_date() + timedelta(days=50)
        for user in (self.frontdesk, self.accountant):
            with self.assertRaises(UserError):  # an AccessError is a UserError
                plan.with_user(user).date_service_stopped = stopped
            self.assertFalse(plan.date_service_stopped)
        plan.with_user(self.manager).date_service_stopped = stopped
        with self.assertRaisesRegex(UserError, "stopped serving"):
            self.redeem(plan)
        request = self.file_request(contract, reason="service_not_provided")
        self.assertEqual(request.amount_refundable, self.expected_refund(plan, stopped))
        self.assertIn("stopped serving it on", request.breakdown)

    def transfer(self, contract, to):
        transfer = (
            self.env["clinic.contract.transfer"]
            .with_user(self.frontdesk)
            .create({"contract_id": contract.id, "to_partner_id": to.id})
        )
        self.env["clinic.contract.scan.upload"].with_user(self.frontdesk).create(
            {
                "transfer_id": transfer.id,
                "scan_file": "JVBERi0xLjQgdHJhbnNmZXI=",
                "scan_filename": "transfer.pdf",
                "date_signed": self.today,
            }
        ).action_confirm()
        transfer.with_user(self.frontdesk).action_confirm()
        return transfer

    def test_an_unlimited_plan_is_transferred_once_within_its_validity(self):
        contract = self.package_contract(self.year_card())
        self.transfer(contract, self.sister)
        self.assertEqual(contract.partner_id, self.sister)
        rows = contract.move_ids
        with self.assertRaisesRegex(UserError, "art. 11 para. 2"):
            self.transfer(contract, self.friend)
        self.assertEqual((contract.partner_id, contract.move_ids), (self.sister, rows), "nothing moved")

    def test_a_sessions_package_is_transferred_again(self):
        contract = self.package_contract()
        self.transfer(contract, self.sister)
        self.transfer(contract, self.friend)
        self.assertEqual(contract.partner_id, self.friend)
