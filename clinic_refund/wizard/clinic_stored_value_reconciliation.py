import io

from odoo import api, fields, models
from odoo.tools.misc import xlsxwriter


class ClinicStoredValueReconciliation(models.TransientModel):
    _name = "clinic.stored.value.reconciliation"
    _inherit = ["clinic.guarded.mixin"]
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

    def action_export_xlsx(self):
        """Download the reconciliation as an Excel workbook (lines and totals)."""
        self.ensure_one()
        rows = self._get_reconciliation_data(self.date, self.company_id)
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"stored-value-reconciliation-{fields.Date.to_string(self.date)}.xlsx",
                "raw": self._xlsx_content(rows),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _xlsx_content(self, rows):
        partners = self.env["res.partner"].browse([row["partner_id"] for row in rows if row["partner_id"]])
        names = {partner.id: partner.display_name for partner in partners}
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Reconciliation"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        sheet.write(0, 0, self.env._("Stored value reconciliation at %s", fields.Date.to_string(self.date)), bold)
        sheet.write(1, 0, self.company_id.name)
        headers = [
            self.env._("Member"),
            self.env._("Sub-ledger Principal"),
            self.env._("General Ledger Balance"),
            self.env._("Difference"),
        ]
        for col, header in enumerate(headers):
            sheet.write(3, col, header, bold)
        line = 4
        for row in rows:
            sheet.write(line, 0, names.get(row["partner_id"]) or self.env._("(no partner)"))
            for col, key in enumerate(("subledger", "gl", "difference"), start=1):
                sheet.write_number(line, col, row[key], money)
            line += 1
        sheet.write(line, 0, self.env._("Total"), bold)
        for col, key in enumerate(("subledger", "gl", "difference"), start=1):
            total = self.currency_id.round(sum(row[key] for row in rows))
            sheet.write_number(line, col, total, money)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 3, 22)
        workbook.close()
        return output.getvalue()


class ClinicStoredValueReconciliationLine(models.TransientModel):
    _name = "clinic.stored.value.reconciliation.line"
    _inherit = ["clinic.guarded.mixin"]
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
