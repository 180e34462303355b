"""Member benefits at the checkout: free while the member has some left this period, the rest at her tier price."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestCheckoutBenefit(StoredValueCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        cls.partner.action_enrol_member()
        cls.partner._clinic_set_tier(cls.env.ref("clinic_membership.tier_gold"), "manual")
        cls.consultation = cls.env["product.product"].create(
            {"name": "Consultation", "type": "service", "list_price": 500.0, "taxes_id": [Command.clear()]}
        )
        cls.benefit = cls.env["clinic.membership.benefit"].create(
            {
                "tier_id": cls.env.ref("clinic_membership.tier_gold").id,
                "name": "Free consultation",
                "product_id": cls.consultation.id,
                "quantity": 4,
            }
        )

    def checkout(self, quantity):
        action = self.partner.with_user(self.frontdesk).action_clinic_checkout()
        form = Form(self.env["clinic.checkout"].with_user(self.frontdesk).with_context(**action["context"]))
        with form.line_ids.new() as line:
            line.product_id = self.consultation
            line.quantity = quantity
        return form.save()

    def confirm(self, wizard):
        wizard.journal_id = self.cash_journal
        return self.env["account.move"].browse(wizard.action_confirm()["res_id"])

    def test_the_fifth_consultation_of_a_gold_member_is_charged_at_her_tier_price(self):
        for _i in range(3):
            wizard = self.checkout(1)
            self.assertEqual((wizard.line_ids.benefit_quantity, wizard.amount_total), (1, 0.0))
            self.assertEqual(wizard.line_ids.benefit_label, "Free consultation (Gold benefit)")
            invoice = self.confirm(wizard)
            self.assertEqual((invoice.state, invoice.amount_total), ("posted", 0.0))
            self.assertEqual(invoice.invoice_line_ids.clinic_benefit_id, self.benefit)
        wizard = self.checkout(2)  # the fourth free, the fifth at the Gold price
        self.assertEqual((wizard.line_ids.benefit_quantity, wizard.line_ids.price_unit), (1, 450.0))
        self.assertEqual(wizard.amount_total, 450.0)
        invoice = self.confirm(wizard)
        lines = invoice.invoice_line_ids.sorted("sequence")
        self.assertEqual(
            [(line.quantity, line.price_unit, line.clinic_benefit_id) for line in lines],
            [(1.0, 0.0, self.benefit), (1.0, 450.0, self.env["clinic.membership.benefit"])],
        )
        self.assertEqual(lines[0].name, "Free consultation (Gold benefit)")
        self.assertEqual(invoice.amount_total, 450.0)
        wizard = self.checkout(1)
        self.assertEqual((wizard.line_ids.benefit_quantity, wizard.amount_total), (0, 450.0))
        self.assertFalse(self.confirm(wizard).invoice_line_ids.clinic_benefit_id)
        used = self.env["clinic.benefit.move"].search([("partner_id", "=", self.partner.id)])
        self.assertEqual(sum(used.mapped("quantity")), 4)

    def test_the_screen_gives_no_benefit(self):
        wizard = self.checkout(1)
        for forged in ({"benefit_quantity": 5}, {"benefit_id": self.benefit.id}):
            with self.subTest(forged=forged), self.assertRaises(AccessError):
                wizard.line_ids.with_user(self.frontdesk).write(forged)
            with self.subTest(forged=forged), self.assertRaises(AccessError):
                self.env["clinic.checkout.line"].with_user(self.frontdesk).create(
                    {"checkout_id": wizard.id, "product_id": self.consultation.id, **forged}
                )
        self.assertFalse(self.env["clinic.benefit.move"].search([("partner_id", "=", self.partner.id)]))
