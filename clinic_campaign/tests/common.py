from contextlib import contextmanager

from odoo import Command, fields
from odoo.addons.clinic_membership.tests.common import ClinicMembershipCase
from odoo.tests import new_test_user


class ClinicCampaignCase(ClinicMembershipCase):
    """Membership set-up plus a consultant, campaign helpers, and the demo campaigns switched off."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        # Demo members would take part in the campaigns under test: they leave.
        cls.env["res.partner"].search([("is_member", "=", True)]).action_leave_membership()
        cls.consultant = new_test_user(
            cls.env,
            "clinic_consultant",
            name="顾问 Consultant",
            email="consultant@example.com",
            groups="base.group_user,clinic_membership.group_clinic_health_own",
        )
        cls.today = fields.Date.context_today(cls.env.user)

    @classmethod
    def create_campaign(cls, campaign_type, **vals):
        return cls.env["utm.campaign"].create(
            {"title": f"Test {campaign_type}", "clinic_campaign_type": campaign_type, **vals}
        )

    @classmethod
    def create_member(cls, name="会员 Test", tier=None, consent=True, **vals):
        vals.setdefault("consultant_id", cls.consultant.id)
        vals.setdefault("consent_email", consent)
        member = super().create_member(name, **vals)
        if tier:
            member.write({"tier_id": tier.id})
        return member

    @classmethod
    def register_payment(cls, invoice):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
            ._create_payments()
        )

    @classmethod
    def create_event(cls, tiers=None, **vals):
        begin = fields.Datetime.now().replace(microsecond=0)
        return cls.env["event.event"].create(
            {
                "name": "会员沙龙 Member salon",
                "date_begin": fields.Datetime.add(begin, days=7),
                "date_end": fields.Datetime.add(begin, days=7, hours=2),
                "allowed_tier_ids": [Command.set(tiers.ids)] if tiers else [],
                **vals,
            }
        )

    def grants(self, campaign, partner=None):
        domain = [("campaign_id", "=", campaign.id)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return self.env["clinic.campaign.grant"].search(domain)

    def campaign_points(self, campaign, partner):
        moves = self.env["clinic.points.move"].search(
            [("campaign_id", "=", campaign.id), ("partner_id", "=", partner.id)]
        )
        return sum(moves.mapped("points"))

    @contextmanager
    def assertRaisesText(self, exception, text):
        """assertRaises (which rolls back what the failed call wrote) and a check of the message."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))
