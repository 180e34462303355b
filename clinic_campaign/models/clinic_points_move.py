from odoo import api, fields, models


class ClinicPointsMove(models.Model):
    _inherit = "clinic.points.move"

    clinic_event_id = fields.Many2one(
        "event.event", string="Event", ondelete="set null", index="btree_not_null", readonly=True
    )

    @api.model
    def _get_earn_multipliers(self, requests):
        """The best multiplier campaign of each (partner, date), the running campaigns searched once per date."""
        results = super()._get_earn_multipliers(requests)
        running_by_date = {}
        for index, (partner, date) in enumerate(requests):
            if date not in running_by_date:
                running_by_date[date] = (
                    self.env["utm.campaign"].sudo()._clinic_running(["double_points", "member_day"], date)
                )
            multiplier, campaign = results[index]
            for candidate in running_by_date[date]:
                if candidate.clinic_campaign_type == "member_day" and candidate.member_day_of_month != date.day:
                    continue
                if candidate._clinic_targets(partner) and candidate.points_multiplier > multiplier:
                    multiplier, campaign = candidate.points_multiplier, candidate
            results[index] = (multiplier, campaign)
        return results
