from odoo import api, fields, models


class ClinicStoredValueReconciliation(models.TransientModel):
    _name = "clinic.stored.value.reconciliation"
    _description = "Stored Value Reconciliation"

    date = fields.Date(string="At Date", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("clinic.stored.value.reconciliation.line", "report_id", string="Lines")

    @api.model
    def _get_reconciliation_data(self, date, company):
        """Per partner: sub-ledger principal and GL balance of the liability account at ``date``.

        :return: list of dicts (partner_id, subledger, gl, difference), partners sorted by id;
            journal items without partner come under partner_id False.
        """
        account = company.clinic_stored_value_account_id
        currency = company.currency_id
        subledger = {
            partner.id: principal
            for partner, principal in self.env["clinic.stored.value.move"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("state", "=", "posted"), ("date", "<=", date)],
                ["partner_id"],
                ["amount_principal:sum"],
            )
        }
        ledger = {}
        if account:
            ledger = {
                partner.id: -balance
                for partner, balance in self.env["account.move.line"]
                .sudo()
                ._read_group(
                    [
                        ("account_id", "=", account.id),
                        ("company_id", "=", company.id),
                        ("parent_state", "=", "posted"),
                        ("date", "<=", date),
                    ],
                    ["partner_id"],
                    ["balance:sum"],
                )
            }
        rows = []
        for partner_id in sorted(set(subledger) | set(ledger), key=lambda pid: pid or 0):
            sub = currency.round(subledger.get(partner_id, 0.0))
            gl = currency.round(ledger.get(partner_id, 0.0))
            if currency.is_zero(sub) and currency.is_zero(gl):
                continue
            rows.append({"partner_id": partner_id, "subledger": sub, "gl": gl, "difference": currency.round(gl - sub)})
        return rows

    def action_compute(self):
        self.ensure_one()
        self.line_ids.unlink()
        rows = self._get_reconciliation_data(self.date, self.company_id)
        self.env["clinic.stored.value.reconciliation.line"].create(
            [
                {
                    "report_id": self.id,
                    "partner_id": row["partner_id"],
                    "subledger_balance": row["subledger"],
                    "gl_balance": row["gl"],
                    "difference": row["difference"],
                }
                for row in rows
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stored Value Reconciliation at %s", fields.Date.to_string(self.date)),
            "res_model": "clinic.stored.value.reconciliation.line",
            "view_mode": "list",
            "domain": [("report_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
            "target": "current",
        }


class ClinicStoredValueReconciliationLine(models.TransientModel):
    _name = "clinic.stored.value.reconciliation.line"
    _description = "Stored Value Reconciliation Line"
    _order = "has_difference desc, partner_id"

    report_id = fields.Many2one("clinic.stored.value.reconciliation", required=True, ondelete="cascade")
    date = fields.Date(related="report_id.date", string="At Date")
    company_id = fields.Many2one(related="report_id.company_id")
    currency_id = fields.Many2one(related="report_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Member")
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
