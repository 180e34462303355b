from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestMemberCorrection(ClinicMembershipCase):
    def _correct(self, member, user, **vals):
        form = Form(self.env["clinic.member.correction"].with_user(user).with_context(default_partner_id=member.id))
        for name, value in vals.items():
            setattr(form, name, value)
        return form.save().action_confirm()

    def test_an_administrator_corrects_a_member_with_a_trace(self):
        member = self.create_member("更正 Correction")
        admin = self.env.ref("base.user_admin")
        wrong_number = member.member_number
        self._correct(
            member, admin, member_number="M-LEGACY-0042", member_since="2019-05-01", reason="纸质会员卡号录入错误"
        )
        self.assertEqual((member.member_number, str(member.member_since)), ("M-LEGACY-0042", "2019-05-01"))
        trace = member.message_ids[:1]
        self.assertIn("纸质会员卡号录入错误", trace.body)
        self.assertIn(wrong_number, trace.body)
        self.assertIn("M-LEGACY-0042", trace.body)
        self.assertEqual(trace.author_id, admin.partner_id)

    def test_only_an_administrator_corrects_and_the_fields_stay_closed_to_writes(self):
        member = self.create_member("更正 Refused")
        number = member.member_number
        for user in (self.frontdesk, self.manager):
            with self.assertRaises(AccessError):
                self._correct(member, user, member_number="M-FORGED", reason="x")
            with self.assertRaises(AccessError):
                member.with_user(user).write({"member_number": "M-FORGED"})
        with self.assertRaises(AccessError):
            member.with_user(self.env.ref("base.user_admin")).write({"member_number": "M-FORGED"})
        self.assertEqual(member.member_number, number)

    def test_a_correction_keeps_numbers_unique_and_dates_real(self):
        first, second = self.create_member("更正 One"), self.create_member("更正 Two")
        admin = self.env.ref("base.user_admin")
        with self.assertRaisesRegex(UserError, "already another member's"):
            self._correct(second, admin, member_number=first.member_number, reason="duplicate")
        with self.assertRaisesRegex(UserError, "day that has come"):
            self._correct(
                second, admin, member_since=fields.Date.add(fields.Date.context_today(admin), days=30), reason="typo"
            )
