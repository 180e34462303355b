from odoo import api, fields, models
from odoo.addons.clinic_membership.demo.demo_language import demo_language


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    @api.model
    def _clinic_create_demo_data(self):
        # install_mode, as Odoo's loader gives its data records: event registrations then schedule
        # no mail, whose ticket PDFs wkhtmltopdf would render from an Odoo server still installing
        env = demo_language(self.env, "clinic_campaign")
        return self.with_env(env(context=dict(env.context, install_mode=True)))._clinic_demo_campaign_activity()

    @api.model
    def _clinic_demo_campaign_activity(self):
        """Registrations, survey answers and grants of the demo campaigns, for the demo members."""
        salon = self.env.ref("clinic_campaign.event_salon_demo", raise_if_not_found=False)
        if not salon or salon.registration_ids:
            return
        class_event = self.env.ref("clinic_campaign.event_beauty_class_demo")
        survey = self.env.ref("clinic_campaign.survey_satisfaction_demo")
        members = self.env["res.partner"].search([("is_member", "=", True)], order="id")
        for member in members[:6]:
            member.write({"consent_email": True, "email": member.email or f"member{member.id}@example.com"})
        gold = members.filtered(lambda p: p.tier_id in salon.allowed_tier_ids)
        if not gold:  # no invoiced demo members (no chart of accounts): promote two by hand
            gold = members[1:3]
            gold.sudo()._clinic_set_tier(salon.allowed_tier_ids[:1], "manual")
        self.env["event.registration"].create([{"event_id": salon.id, "partner_id": m.id} for m in gold])
        attended = self.env["event.registration"].create(
            [{"event_id": class_event.id, "partner_id": m.id} for m in members[:4]]
        )
        attended.action_set_done()
        campaign = self.env.ref("clinic_campaign.campaign_event_demo")
        for member, (recommend, result) in zip(members[:4], [(10, 9), (9, 8), (7, 8), (4, 5)], strict=False):
            answer = survey.sudo()._create_answer(partner=member, check_attempts=False, campaign_id=campaign.id)
            answer._save_lines(self.env.ref("clinic_campaign.survey_question_recommend_demo"), str(recommend))
            answer._save_lines(self.env.ref("clinic_campaign.survey_question_result_demo"), str(result))
            answer._mark_done()
        self._clinic_demo_invoices(members[:1], gold[:1])
        self._cron_clinic_automations()
        self.search([("clinic_campaign_type", "!=", False)])._clinic_refresh_results()

    @api.model
    def _clinic_demo_invoices(self, patients, gold):
        """A surgery (its follow-up plan is scheduled) and a treatment in the Gold triple-points week."""
        company = self.env.company
        journal = self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        income = journal.default_account_id
        if not journal or not income:
            return
        lines = [(patient, self.env.ref("clinic_membership.product_surgery_eyelid")) for patient in patients] + [
            (member, self.env.ref("clinic_membership.product_treatment_ipl")) for member in gold
        ]
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": fields.Date.context_today(self),
                    "invoice_line_ids": [fields.Command.create({"product_id": product.id, "quantity": 1})],
                }
                for partner, product in lines
            ]
        )
        invoices.action_post()
