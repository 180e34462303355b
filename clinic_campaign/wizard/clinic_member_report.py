from odoo import models
from odoo.osv import expression


class ClinicMemberReport(models.TransientModel):
    _inherit = "clinic.member.report"

    def _report_sections(self):
        return [*super()._report_sections(), self._section_campaigns()]

    def _section_campaigns(self):
        """The campaigns running in the month: what they cost (points, gifts, discounts) against the revenue
        credited to them."""
        first, last = self._period()
        domain = expression.AND(
            [
                [("clinic_campaign_type", "!=", False), ("company_id", "in", (self.company_id.id, False))],
                ["|", ("date_start", "=", False), ("date_start", "<=", last)],
                ["|", ("date_end", "=", False), ("date_end", ">=", first)],
            ]
        )
        campaigns = (
            self.env["utm.campaign"].sudo().with_context(active_test=False).search(domain, order="date_start, id")
        )
        types = dict(campaigns._fields["clinic_campaign_type"]._description_selection(self.env))
        value = self.company_id.clinic_point_value
        rows = []
        for campaign in campaigns:
            cost = self.currency_id.round(campaign.clinic_points_issued * value)
            rows.append(
                [
                    campaign.title,
                    types.get(campaign.clinic_campaign_type, ""),
                    campaign.clinic_participant_count,
                    campaign.clinic_returned_count,
                    campaign.clinic_points_issued,
                    cost,
                    campaign.clinic_gift_cost,
                    campaign.clinic_revenue,
                ]
            )
        return {
            "title": self.env._("Campaigns: Cost Against Revenue"),
            "columns": [
                (self.env._("Campaign"), "text"),
                (self.env._("Type"), "text"),
                (self.env._("Participants"), "int"),
                (self.env._("Came Back"), "int"),
                (self.env._("Points Granted"), "int"),
                (self.env._("Points Cost"), "money"),
                (self.env._("Gifts and Discounts"), "money"),
                (self.env._("Revenue Credited"), "money"),
            ],
            "rows": rows,
            "total": [self.env._("Total"), "", *(sum(row[index] for row in rows) for index in range(2, 8))],
            "note": self.env._(
                "Campaigns running in the month, with their results at their last refresh; points at the point "
                "value of Settings, gifts at their product's cost, discounts at what they took off."
            ),
        }
