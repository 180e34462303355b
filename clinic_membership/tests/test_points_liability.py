"""The points liability: each member's balance at the point value, and what expires next month."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestPointsLiability(ClinicMembershipCase):
    def earn(self, member, points, expires_on):
        return self.env["clinic.points.move"]._clinic_record(
            [{"partner_id": member.id, "move_type": "earn", "points": points, "expiry_date": expires_on}]
        )

    def test_liability_is_the_ledger_at_the_point_value_and_what_expires_next_month(self):
        today = fields.Date.context_today(self.env.user)
        next_month = today.replace(day=1) + relativedelta(months=1, days=9)
        later = today + relativedelta(years=1, months=2)
        member = self.create_member("积分负债 Test")
        self.earn(member, 1000, next_month)
        self.earn(member, 500, later)
        self.env["clinic.points.move"]._clinic_record(
            [{"partner_id": member.id, "move_type": "redeem", "points": -300, "source_ref": "gift"}]
        )  # taken from the lot that expires first
        Liability = self.env["clinic.points.liability"].with_user(self.manager)
        row = Liability.search([("partner_id", "=", member.id)])
        self.assertEqual((row.points_balance, row.points_expiring), (1200, 700))
        self.assertEqual((row.points_value, row.value_expiring), (12.0, 7.0), "at 0.01 a point")
        self.assertEqual(row.tier_id, member.tier_id)

        totals = Liability._read_group([("company_id", "=", self.company.id)], [], ["points_balance:sum"])[0][0]
        ledger = self.env["clinic.points.move"]._read_group([("company_id", "=", self.company.id)], [], ["points:sum"])[
            0
        ][0]
        self.assertEqual(totals, ledger, "the liability adds up to the points ledger")

    def test_only_managers_and_accountants_read_it(self):
        accountant = new_test_user(self.env, login="pl_accountant", groups="clinic_membership.group_clinic_accountant")
        for user in (self.manager, accountant):
            self.env["clinic.points.liability"].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.env["clinic.points.liability"].with_user(self.frontdesk).search([])
