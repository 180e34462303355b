from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestStoredValueSecurity(StoredValueCase):
    def test_frontdesk_records_topups_and_payments(self):
        contract = self.create_contract()
        as_frontdesk = self.env(user=self.frontdesk)
        scan = as_frontdesk["clinic.contract.scan.upload"].create(
            {"contract_id": contract.id, "scan_file": "JVBERi0xLjQ=", "scan_filename": "scan.pdf"}
        )
        scan.action_confirm()
        contract.with_user(self.frontdesk).action_activate()
        as_frontdesk["clinic.stored.value.topup"].create(
            {"contract_id": contract.id, "journal_id": self.bank_journal.id}
        ).action_confirm()
        invoice = self.create_invoice(500.0)
        as_frontdesk["clinic.stored.value.pay"].create({"invoice_id": invoice.id}).action_confirm()
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (2625.0, 875.0))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        with self.assertRaises(AccessError):
            as_frontdesk["clinic.stored.value.reconciliation"].create({})

    def test_portal_sees_own_contracts_but_no_evidence(self):
        portal = new_test_user(self.env, "sv_portal", groups="base.group_portal")
        own = self.create_contract(partner=portal.partner_id)
        self.upload_scan(own)
        self.create_contract()
        visible = self.env["clinic.prepaid.contract"].with_user(portal).search([])
        self.assertEqual(visible, own)
        self.assertEqual(visible.state, "signed")
        with self.assertRaises(AccessError):
            own.with_user(portal).read(["signed_file"])
        with self.assertRaises(AccessError):
            own.with_user(portal).write({"note": "mine"})
        with self.assertRaises(AccessError):
            self.env["ir.attachment"].with_user(portal).search([("res_model", "=", own._name)])

    def test_other_company_contracts_are_hidden(self):
        branch = self.env["res.company"].create({"name": "Branch B", "currency_id": self.currency.id})
        hidden = self.create_contract(company_id=branch.id)
        user = new_test_user(self.env, "sv_user_main", groups="clinic_membership.group_clinic_user")
        self.assertNotIn(hidden, self.env["clinic.prepaid.contract"].with_user(user).search([]))

    def test_plain_employee_has_no_access(self):
        employee = new_test_user(self.env, "sv_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["clinic.stored.value.move"].with_user(employee).search([])
