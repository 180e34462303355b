from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestConsultantContact(HttpCase, ClinicMembershipCase):
    """The member reaches her consultant from her portal page and her card: only what the consultant publishes."""

    def test_member_sees_how_to_reach_her_consultant_and_nothing_else(self):
        self.company.phone = "021-5555 0000"
        consultant = new_test_user(
            self.env,
            "card_consultant",
            name="王顾问",
            email="wang@clinic.example",
            groups="base.group_user,clinic_membership.group_clinic_user",
        )
        consultant.partner_id.mobile = "135 5555 6666"  # her own phone, never shown to members
        # a consultant publishes her work phone and WeChat herself, in her preferences
        consultant.with_user(consultant).write(
            {"clinic_contact_phone": "138 0013 8000", "clinic_contact_wechat": "wang_clinic"}
        )
        other_consultant = new_test_user(
            self.env, "card_consultant_2", name="李顾问", groups="base.group_user,clinic_membership.group_clinic_user"
        )
        with self.assertRaises(AccessError):
            other_consultant.with_user(consultant).write({"clinic_contact_phone": "138 0000 0000"})
        member = self.create_member("门户会员", email="portal.consultant@example.com", consultant_id=consultant.id)
        other = self.create_member("别的会员", consultant_id=other_consultant.id)
        self.env["res.users"].create(
            {
                "name": "门户会员",
                "login": "portal_consultant",
                "password": "portal_consultant",
                "partner_id": member.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate("portal_consultant", "portal_consultant")
        page = self.url_open("/my/membership").text
        for shown in ("王顾问", "138 0013 8000", 'href="tel:13800138000"', "wang_clinic", "wang@clinic.example"):
            self.assertIn(shown, page)
        for hidden in ("135 5555 6666", "李顾问", other.member_number):
            self.assertNotIn(hidden, page)
        card = self.env["ir.actions.report"]._render_qweb_html("clinic_membership.report_member_card", member.ids)[0]
        self.assertIn("138 0013 8000", card.decode())
        # a consultant who gives no phone: the member calls the clinic
        consultant.clinic_contact_phone = False
        contact = member._clinic_consultant_contact()
        self.assertEqual((contact["phone"], contact["phone_href"]), ("021-5555 0000", "tel:02155550000"))
