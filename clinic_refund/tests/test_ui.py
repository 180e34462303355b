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
        frontdesk = new_test_user(
            self.env, "rf_tour_frontdesk", groups="base.group_user,clinic_membership.group_clinic_user"
        )
        manager = new_test_user(
            self.env, "rf_tour_manager", groups="base.group_user,clinic_membership.group_clinic_manager"
        )
        accountant = new_test_user(
            self.env,
            "rf_tour_accountant",
            groups="base.group_user,clinic_membership.group_clinic_accountant,account.group_account_manager",
        )
        member = self.env["res.partner"].create({"name": "Tour Refund Member 退款"})
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
