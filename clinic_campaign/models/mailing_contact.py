from odoo import api, fields, models
from odoo.addons.clinic_membership.tools.protected import check_protected_fields


class MailingContact(models.Model):
    _inherit = "mailing.contact"

    clinic_partner_id = fields.Many2one(
        "res.partner", string="Member", index="btree_not_null", ondelete="cascade", readonly=True, copy=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, ["clinic_partner_id"])
        return super().create(vals_list)

    def write(self, vals):
        check_protected_fields(self, vals, ["clinic_partner_id"])
        return super().write(vals)

    def _clinic_subscribe_only(self, mailing_list):
        """Subscribe this member contact to ``mailing_list`` alone among the tier lists.

        Opted-out subscriptions are kept as they are (the member unsubscribed); a member who
        opted out of a tier list joins the next one opted out.
        """
        self.ensure_one()
        tier_subscriptions = self.subscription_ids.filtered(lambda s: s.list_id.clinic_tier_id)
        opted_out = any(tier_subscriptions.mapped("opt_out"))
        stale = tier_subscriptions.filtered(lambda s: s.list_id != mailing_list and not s.opt_out)
        kept = tier_subscriptions - stale
        stale.unlink()
        if mailing_list and mailing_list not in kept.list_id:
            self.env["mailing.subscription"].sudo().create(
                {"contact_id": self.id, "list_id": mailing_list.id, "opt_out": opted_out}
            )
