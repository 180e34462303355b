from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    clinic_is_practitioner = fields.Boolean(
        string="Gives Treatments",
        compute="_compute_clinic_is_practitioner",
        search="_search_clinic_is_practitioner",
        help="A member of the Practitioner group: chosen on package sessions and bookings.",
    )

    def _compute_clinic_is_practitioner(self):
        practitioners = self.env.ref("clinic_membership.group_clinic_practitioner").sudo().users
        for user in self:
            user.clinic_is_practitioner = user in practitioners

    def _search_clinic_is_practitioner(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        group = self.env.ref("clinic_membership.group_clinic_practitioner")
        positive = (operator == "=") == value
        return [("groups_id", "in" if positive else "not in", group.ids)]

    def _clinic_home_action_xmlid(self):
        """Where a clinic role lands after login when the user has no home action of her own: the
        front desk on the members (the refund addon sends managers and accountants to their queues)."""
        self.ensure_one()
        if self.has_group("clinic_membership.group_clinic_user"):
            return "clinic_membership.res_partner_action_clinic_member"
        return None
