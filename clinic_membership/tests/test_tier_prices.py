"""Members pay their tier's price on every customer invoice line, as Odoo's sale does with pricelists."""

from odoo import Command
from odoo.tests import Form, tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestTierPrices(ClinicMembershipCase):
    def invoice_form(self, partner, product=None, quantity=1):
        form = Form(self.env["account.move"].with_user(self.frontdesk).with_context(default_move_type="out_invoice"))
        form.partner_id = partner
        with form.invoice_line_ids.new() as line:
            line.product_id = product or self.treatment
            line.quantity = quantity
        return form

    def test_each_tier_pays_its_price(self):
        for tier, expected in (
            (self.tier_regular, 1000.0),
            (self.tier_silver, 950.0),
            (self.tier_gold, 900.0),
            (self.tier_diamond, 850.0),
        ):
            with self.subTest(tier=tier.name):
                member = self.create_member(f"Tier {tier.name}")
                if tier != member.tier_id:
                    member._clinic_set_tier(tier, "manual")
                invoice = self.invoice_form(member).save()
                line = invoice.invoice_line_ids
                self.assertEqual((line.price_unit, line.clinic_list_price), (expected, 1000.0))

    def test_walk_in_clients_and_former_members_pay_the_list_price(self):
        walk_in = self.env["res.partner"].create({"name": "Walk-in"})
        self.assertEqual(self.invoice_form(walk_in).save().invoice_line_ids.price_unit, 1000.0)
        member = self.create_member("Gold who left")
        member._clinic_set_tier(self.tier_gold, "manual")
        member.action_leave_membership()
        self.assertEqual(self.invoice_form(member).save().invoice_line_ids.price_unit, 1000.0)

    def test_a_tier_change_prices_the_next_lines(self):
        member = self.create_member("Climbing member")
        draft = self.invoice_form(member).save()
        self.assertEqual(draft.invoice_line_ids.price_unit, 1000.0)
        member._clinic_set_tier(self.tier_gold, "upgrade")
        self.assertEqual(draft.invoice_line_ids.price_unit, 1000.0, "a line already priced keeps its price")
        self.assertEqual(self.invoice_form(member).save().invoice_line_ids.price_unit, 900.0)

    def test_a_product_outside_the_tier_rules_keeps_its_list_price(self):
        gold_rules = self.tier_gold.pricelist_id.item_ids
        gold_rules.write({"applied_on": "0_product_variant", "product_id": self.treatment.id})
        other = self.env["product.product"].create({"name": "Cream", "type": "consu", "list_price": 200.0})
        member = self.create_member("Gold shopper")
        member._clinic_set_tier(self.tier_gold, "manual")
        self.assertEqual(self.invoice_form(member, other).save().invoice_line_ids.price_unit, 200.0)
        self.assertEqual(self.invoice_form(member).save().invoice_line_ids.price_unit, 900.0)

    def test_a_price_with_tax_included_gets_the_same_discount(self):
        vat = self.env["account.tax"].create(
            {"name": "VAT 6% incl.", "amount": 6.0, "price_include_override": "tax_included"}
        )
        product = self.env["product.product"].create(
            {"name": "Laser", "type": "service", "list_price": 1060.0, "taxes_id": [Command.set(vat.ids)]}
        )
        member = self.create_member("Silver laser")
        member._clinic_set_tier(self.tier_silver, "manual")
        line = self.invoice_form(member, product).save().invoice_line_ids
        self.assertEqual(line.price_unit, 1007.0)
        self.assertAlmostEqual(line.price_total, 1007.0)
