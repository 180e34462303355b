from odoo import api, fields, models
from odoo.addons.clinic_membership.tools.protected import check_protected_fields
from odoo.exceptions import UserError


class AccountPayment(models.Model):
    _inherit = "account.payment"

    clinic_stored_value_move_ids = fields.One2many("clinic.stored.value.move", "payment_id", string="Stored Value Rows")
    clinic_stored_value_payment = fields.Boolean(
        string="Stored Value Payment",
        readonly=True,
        copy=False,
        help="A top-up or refund of the stored-value ledger: the only payments that move its liability.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, ["clinic_stored_value_payment"])
        return super().create(vals_list)

    def write(self, vals):
        check_protected_fields(self, vals, ["clinic_stored_value_payment"])
        return super().write(vals)

    def _clinic_check_not_stored_value_payment(self):
        rows = self.sudo().clinic_stored_value_move_ids.filtered(lambda row: row.state == "posted")
        if rows:
            raise UserError(
                self.env._(
                    "Payment %(payment)s belongs to stored value row %(row)s of a prepaid contract: "
                    "reverse the stored value row instead.",
                    payment=rows[0].payment_id.name,
                    row=rows[0].name,
                )
            )

    def action_draft(self):
        self._clinic_check_not_stored_value_payment()
        return super().action_draft()

    def action_cancel(self):
        self._clinic_check_not_stored_value_payment()
        return super().action_cancel()

    def action_reject(self):
        self._clinic_check_not_stored_value_payment()
        return super().action_reject()
