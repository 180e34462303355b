from odoo import api, fields, models

from .demo_language import demo_language

# tier xmlid: [(product xmlid, free uses)] posted today for the tier's first demo member
DEMO_USES = {
    "tier_gold": [("product_consultation", 2)],
    "tier_diamond": [("product_consultation", 3), ("product_gift_skin_test", 1)],
}


class ClinicMembershipBenefit(models.Model):
    _inherit = "clinic.membership.benefit"

    @api.model
    def _clinic_create_demo_benefit_uses(self):
        return self.with_env(demo_language(self.env, "clinic_membership"))._clinic_demo_benefit_uses()

    @api.model
    def _clinic_demo_benefit_uses(self):
        """Demo members who used benefits this year, through the flow the desk uses: an invoice with the
        free lines (as the checkout adds them), posted (where a chart of accounts exists)."""
        company = self.env.ref("base.main_company")
        journal = self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        if not journal or self.env["clinic.benefit.move"].search_count([]):
            return
        env = self.with_company(company).env
        for tier_ref, uses in DEMO_USES.items():
            tier = self.env.ref(f"clinic_membership.{tier_ref}")
            member = env["res.partner"].search([("tier_id", "=", tier.id), ("is_member", "=", True)], limit=1)
            if not member:
                continue
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": member.id,
                    "journal_id": journal.id,
                    "invoice_date": fields.Date.context_today(self),
                }
            )
            for product_ref, quantity in uses:
                invoice._clinic_add_benefit_line(self.env.ref(f"clinic_membership.{product_ref}"), quantity)
            invoice.action_post()
