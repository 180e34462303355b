from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _clinic_home_action_xmlid(self):
        """Managers land on the refunds waiting for an approval, accountants on those waiting to be paid."""
        if self.has_group("clinic_membership.group_clinic_manager"):
            return "clinic_refund.clinic_refund_request_action_to_approve"
        if self.has_group("clinic_membership.group_clinic_accountant"):
            return "clinic_refund.clinic_refund_request_action_to_pay"
        return super()._clinic_home_action_xmlid()
