import io

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.member_segments import SEGMENTS


class ClinicMemberReport(models.TransientModel):
    """The manager's monthly member report, as PDF or Excel: one list of sections, each a table.

    Each addon adds its sections (``_report_sections``): members, tiers and points here; stored value
    and packages in clinic_refund; campaigns in clinic_campaign. Every figure is read from the ledger
    it comes from, as at the last day of the month (tested against those ledgers).
    """

    _name = "clinic.member.report"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Monthly Member Report"

    month = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Any day of the month to report on.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")

    # ------------------------------------------------------------------ actions

    def action_print_pdf(self):
        self._check_can_report()
        return self.env.ref("clinic_membership.action_report_member_monthly").report_action(self)

    def action_export_xlsx(self):
        self._check_can_report()
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._file_name("xlsx"),
                "raw": self._render_xlsx(),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def _check_can_report(self):
        user = self.env.user
        if not (
            user.has_group("clinic_membership.group_clinic_manager")
            or user.has_group("clinic_membership.group_clinic_accountant")
        ):
            raise AccessError(self.env._("Only a Clinic Manager or Accountant prints the monthly member report."))
        if self.company_id not in user.company_ids:  # its figures are read with privilege raised
            raise AccessError(self.env._("You can only report on the companies you belong to."))

    def _file_name(self, extension):
        return self.env._("Member Report %(month)s.%(ext)s", month=self._period()[0].strftime("%Y-%m"), ext=extension)

    # ------------------------------------------------------------------ the figures

    def _period(self):
        """(first day, last day) of the reported month."""
        self.ensure_one()
        first = self.month.replace(day=1)
        return first, first + relativedelta(months=1, days=-1)

    def _report_sections(self):
        """[{title, columns: [(label, kind)], rows: [[value...]], total: [value...] or None, note}]
        where kind is "text", "int" or "money"."""
        self.ensure_one()
        return [self._section_segments(), self._section_tiers(), self._section_points()]

    def _month_snapshot(self):
        first, _last = self._period()
        today = fields.Date.context_today(self)
        Snapshot = self.env["clinic.segment.snapshot"].sudo()
        if first == today.replace(day=1):
            # the month under way: rewritten from the members as they are now, as the nightly run does
            Snapshot._record_month(self.company_id, today)
        return Snapshot.search([("company_id", "=", self.company_id.id), ("month", "=", first)])

    def _section_segments(self):
        labels = dict(self.env["clinic.segment.snapshot"]._fields["segment"]._description_selection(self.env))
        snapshot = self._month_snapshot()
        tiers = snapshot.tier_id.sorted(lambda tier: (tier.sequence, tier.min_spend, tier.id))
        segments = [key for key, _label in SEGMENTS] + [False]
        rows = []
        for tier in tiers:
            counts = {row.segment: row.member_count for row in snapshot if row.tier_id == tier}
            rows.append([tier.name, *(counts.get(segment, 0) for segment in segments), sum(counts.values())])
        total = ["", *(sum(row[index + 1] for row in rows) for index in range(len(segments) + 1))]
        total[0] = self.env._("Total")
        return {
            "title": self.env._("Members by Tier and Segment"),
            "columns": [(self.env._("Tier"), "text")]
            + [(labels.get(segment) or self.env._("Not Scored"), "int") for segment in segments]
            + [(self.env._("Members"), "int")],
            "rows": rows,
            "total": total,
            "note": self.env._("Segments as scored every night; at the month's end for a past month."),
        }

    def _section_tiers(self):
        snapshot = self._month_snapshot()
        rows = []
        for tier in snapshot.tier_id.sorted(lambda tier: (tier.sequence, tier.min_spend, tier.id)):
            of_tier = snapshot.filtered(lambda row, t=tier: row.tier_id == t)
            rows.append(
                [
                    tier.name,
                    sum(of_tier.mapped("member_count")),
                    sum(of_tier.mapped("visit_count")),
                    self.currency_id.round(sum(of_tier.mapped("revenue"))),
                ]
            )
        return {
            "title": self.env._("Revenue and Visits by Tier"),
            "columns": [
                (self.env._("Tier"), "text"),
                (self.env._("Members"), "int"),
                (self.env._("Visits"), "int"),
                (self.env._("Revenue"), "money"),
            ],
            "rows": rows,
            "total": [self.env._("Total"), *(sum(row[index] for row in rows) for index in (1, 2, 3))],
            "note": self.env._("Posted invoices of the month, untaxed, credit notes deducted."),
        }

    def _section_points(self):
        _first, last = self._period()
        self.env["clinic.points.move"].flush_model()
        self.env["clinic.points.allocation"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH balances AS (
                    SELECT partner_id, SUM(points) AS points
                      FROM clinic_points_move
                     WHERE company_id = %(company)s AND date <= %(last)s
                  GROUP BY partner_id
                ), expiring AS (
                    SELECT partner_id, SUM(remaining) AS points FROM (
                        SELECT lot.partner_id,
                               lot.points - COALESCE(SUM(alloc.points) FILTER (WHERE used.id IS NOT NULL), 0)
                                   AS remaining
                          FROM clinic_points_move lot
                     LEFT JOIN clinic_points_allocation alloc ON alloc.lot_id = lot.id
                     LEFT JOIN clinic_points_move used ON used.id = alloc.move_id AND used.date <= %(last)s
                         WHERE lot.company_id = %(company)s AND lot.points > 0 AND lot.date <= %(last)s
                           AND lot.expiry_date > %(last)s AND lot.expiry_date <= %(next_last)s
                      GROUP BY lot.id
                    ) lots
                  GROUP BY partner_id
                )
                SELECT partner.tier_id, COUNT(*) FILTER (WHERE balances.points > 0),
                       SUM(balances.points), COALESCE(SUM(expiring.points), 0)
                  FROM balances
                  JOIN res_partner partner ON partner.id = balances.partner_id
             LEFT JOIN expiring ON expiring.partner_id = balances.partner_id
              GROUP BY partner.tier_id
                """,
                company=self.company_id.id,
                last=last,
                next_last=last + relativedelta(days=1) + relativedelta(months=1, days=-1),
            )
        )
        value = self.company_id.clinic_point_value
        Tier = self.env["clinic.membership.tier"].with_context(active_test=False)
        rows = [
            [
                Tier.browse(tier_id).name if tier_id else self.env._("No Tier"),
                holders,
                points,
                self.currency_id.round(points * value),
                expiring,
                self.currency_id.round(expiring * value),
            ]
            for tier_id, holders, points, expiring in self.env.cr.fetchall()
        ]
        return {
            "title": self.env._("Points Liability at the Month's End"),
            "columns": [
                (self.env._("Tier"), "text"),
                (self.env._("Members with Points"), "int"),
                (self.env._("Points"), "int"),
                (self.env._("Value"), "money"),
                (self.env._("Expiring Next Month"), "int"),
                (self.env._("Value Expiring"), "money"),
            ],
            "rows": rows,
            "total": [self.env._("Total"), *(sum(row[index] for row in rows) for index in range(1, 6))],
            "note": self.env._("Points ledger rows up to the month's end, at the point value of Settings."),
        }

    # ------------------------------------------------------------------ rendering

    def _render_xlsx(self):
        self.ensure_one()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
        for index, section in enumerate(self._report_sections(), start=1):
            sheet = workbook.add_worksheet(f"{index}")
            sheet.write(0, 0, section["title"], bold)
            sheet.write(1, 0, section.get("note") or "")
            for col, (label, _kind) in enumerate(section["columns"]):
                sheet.write(3, col, label, bold)
                sheet.set_column(col, col, 16)
            lines = [(row, False) for row in section["rows"]]
            if section.get("total"):
                lines.append((section["total"], True))
            for line_no, (row, is_total) in enumerate(lines, start=4):
                for col, cell in enumerate(row):
                    kind = section["columns"][col][1]
                    style = (money_bold if is_total else money) if kind == "money" else (bold if is_total else None)
                    sheet.write(line_no, col, cell, style)
        workbook.close()
        return output.getvalue()
