from odoo import models
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..report.clinic_stored_value_ageing import AGE_BUCKETS


class ClinicMemberReport(models.TransientModel):
    _inherit = "clinic.member.report"

    def _report_sections(self):
        return [*super()._report_sections(), self._section_stored_value(), self._section_packages()]

    def _stored_value_ageing(self):
        """{age bucket: (contracts, principal, bonus)} of the stored-value ledger at the month's end."""
        _first, last = self._period()
        Ageing = self.env["clinic.stored.value.ageing"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT age_bucket, COUNT(*), SUM(balance_principal), SUM(balance_bonus) FROM (%s) ageing"
                " WHERE company_id = %s GROUP BY age_bucket",
                Ageing._ageing_query(SQL("%s", last), SQL("AND svm.date <= %s", last)),
                self.company_id.id,
            )
        )
        return {bucket: (count, principal, bonus) for bucket, count, principal, bonus in self.env.cr.fetchall()}

    def _section_stored_value(self):
        _first, last = self._period()
        currency = self.currency_id
        ageing = self._stored_value_ageing()
        labels = dict(self.env["clinic.stored.value.ageing"]._fields["age_bucket"]._description_selection(self.env))
        rows = [
            [labels[bucket], *ageing.get(bucket, (0, 0.0, 0.0))] for bucket, _label in AGE_BUCKETS if bucket in ageing
        ]
        rows = [
            [label, count, currency.round(principal), currency.round(bonus)] for label, count, principal, bonus in rows
        ]
        reconciliation = self.env["clinic.stored.value.reconciliation"]._get_reconciliation_data(last, self.company_id)
        gl = currency.round(sum(row["gl"] for row in reconciliation))
        return {
            "title": self.env._("Stored Value Liability at the Month's End, by Age"),
            "columns": [
                (self.env._("Months Since the Last Movement"), "text"),
                (self.env._("Contracts"), "int"),
                (self.env._("Principal"), "money"),
                (self.env._("Bonus"), "money"),
            ],
            "rows": rows,
            "total": [self.env._("Total"), *(sum(row[index] for row in rows) for index in (1, 2, 3))],
            "note": self.env._(
                "The principal adds up to the stored-value liability account in the general ledger: %(gl)s.",
                gl=formatLang(self.env, gl, currency_obj=currency),
            ),
            "gl": gl,
        }

    def _packages_at_month_end(self):
        """{package: [packages sold, sessions left, value left]} at the month's end: the packages of
        contracts signed by then, less the sessions their stored-value rows redeemed by then."""
        _first, last = self._period()
        lines = (
            self.env["clinic.contract.package.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date_signed", "<=", last),
                    ("package_kind", "!=", "unlimited"),
                    ("contract_id.state", "in", ("active", "closed", "terminated")),
                ]
            )
        )
        used = {
            line: (sessions, principal)
            for line, sessions, principal in self.env["clinic.stored.value.move"]
            .sudo()
            ._read_group(
                [("package_line_id", "in", lines.ids), ("date", "<=", last)],
                ["package_line_id"],
                ["sessions:sum", "amount_principal:sum"],
            )
        }
        packages = {}
        for line in lines:
            sessions, principal = used.get(line, (0, 0.0))
            left = line.sessions_total + sessions
            if left > 0:
                row = packages.setdefault(line.package_id, [0, 0, 0.0])
                row[0] += 1
                row[1] += left
                row[2] += line.price_total + principal
        return packages

    def _section_packages(self):
        rows = [
            [package.display_name, count, sessions, self.currency_id.round(amount)]
            for package, (count, sessions, amount) in sorted(
                self._packages_at_month_end().items(), key=lambda item: item[0].display_name
            )
        ]
        return {
            "title": self.env._("Packages: Sessions Not Yet Redeemed"),
            "columns": [
                (self.env._("Package"), "text"),
                (self.env._("Packages Sold"), "int"),
                (self.env._("Sessions Left"), "int"),
                (self.env._("Value Left"), "money"),
            ],
            "rows": rows,
            "total": [self.env._("Total"), *(sum(row[index] for row in rows) for index in (1, 2, 3))],
            "note": self.env._(
                "At the month's end: packages of contracts signed by then, less the sessions redeemed by then."
            ),
        }
