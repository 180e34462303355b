"""Member segments (RFM) scored every night in one statement, and the monthly snapshot (issue 22)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestMemberSegments(ClinicMembershipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.Partner = cls.env["res.partner"]

    def member(self, name, visits=(), amount=100.0, joined_days_ago=400, tier=None):
        partner = self.create_member(name)
        for days_ago in visits:
            self.create_invoice(partner, amount, date=self.today - timedelta(days=days_ago))
        partner.flush_recordset()
        self.env.cr.execute(
            "UPDATE res_partner SET member_since = %s, tier_id = COALESCE(%s, tier_id) WHERE id = %s",
            [self.today - timedelta(days=joined_days_ago), tier and tier.id, partner.id],
        )
        partner.invalidate_recordset(["member_since", "tier_id"])
        return partner

    def test_members_fall_into_the_segments_a_clinic_understands(self):
        champion = self.member("高价值 Champion", visits=(3, 20, 40, 60, 80, 100, 120), amount=50000.0)
        at_risk = self.member("流失风险 At risk", visits=(95, 110, 130, 150, 170, 190), amount=40000.0)
        attention = self.member("需唤醒 Attention", visits=(100,), amount=1.0)
        dormant = self.member("沉睡 Dormant", visits=(200,), amount=1.0)
        never = self.member("从未到店 Never came")
        new = self.member("新会员 New", joined_days_ago=10)
        self.tier_gold.dormant_days = 90  # a Gold member is dormant sooner
        gold = self.member("金卡沉睡 Gold dormant", visits=(100,), amount=1.0, tier=self.tier_gold)
        refunded = self.member("退款 Refunded", visits=(10,), amount=300.0)
        self.credit_note(refunded.invoice_ids[0], 100.0)

        changed = self.Partner._clinic_score_segments(self.company, self.today)
        members = champion | at_risk | attention | dormant | never | new | gold | refunded
        self.assertLessEqual(set(members.ids), set(changed))
        self.assertEqual(
            {partner.name: partner.clinic_segment for partner in members},
            {
                champion.name: "champion",
                at_risk.name: "at_risk",
                attention.name: "attention",
                dormant.name: "dormant",
                never.name: "dormant",
                new.name: "new",
                gold.name: "dormant",
                refunded.name: "active",
            },
        )
        self.assertEqual((champion.clinic_visit_count, champion.clinic_net_revenue), (7, 350000.0))
        self.assertEqual(
            (refunded.clinic_visit_count, refunded.clinic_net_revenue), (1, 200.0), "credit notes deducted"
        )
        self.assertEqual(dormant.clinic_segment_date, self.today)
        self.assertEqual(self.Partner._clinic_score_segments(self.company, self.today), [], "only changes written")

        # the month's snapshot counts the members and their month's visits by tier and segment
        snapshot = self.env["clinic.segment.snapshot"].search(
            [("company_id", "=", self.company.id), ("month", "=", self.today.replace(day=1))]
        )
        self.assertEqual(
            sum(snapshot.mapped("member_count")),
            self.Partner.search_count([("is_member", "=", True), ("member_company_id", "=", self.company.id)]),
        )
        dormant_gold = snapshot.filtered(lambda row: row.tier_id == self.tier_gold and row.segment == "dormant")
        self.assertGreaterEqual(dormant_gold.member_count, 1)
        month_revenue = sum(
            self.env["account.move"]
            .search(
                [
                    ("company_id", "=", self.company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", self.today.replace(day=1)),
                    ("commercial_partner_id.is_member", "=", True),
                    ("commercial_partner_id.member_company_id", "=", self.company.id),
                ]
            )
            .mapped("amount_untaxed_signed")
        )
        self.assertAlmostEqual(sum(snapshot.mapped("revenue")), month_revenue, places=2)

    def test_nobody_writes_a_segment_and_only_managers_read_the_snapshot(self):
        member = self.member("会员 Segment", visits=(5,))
        self.Partner._clinic_score_segments(self.company, self.today)
        before = member.clinic_segment
        for user in (self.frontdesk, self.manager):
            with self.assertRaises(UserError):
                member.with_user(user).write({"clinic_segment": "champion"})
        self.assertEqual(member.clinic_segment, before)
        self.env["clinic.segment.snapshot"].with_user(self.manager).search([])
        with self.assertRaises(AccessError):
            self.env["clinic.segment.snapshot"].with_user(self.frontdesk).search([])
