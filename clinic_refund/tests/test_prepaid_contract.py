from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestPrepaidContract(StoredValueCase):
    def test_number_and_terms_copied_from_template(self):
        self.template.write({"refund_fee_percent": 8.0, "consumption_order": "bonus_first", "cooling_off_days": 10})
        contract = self.create_contract()
        self.assertTrue(contract.name.startswith("PC/"))
        self.assertEqual(contract.state, "draft")
        self.assertEqual(contract.cooling_off_days, 10)
        self.assertEqual(contract.refund_fee_percent, 8.0)
        self.assertEqual(contract.bonus_policy, self.template.bonus_policy)
        self.assertEqual(contract.consumed_pricing, self.template.consumed_pricing)
        self.assertEqual(contract.consumption_order, "bonus_first")
        self.assertEqual(contract.terms_version, self.template.version)
        self.assertIn("Cooling-off", contract.terms)
        # A later change of the template does not touch the copy on the contract.
        self.template.refund_fee_percent = 20.0
        self.assertEqual(contract.refund_fee_percent, 8.0)

    def test_form_defaults_to_a_template(self):
        form = Form(self.env["clinic.prepaid.contract"])
        form.partner_id = self.partner
        form.amount_principal = 5000
        contract = form.save()
        self.assertTrue(contract.template_id)
        self.assertEqual(contract.cooling_off_days, contract.template_id.cooling_off_days)

    def test_terms_frozen_after_signing(self):
        contract = self.create_contract()
        contract.refund_fee_percent = 3.0  # draft: still negotiable
        self.upload_scan(contract)
        with self.assertRaisesRegex(UserError, "frozen"):
            contract.refund_fee_percent = 0.0
        with self.assertRaisesRegex(UserError, "frozen"):
            contract.amount_principal = 1.0
        self.assertEqual(contract.refund_fee_percent, 3.0)

    def test_status_and_balances_only_change_through_actions_and_ledger(self):
        contract = self.active_contract()
        for user in (self.env.ref("base.user_admin"), self.frontdesk, self.manager):
            with self.assertRaisesRegex(UserError, "only change through its actions"):
                contract.with_user(user).write({"state": "draft"})
            with self.assertRaisesRegex(UserError, "only change through its actions"):
                self.create_contract().with_user(user).write({"state": "active"})
            with self.assertRaisesRegex(UserError, "only change through its actions"):
                contract.with_user(user).write({"balance_principal": 1000000.0})
            with self.assertRaisesRegex(UserError, "only change through its actions"):
                self.create_contract().with_user(user).write({"name": "PC/FORGED"})
        self.assertEqual((contract.state, contract.balance_principal), ("active", 3000.0))
        Contracts = self.env["clinic.prepaid.contract"].with_user(self.manager)
        for forged in ({"state": "active"}, {"signed_sha256": "0" * 64}, {"name": "PC/CHOSEN"}):
            with self.assertRaisesRegex(UserError, "only change through its actions"):
                Contracts.create({"partner_id": self.partner.id, "amount_principal": 1000.0, **forged})

    def test_contract_in_another_currency_is_refused(self):
        usd = self.env.ref("base.USD")
        with self.assertRaisesRegex(ValidationError, "must be in CNY"):
            self.create_contract(currency_id=usd.id)
        self.assertFalse(self.env["clinic.prepaid.contract"].search([("partner_id", "=", self.partner.id)]))

    def test_negative_or_overprecise_amounts_are_refused(self):
        Contracts = self.env["clinic.prepaid.contract"].with_user(self.manager)
        draft = {"partner_id": self.partner.id, "template_id": self.template.id, "amount_bonus": 0.0}
        with self.assertRaises(ValidationError):
            Contracts.create({**draft, "amount_principal": -100.0})
        with self.assertRaisesRegex(ValidationError, "more decimals"):
            Contracts.create({**draft, "amount_principal": 100.001})
        with self.assertRaises(ValidationError):
            Contracts.create({**draft, "amount_principal": 100.0, "refund_fee_percent": 120.0})

    def test_states_activate_close_terminate(self):
        contract = self.create_contract(bonus=500.0, consumption_order="principal_first")
        with self.assertRaisesRegex(UserError, "Only a signed contract"):
            contract.action_activate()
        self.upload_scan(contract)
        contract.action_activate()
        self.assertEqual(contract.state, "active")
        self.topup(contract)
        invoice = self.create_invoice(3000.0)
        self.pay(invoice, amount=3000.0)
        self.assertEqual((contract.balance_principal, contract.balance_bonus), (0.0, 500.0))
        with self.assertRaisesRegex(UserError, "Clinic Manager"):
            contract.with_user(self.frontdesk).action_close()
        contract.with_user(self.manager).action_close()
        self.assertEqual(contract.state, "closed")
        forfeit = contract.move_ids.filtered(lambda r: r.move_type == "forfeit")
        self.assertEqual((forfeit.amount_principal, forfeit.amount_bonus), (0.0, -500.0))
        self.assertFalse(forfeit.account_move_id, "bonus is sub-ledger only")
        self.assertEqual(contract.balance_bonus, 0.0)

    def test_close_with_principal_left_is_refused(self):
        contract = self.active_contract()
        with self.assertRaisesRegex(UserError, "refund it before"):
            contract.with_user(self.manager).action_close()
        with self.assertRaisesRegex(UserError, "still holds stored value"):
            contract.with_user(self.manager).action_terminate()
        self.assertEqual(contract.state, "active")

    def test_terminate_unsigned_and_delete_draft(self):
        contract = self.create_contract()
        contract.with_user(self.manager).action_terminate()
        self.assertEqual(contract.state, "terminated")
        with self.assertRaises(UserError):
            contract.unlink()
        draft = self.create_contract()
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_template_new_version(self):
        template = self.template.copy({"name": "VIP card", "version": "2.0"})
        action = template.action_new_version()
        new_template = self.env["clinic.contract.template"].browse(action["res_id"])
        self.assertEqual(new_template.version, "3.0")
        self.assertFalse(template.active)
        self.assertEqual(new_template.terms, template.terms)
        with self.assertRaises(ValidationError):
            new_template.refund_fee_percent = -1

    def test_print_contract_renders_terms(self):
        contract = self.create_contract()
        html = self.env["ir.actions.report"]._render_qweb_html(
            "clinic_refund.action_report_prepaid_contract", contract.ids
        )[0]
        self.assertIn(contract.name.encode(), html)
        self.assertIn(b"Cooling-off", html)
