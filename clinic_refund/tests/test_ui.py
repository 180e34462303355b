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
