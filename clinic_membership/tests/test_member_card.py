from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestMemberCard(ClinicMembershipCase):
    def test_card_shows_number_tier_consultant_and_codes(self):
        member = self.create_member("林小姐", consultant_id=self.manager.id)
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "clinic_membership.report_member_card", member.ids
        )
        html = html.decode()
        self.assertIn(member.member_number, html)
        self.assertIn(member.tier_id.name, html)
        self.assertIn(self.manager.name, html)
        self.assertEqual(html.count("data:image/png;base64"), 2, "a QR code and a barcode")

    def test_no_card_for_non_members(self):
        partner = self.env["res.partner"].create({"name": "Visitor"})
        with self.assertRaisesRegex(UserError, "not a member"):
            self.env["ir.actions.report"]._render_qweb_html("clinic_membership.report_member_card", partner.ids)
