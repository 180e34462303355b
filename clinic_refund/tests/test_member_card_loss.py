"""A lost member card at the desk (法释〔2025〕4号 art. 24): its number opens no checkout and no redemption;
under her new number the member pays and redeems from the same balances, and the GL does not move."""

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestMemberCardLossAtTheDesk(StoredValueCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        cls.partner.action_enrol_member()

    def money(self):
        self.env.invalidate_all()
        return {
            "stored_value": (self.partner.stored_value_balance, self.partner.stored_value_bonus_balance),
            "points": self.partner.points_balance,
            "sessions": self.partner.clinic_sessions_remaining,
            "rows": self.env["clinic.stored.value.move"].search_read([], ["amount_principal", "amount_bonus"]),
            "entries": self.env["account.move"].search_count([]),
            "liability": self.liability_balance(),
        }

    def test_lost_number_refused_at_checkout_and_redemption_balances_untouched(self):
        contract = self.active_contract(principal=3000.0, bonus=500.0)
        package = self.package_contract(self.create_package(), partner=self.partner)
        old = self.partner.member_number
        before = self.money()
        self.partner.with_user(self.frontdesk).with_context(clinic_card_number=old).action_report_card_lost()
        self.assertEqual(self.money(), before, "balances, ledgers and the GL are untouched")
        new = self.partner.member_number

        # the member field of the checkout and of the redemption: the old card's number finds nobody, and says why
        Partner = self.env["res.partner"].with_user(self.frontdesk)
        for model in ("clinic.checkout", "clinic.session.redeem"):
            domain = [("is_member", "=", True)]  # the field's domain, as the form sends it
            with self.assertRaisesRegex(UserError, f"Card {old} was reported lost"):
                Partner.with_context(active_model=model).name_search(old, domain)
            self.assertEqual([row[0] for row in Partner.name_search(new, domain)], self.partner.ids)

        # under her new number she checks out from stored value and redeems a session, as before
        action = Partner.browse(Partner.name_search(new)[0][0]).action_clinic_checkout()
        form = Form(self.env["clinic.checkout"].with_user(self.frontdesk).with_context(**action["context"]))
        with form.line_ids.new() as line:
            line.product_id = self.product
        checkout = form.save()
        self.assertEqual(checkout.contract_id, contract)
        checkout.action_confirm()
        self.assertEqual(contract.balance_principal + contract.balance_bonus, 2500.0)
        self.redeem(package.package_line_ids, 1)
        self.assertEqual(package.package_line_ids.sessions_remaining, 5)
        self.assertReconciled()
