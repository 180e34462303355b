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
