import io

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.misc import format_date, xlsxwriter


class ClinicStoredValueReconciliation(models.TransientModel):
    _name = "clinic.stored.value.reconciliation"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Stored Value Reconciliation"

    date = fields.Date(string="At Date", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("clinic.stored.value.reconciliation.line", "report_id", string="Lines")

    @api.depends("date")
    def _compute_display_name(self):
        for report in self:
            report.display_name = self.env._(
                "Stored Value Reconciliation at %s", format_date(self.env, report.date) if report.date else ""
            )

    @api.model
    def _get_reconciliation_data(self, date, company):
        """Per partner: sub-ledger principal and GL balance of the liability account at ``date``.

        :return: list of dicts (partner_id, subledger, gl, difference, bonus), partners sorted by id;
            journal items without partner come under partner_id False.
        """
        account = company.clinic_stored_value_account_id
        currency = company.currency_id
        subledger, bonus = {}, {}
        for partner, principal, bonus_sum in (
            self.env["clinic.stored.value.move"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("state", "=", "posted"), ("date", "<=", date)],
                ["partner_id"],
                ["amount_principal:sum", "amount_bonus:sum"],
            )
        ):
            subledger[partner.id] = principal
            bonus[partner.id] = bonus_sum
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
            bonus_left = currency.round(bonus.get(partner_id, 0.0))
            if currency.is_zero(sub) and currency.is_zero(gl) and currency.is_zero(bonus_left):
                continue
            rows.append(
                {
                    "partner_id": partner_id,
                    "subledger": sub,
                    "gl": gl,
                    "difference": currency.round(gl - sub),
                    "bonus": bonus_left,
                }
            )
        return rows

    def action_compute(self):
        self.ensure_one()
        self.line_ids.unlink()
        rows = self._get_reconciliation_data(self.date, self.company_id)
        self.env["clinic.stored.value.reconciliation.line"].sudo().create(
            [
                {
                    "report_id": self.id,
                    "partner_id": row["partner_id"],
                    "subledger_balance": row["subledger"],
                    "gl_balance": row["gl"],
                    "difference": row["difference"],
                    "bonus_balance": row["bonus"],
                }
                for row in rows
            ]
        )
        date = format_date(self.env, self.date)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stored Value Reconciliation at %s", date),
            "res_model": "clinic.stored.value.reconciliation.line",
            "view_mode": "list",
            "domain": [("report_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
            "target": "current",
            "help": Markup('<p class="o_view_nocontent_smiling_face">%s</p><p>%s</p>')
            % (
                self.env._("Nothing at %s", date),
                self.env._(
                    "No member had stored value, and the liability account had no balance, on or before "
                    "that date: choose a later date."
                ),
            ),
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
