"""clinic_campaign with clinic_membership: campaign benefits across enrolment, earning, payment and credit notes."""

from datetime import timedelta

from odoo import Command
from odoo.addons.clinic_campaign.tests.common import ClinicCampaignCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestCampaignScenarios(ClinicCampaignCase):
    def test_referred_member_through_a_procedure(self):
        start, end = self.today - timedelta(days=1), self.today + timedelta(days=1)
        welcome = self.create_campaign("welcome", bonus_points=500, date_start=start)
        triple = self.create_campaign("double_points", points_multiplier=3, date_start=start, date_end=end)
        referral = self.create_campaign("referral", bonus_points=2000)
        plan = self.env["clinic.followup.plan"].create(
            {"name": "Rhinoplasty follow-up", "step_ids": [Command.create({"name": "Day-1 call", "day_offset": 1})]}
        )
        self.treatment.product_tmpl_id.write({"clinic_is_procedure": True, "clinic_followup_plan_id": plan.id})
        referrer = self.create_member("老会员 Referrer")
        member = self.create_member("新会员 Newcomer", referred_by_id=referrer.id)
        self.assertEqual(self.campaign_points(welcome, member), 500)

        rate = member.tier_id.points_per_unit  # the rate of the tier when the invoice earns
        invoice = self.create_invoice(member, 10000)
        self.assertEqual(invoice.clinic_points_earned, int(30000 * rate))
        self.assertEqual(invoice.clinic_points_move_ids.campaign_id, triple)
        self.assertEqual(len(invoice.clinic_followup_task_ids), 1)

        self.register_payment(invoice)
        self.assertEqual(self.campaign_points(referral, referrer), 2000)

        self.credit_note(invoice)
        self.assertBalanceIsLedger(member, 500)
        (welcome | triple | referral)._clinic_refresh_results()
        self.assertEqual(triple.clinic_points_issued, 0, "the credit note claws back the tripled points")
        self.assertEqual((welcome.clinic_points_issued, referral.clinic_points_issued), (1000, 2000))  # two enrolments
        self.assertEqual(triple.clinic_participant_count, 1)
        self.assertEqual(self.campaign_points(referral, referrer), 2000, "a referral once paid stays granted")
