from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clinic_stored_value_journal_id = fields.Many2one(
        related="company_id.clinic_stored_value_journal_id", readonly=False
    )
    clinic_stored_value_account_id = fields.Many2one(
        related="company_id.clinic_stored_value_account_id", readonly=False
    )
    clinic_stored_value_bonus_account_id = fields.Many2one(
        related="company_id.clinic_stored_value_bonus_account_id", readonly=False
    )
    clinic_stored_value_fee_account_id = fields.Many2one(
        related="company_id.clinic_stored_value_fee_account_id", readonly=False
    )
    clinic_stored_value_forfeit_account_id = fields.Many2one(
        related="company_id.clinic_stored_value_forfeit_account_id", readonly=False
    )
    clinic_refund_interest_account_id = fields.Many2one(
        related="company_id.clinic_refund_interest_account_id", readonly=False
    )

    clinic_refund_due_days = fields.Integer(related="company_id.clinic_refund_due_days", readonly=False)
    clinic_refund_fee_cap_percent = fields.Float(related="company_id.clinic_refund_fee_cap_percent", readonly=False)

    def action_clinic_setup_stored_value_accounting(self):
        self.company_id._clinic_setup_stored_value_accounting()
        return {"type": "ir.actions.client", "tag": "reload"}
