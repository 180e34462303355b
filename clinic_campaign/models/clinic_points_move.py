from odoo import api, fields, models


class ClinicPointsMove(models.Model):
    _inherit = "clinic.points.move"

    clinic_event_id = fields.Many2one(
        "event.event", string="Event", ondelete="set null", index="btree_not_null", readonly=True
    )

    @api.model
    def _get_earn_multiplier(self, partner, date):
        """The best double-points or member-day campaign running for the member's tier on ``date``."""
        multiplier, campaign = super()._get_earn_multiplier(partner, date)
        running = self.env["utm.campaign"].sudo()._clinic_running(["double_points", "member_day"], date)
        for candidate in running:
            if candidate.clinic_campaign_type == "member_day" and candidate.member_day_of_month != date.day:
                continue
            if candidate._clinic_targets(partner) and candidate.points_multiplier > multiplier:
                multiplier, campaign = candidate.points_multiplier, candidate
        return multiplier, campaign
