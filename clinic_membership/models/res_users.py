import re

from odoo import fields, models

# What a consultant publishes to her members (member card, portal); she edits it in her preferences.
CLINIC_CONTACT_FIELDS = ["clinic_contact_phone", "clinic_contact_wechat"]


class ResUsers(models.Model):
    _inherit = "res.users"

    clinic_contact_phone = fields.Char(
        help="The phone your members call you on, shown on their member card and portal page (your work phone, "
        "not a private one). Empty: they are shown the clinic's phone.",
    )
    clinic_contact_wechat = fields.Char(
        string="Clinic WeChat ID",
        help="The WeChat ID your members add to reach you, shown on their member card and portal page.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + CLINIC_CONTACT_FIELDS

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + CLINIC_CONTACT_FIELDS

    def _clinic_public_contact(self, company):
        """What a member is shown of her consultant: the name, and the ways to reach her that she
        publishes (the clinic's phone when she gave none), with a ``tel:`` link; nothing else."""
        self.ensure_one()
        user = self.sudo()
        phone = (user.clinic_contact_phone or "").strip()
        wechat = (user.clinic_contact_wechat or "").strip()
        clinic_phone = not phone
        if clinic_phone:
            phone = (company.sudo().phone or "").strip()
        dial = re.sub(r"(?!^\+)\D", "", phone)
        return {
            "name": user.name,
            "phone": phone,
            "phone_href": f"tel:{dial}" if dial.lstrip("+") else "",
            "clinic_phone": clinic_phone,
            "wechat": wechat,
            "email": user.email or "",
        }

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
