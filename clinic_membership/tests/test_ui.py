from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import pause_clinic_campaigns


@tagged("post_install", "-at_install")
class TestClinicUi(HttpCase):
    def test_manager_opens_clinic_app(self):
        new_test_user(self.env, "tour_manager", groups="base.group_user,clinic_membership.group_clinic_manager")
        self.start_tour("/odoo", "clinic_membership_menu_tour", login="tour_manager")

    def test_enrol_post_invoice_see_tier_and_points(self):
        new_test_user(
            self.env,
            "tour_frontdesk",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_user,"
            "account.group_account_invoice",
        )
        self.env.company.clinic_upgrade_trigger = "posted"
        pause_clinic_campaigns(self.env)
        client = self.env["res.partner"].create({"name": "Tour client", "email": "tour.client@example.com"})
        product = self.env["product.product"].create(
            {"name": "Thermage", "type": "service", "taxes_id": [Command.clear()]}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": client.id,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "price_unit": 12000, "tax_ids": [Command.clear()]})
                ],
            }
        )
        self.start_tour(f"/odoo/res.partner/{client.id}", "clinic_membership_enrol_tour", login="tour_frontdesk")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(client.tier_id, self.env.ref("clinic_membership.tier_silver"))
        self.assertEqual(client.points_balance, 12000)
