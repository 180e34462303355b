from odoo import Command
from odoo.tests import tagged

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestNewsletter(ClinicCampaignCase):
    def contact(self, member):
        return self.env["mailing.contact"].search([("clinic_partner_id", "=", member.id)])

    def lists(self, member, opted_out=False):
        subscriptions = self.contact(member).subscription_ids.filtered(lambda s: s.opt_out == opted_out)
        return subscriptions.list_id

    def test_consenting_member_on_its_tier_list(self):
        member = self.create_member("林 Lin", tier=self.tier_gold)
        gold_list = self.tier_gold.mailing_list_id
        self.assertTrue(gold_list)
        self.assertEqual(self.lists(member), gold_list)

    def test_member_without_consent_is_not_on_a_list(self):
        member = self.create_member("黄 Huang", consent=False)
        self.assertFalse(self.lists(member))
        member.consent_email = True
        self.assertEqual(self.lists(member), self.tier_regular.mailing_list_id)
        member.consent_email = False
        self.assertFalse(self.lists(member))

    def test_tier_change_moves_the_member(self):
        member = self.create_member("升 Up")
        member.write({"tier_id": self.tier_silver.id})
        self.assertEqual(self.lists(member), self.tier_silver.mailing_list_id)
        member.action_leave_membership()
        self.assertFalse(self.lists(member))

    def test_unsubscribe_is_honoured(self):
        member = self.create_member("退 Out")
        subscription = self.contact(member).subscription_ids
        subscription.opt_out = True
        member._clinic_sync_mailing_lists()
        self.assertTrue(subscription.exists() and subscription.opt_out)
        member.write({"tier_id": self.tier_gold.id})
        self.assertFalse(self.lists(member), "opted out of the next tier list too")
        self.assertEqual(
            self.lists(member, opted_out=True), self.tier_regular.mailing_list_id | self.tier_gold.mailing_list_id
        )

    def test_mailing_skips_and_counts_members_without_consent(self):
        consenting = self.create_member("同意 Yes", email="yes@example.com")
        refusing = self.create_member("拒绝 No", email="no@example.com", consent=False)
        contact_list = self.tier_regular._clinic_ensure_mailing_list()
        # Someone subscribed the refusing member by hand: the mailing still skips them.
        manual = (
            self.env["mailing.contact"]
            .sudo()
            .create(
                {
                    "name": refusing.name,
                    "email": refusing.email,
                    "clinic_partner_id": refusing.id,
                    "list_ids": [Command.link(contact_list.id)],
                }
            )
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Newsletter",
                "body_html": "<p>Hello</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [Command.link(contact_list.id)],
            }
        )
        recipients = mailing._get_remaining_recipients()
        self.assertIn(self.contact(consenting).id, recipients)
        self.assertNotIn(manual.id, recipients)
        self.assertEqual(mailing.clinic_skipped_count, 1)
        partner_mailing = self.env["mailing.mailing"].create(
            {
                "subject": "To contacts",
                "body_html": "<p>Hello</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", (consenting | refusing).ids)]),
            }
        )
        self.assertEqual(partner_mailing._get_remaining_recipients(), consenting.ids)
        self.assertEqual(partner_mailing.clinic_skipped_count, 1)

    def test_sync_cron_is_idempotent(self):
        member = self.create_member("同步 Sync")
        Partner = self.env["res.partner"]
        Partner._cron_clinic_sync_mailing_lists()
        Partner._cron_clinic_sync_mailing_lists()
        self.assertEqual(len(self.contact(member)), 1)
        self.assertEqual(len(self.contact(member).subscription_ids), 1)

    def test_newsletter_campaign_counts_mailed_and_skipped(self):
        campaign = self.create_campaign("newsletter")
        self.create_member("甲 A", email="a@example.com")
        self.create_member("乙 B", email="b@example.com")
        refusing = self.create_member("丙 C", email="c@example.com", consent=False)
        contact_list = self.tier_regular._clinic_ensure_mailing_list()
        self.env["mailing.contact"].sudo().create(
            {
                "name": refusing.name,
                "email": refusing.email,
                "clinic_partner_id": refusing.id,
                "list_ids": [Command.link(contact_list.id)],
            }
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "月刊 Monthly",
                "body_html": "<p>Hello</p>",
                "campaign_id": campaign.id,
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [Command.link(contact_list.id)],
            }
        )
        mailing.action_send_mail()
        traces = self.env["mailing.trace"].search([("mass_mailing_id", "=", mailing.id)])
        self.assertEqual(sorted(traces.mapped("email")), ["a@example.com", "b@example.com"])
        campaign._clinic_refresh_results()
        self.assertEqual((campaign.clinic_reached_count, campaign.clinic_skipped_count), (2, 1))
