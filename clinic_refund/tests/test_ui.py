from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestStoredValueTour(StoredValueCase, HttpCase):
    def test_sign_topup_and_pay_invoice_in_the_browser(self):
        user = new_test_user(
            self.env,
            "sv_tour_manager",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_manager,"
            "account.group_account_invoice",
        )
        member = self.env["res.partner"].create({"name": "Tour Member 游客"})
        contract = self.create_contract(partner=member, principal=3000.0, bonus=1000.0)
        invoice = self.create_invoice(1000.0, partner=member)
        self.start_tour(
            f"/odoo/action-clinic_refund.clinic_prepaid_contract_action/{contract.id}",
            "clinic_refund_stored_value_tour",
            login=user.login,
        )
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.signature_method, "paper")
        self.assertTrue(contract.signed_sha256)
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (2250.0, 750.0))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_file_approve_and_pay_a_refund_in_the_browser(self):
        self.activate_zh_cn()
        frontdesk = new_test_user(
            self.env,
            "rf_tour_frontdesk",
            name="王前台",
            lang="zh_CN",
            groups="base.group_user,clinic_membership.group_clinic_user",
        )
        manager = new_test_user(
            self.env,
            "rf_tour_manager",
            name="李经理",
            lang="zh_CN",
            groups="base.group_user,clinic_membership.group_clinic_manager",
        )
        accountant = new_test_user(
            self.env,
            "rf_tour_accountant",
            name="张会计",
            lang="zh_CN",
            groups="base.group_user,clinic_membership.group_clinic_accountant,account.group_account_manager",
        )
        member = self.env["res.partner"].create({"name": "周退款"})
        contract = self.active_contract(
            principal=3000.0,
            bonus=1000.0,
            partner=member,
            refund_fee_percent=0.0,
            bonus_policy="forfeit",
            consumption_order="bonus_first",
        )
        self.pay(self.create_invoice(1000.0, partner=member), 1000.0, contract)  # all of it from the bonus
        self.start_tour(
            "/odoo/action-clinic_refund.clinic_refund_request_action/new",
            "clinic_refund_request_file_tour",
            login=frontdesk.login,
        )
        request = self.env["clinic.refund.request"].search([("contract_id", "=", contract.id)])
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(len(request.evidence_ids), 2)
        self.start_tour(
            f"/odoo/action-clinic_refund.clinic_refund_request_action/{request.id}",
            "clinic_refund_request_approve_tour",
            login=manager.login,
        )
        self.assertEqual(request.state, "approved")
        self.start_tour(
            f"/odoo/action-clinic_refund.clinic_refund_request_action/{request.id}",
            "clinic_refund_request_pay_tour",
            login=accountant.login,
        )
        self.assertEqual(request.state, "paid")
        self.assertEqual(contract.state, "closed")
        self.assertEqual(self.liability_balance(member), 0.0)


@tagged("post_install", "-at_install")
class TestCheckoutTour(StoredValueCase, HttpCase):
    def test_checkout_of_a_gold_member_in_chinese(self):
        self.activate_zh_cn()
        self.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        frontdesk = new_test_user(
            self.env,
            "co_tour_frontdesk",
            name="王前台",
            lang="zh_CN",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_user,"
            "account.group_account_invoice",
        )
        member = self.env["res.partner"].create({"name": "赵金卡", "phone": "+86 138 0013 8000"})
        member.action_enrol_member()
        member._clinic_set_tier(self.env.ref("clinic_membership.tier_gold"), "manual")
        contract = self.active_contract(principal=3000.0, bonus=0.0, partner=member)
        self.product.name = "光子嫩肤测试"
        self.start_tour(
            "/odoo/action-clinic_membership.res_partner_action_clinic_member",
            "clinic_checkout_tour",
            login=frontdesk.login,
        )
        invoice = self.env["account.move"].search([("partner_id", "=", member.id), ("move_type", "=", "out_invoice")])
        self.assertEqual(invoice.amount_total, 900.0, "the Gold price")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(contract.balance_principal, 2100.0)

    def test_mixed_checkout_of_two_treatments_in_at_most_8_clicks(self):
        """Points, stored value and cash pay two treatments; the tour counts its clicks (at most 8)."""
        self.activate_zh_cn()
        self.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        frontdesk = new_test_user(
            self.env,
            "co_mixed_frontdesk",
            name="王前台",
            lang="zh_CN",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_user,"
            "account.group_account_invoice",
        )
        member = self.env["res.partner"].create({"name": "孙混合", "phone": "+86 139 0000 2222"})
        member.action_enrol_member()
        member._clinic_set_tier(self.env.ref("clinic_membership.tier_gold"), "manual")
        self.env["clinic.points.move"]._clinic_record(
            [{"partner_id": member.id, "move_type": "earn", "points": 30000, "source_ref": "test"}]
        )
        package_contract = self.package_contract(self.create_package(name="焕肤测试 6 次"), partner=member)
        self.redeem(package_contract.package_line_ids, quantity=2, practitioner=self.manager)
        contract = self.active_contract(principal=1000.0, bonus=0.0, partner=member)
        self.product.name = "光子嫩肤测试"
        self.env["product.product"].create(
            {"name": "水光针测试", "type": "service", "list_price": 2000.0, "taxes_id": [Command.clear()]}
        )
        points_before = member.points_balance
        self.start_tour(
            "/odoo/action-clinic_membership.res_partner_action_clinic_member",
            "clinic_checkout_mixed_tour",
            login=frontdesk.login,
        )
        invoice = (
            self.env["account.move"]
            .search([("partner_id", "=", member.id), ("move_type", "=", "out_invoice")])
            .filtered(lambda move: move.clinic_points_redeemed)
        )
        self.assertEqual((len(invoice), invoice.clinic_points_redeemed), (1, 30000))
        self.assertEqual(invoice.amount_total, 2400.0, "2,700.00 at the Gold price less 300.00 of points")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(contract.balance_principal, 0.0, "all the stored value paid")
        self.assertEqual(package_contract.package_line_ids.sessions_remaining, 4, "sessions are not paid here")
        payments = invoice._get_reconciled_payments()
        cash = payments.filtered(lambda payment: payment.journal_id == self.cash_journal)
        self.assertEqual(cash.mapped("amount"), [1400.0], "the rest in cash")
        self.assertEqual(member.points_balance, points_before - 30000 + invoice.clinic_points_earned)

    def test_free_consultation_checked_out_for_nothing_in_chinese(self):
        """A 金卡 member's consultation, one of the four free a year her tier gives, is checked out for 0.00."""
        self.activate_zh_cn()
        self.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        frontdesk = new_test_user(
            self.env,
            "free_tour_frontdesk",
            name="李前台",
            lang="zh_CN",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_user,"
            "account.group_account_invoice",
        )
        gold = self.env.ref("clinic_membership.tier_gold")
        consultation = self.env["product.product"].create(
            {"name": "面诊咨询测试", "type": "service", "list_price": 300.0, "taxes_id": [Command.clear()]}
        )
        gold.benefit_ids = [Command.create({"name": "免费面诊", "product_id": consultation.id, "quantity": 4})]
        member = self.env["res.partner"].create({"name": "钱免费", "phone": "+86 137 0000 3333"})
        member.action_enrol_member()
        member._clinic_set_tier(gold, "manual")
        self.start_tour(
            "/odoo/action-clinic_membership.res_partner_action_clinic_member",
            "clinic_checkout_free_consultation_tour",
            login=frontdesk.login,
        )
        invoice = self.env["account.move"].search([("partner_id", "=", member.id), ("state", "=", "posted")])
        self.assertEqual(invoice.amount_total, 0.0)
        self.assertEqual(invoice.invoice_line_ids.clinic_benefit_id.product_id, consultation)
        self.assertEqual(member._clinic_benefit_quota(consultation, invoice.invoice_date)["left"], 3)
