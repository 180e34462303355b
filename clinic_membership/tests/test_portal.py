from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestMembershipPortal(HttpCase, ClinicMembershipCase):
    def test_member_sees_own_tier_points_and_card_only(self):
        member = self.create_member("门户会员", email="portal.card@example.com")
        other = self.create_member("别的会员")
        self.create_invoice(member, 1234)
        self.create_invoice(other, 4321)
        self.env["res.users"].create(
            {
                "name": "门户会员",
                "login": "portal_card",
                "password": "portal_card",
                "partner_id": member.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate("portal_card", "portal_card")
        page = self.url_open("/my/membership")
        self.assertEqual(page.status_code, 200)
        self.assertIn(member.member_number, page.text)
        self.assertIn("1,234", page.text, "points read as a number")
        self.assertIn("12.34", page.text, "and as the money they are worth")
        self.assertNotIn("4321", page.text)
        self.assertNotIn("4,321", page.text)
        self.assertEqual(self.url_open("/my/membership/card").status_code, 200)
        home = self.url_open("/my/home")
        self.assertIn("/my/membership", home.text)

    def test_card_is_a_web_page_where_the_server_cannot_print_pdfs(self):
        member = self.create_member("无打印会员", email="portal.nopdf@example.com")
        self.env["res.users"].create(
            {
                "name": "无打印会员",
                "login": "portal_nopdf",
                "password": "portal_nopdf",
                "partner_id": member.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate("portal_nopdf", "portal_nopdf")
        with patch("odoo.addons.base.models.ir_actions_report.wkhtmltopdf_state", "install"):
            card = self.url_open("/my/membership/card")
        self.assertEqual(card.status_code, 200)
        self.assertIn("text/html", card.headers["Content-Type"])
        self.assertIn(member.member_number, card.text)

    def test_non_member_portal_user_gets_404(self):
        partner = self.env["res.partner"].create({"name": "Portal visitor", "email": "visitor@example.com"})
        self.env["res.users"].create(
            {
                "name": "Portal visitor",
                "login": "portal_visitor",
                "password": "portal_visitor",
                "partner_id": partner.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate("portal_visitor", "portal_visitor")
        self.assertEqual(self.url_open("/my/membership").status_code, 404)
