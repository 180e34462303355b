from odoo import api, models
from odoo.exceptions import UserError


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_stored_value_matching(self):
        """A payment from stored value stays matched with its invoice: a credit note is the way back."""
        if self.env.su:
            return
        lines = (self.debit_move_id | self.credit_move_id).sudo()
        rows = lines.move_id.clinic_stored_value_entry_ids
        if rows:
            raise UserError(
                self.env._(
                    "%(entry)s is stored value row %(row)s: its matching cannot be undone by hand. "
                    "Issue a credit note to give the value back.",
                    entry=rows[0].account_move_id.name,
                    row=rows[0].name,
                )
            )
