from odoo import api, fields, models


class ClinicStoredValueReconciliationLine(models.TransientModel):
    _name = "clinic.stored.value.reconciliation.line"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Stored Value Reconciliation Line"
    _order = "has_difference desc, partner_id"
    # Figures of the ledgers, written by the report's computation only: never typed or forged.
    _clinic_user_fields = ()

    report_id = fields.Many2one("clinic.stored.value.reconciliation", required=True, ondelete="cascade")
    date = fields.Date(related="report_id.date", string="At Date")
    company_id = fields.Many2one(related="report_id.company_id")
    currency_id = fields.Many2one(related="report_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Member")
    member_number = fields.Char(related="partner_id.member_number")
    account_id = fields.Many2one(related="company_id.clinic_stored_value_account_id", string="Liability Account")
    bonus_balance = fields.Monetary(string="Sub-ledger Bonus", help="Bonus left: not part of the liability account.")
    subledger_balance = fields.Monetary(string="Sub-ledger Principal")
    gl_balance = fields.Monetary(string="General Ledger Balance")
    difference = fields.Monetary()
    has_difference = fields.Boolean(compute="_compute_has_difference", store=True)

    @api.depends("difference", "currency_id")
    def _compute_has_difference(self):
        for line in self:
            line.has_difference = not line.currency_id.is_zero(line.difference)

    def action_open_rows(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_refund.clinic_stored_value_move_action")
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("state", "=", "posted"),
            ("date", "<=", self.date),
        ]
        action["context"] = {"create": False}
        return action

    def action_open_journal_items(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stored Value Journal Items"),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "domain": [
                ("account_id", "=", self.company_id.clinic_stored_value_account_id.id),
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", self.date),
            ],
            "context": {"create": False},
        }
