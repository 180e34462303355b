from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.clinic_membership.demo.demo_language import demo_language

DEMO_ROSTER_DAYS = 14


class ClinicEmergency(models.Model):
    _inherit = "clinic.emergency"

    @api.model
    def _clinic_create_demo_data(self):
        """The demo doctor on call for the coming two weeks, and one urgent case waiting for an answer."""
        env = demo_language(self.env, "clinic_campaign")
        company = env.ref("base.main_company")
        doctor = env.ref("clinic_membership.user_clinic_doctor", raise_if_not_found=False)
        if not doctor:
            return
        Roster = env["clinic.duty.roster"]
        today = Roster._clinic_today(company)
        planned = set(Roster.search([("company_id", "=", company.id)]).mapped("date"))
        days = [today + timedelta(days=offset) for offset in range(DEMO_ROSTER_DAYS)]
        Roster.create(
            [{"date": day, "doctor_id": doctor.id, "company_id": company.id} for day in days if day not in planned]
        )
        member = env.ref("clinic_membership.partner_member_portal", raise_if_not_found=False)
        if member and member.is_member and not self.search_count([("partner_id", "=", member.id)]):
            self.with_env(env)._clinic_open(
                member,
                "热玛吉治疗后第二天，右侧脸颊出现红肿和水泡，疼痛加重，冰敷后没有缓解。",
                date_onset=fields.Datetime.now() - timedelta(hours=3),
                channel="portal",
            )
