"""The monthly member report: every figure equals the ledger it comes from (issue 22)."""

import html
import io
import zipfile
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestMemberReport(StoredValueCase):
    def test_figures_reconcile_with_their_ledgers_in_pdf_and_excel(self):
        self.consumed_contract()
        self.active_contract(principal=800.0, bonus=0.0, partner=self.env["res.partner"].create({"name": "报表会员"}))
        report = self.env["clinic.member.report"].with_user(self.manager).create({"month": self.today})
        sections = {section["title"]: section for section in report._report_sections()}

        stored = sections["Stored Value Liability at the Month's End, by Age"]
        _first, last = report._period()
        reconciliation = self.env["clinic.stored.value.reconciliation"]._get_reconciliation_data(last, self.company)
        for ledger in ("subledger", "gl"):
            self.assertTrue(self.currency.is_zero(stored["total"][2] - sum(row[ledger] for row in reconciliation)))
        self.assertEqual(stored["gl"], stored["total"][2])

        points = sections["Points Liability at the Month's End"]
        ledger = self.env["clinic.points.move"].search([("company_id", "=", self.company.id), ("date", "<=", last)])
        self.assertEqual(points["total"][2], sum(ledger.mapped("points")))

        segments = sections["Members by Tier and Segment"]
        members = self.env["res.partner"].search_count(
            [("is_member", "=", True), ("member_company_id", "=", self.company.id)]
        )
        self.assertEqual(segments["total"][-1], members)

        page = html.unescape(
            self.env["ir.actions.report"]
            ._render_qweb_html("clinic_membership.report_member_monthly", report.ids)[0]
            .decode()
        )
        for title in sections:
            self.assertIn(title, page)
        with zipfile.ZipFile(io.BytesIO(report._render_xlsx())) as workbook:
            sheets = [name for name in workbook.namelist() if name.startswith("xl/worksheets/sheet")]
            self.assertEqual(len(sheets), len(sections), "one sheet per section")

    def test_packages_are_counted_as_they_stood_at_the_month_end(self):
        self.paid_days_ago = 40  # sold in an earlier month
        package = self.create_package(sessions=6, price=6000.0, name="报表疗程 6 次")
        line = self.package_contract(package).package_line_ids
        self.redeem(line, quantity=2)  # this month
        Report = self.env["clinic.member.report"].with_user(self.manager)
        title = "Packages: Sessions Not Yet Redeemed"

        def package_row(month):
            section = {s["title"]: s for s in Report.create({"month": month})._report_sections()}[title]
            return next(row for row in section["rows"] if row[0] == package.display_name)

        self.assertEqual(package_row(self.today.replace(day=1) - timedelta(days=1))[1:], [1, 6, 6000.0])
        self.assertEqual(package_row(self.today)[1:], [1, 4, line.amount_remaining])
        self.assertEqual(line.sessions_remaining, 4)

    def test_no_report_on_another_company(self):
        other = self.env["res.company"].create({"name": "别家诊所"})
        report = self.env["clinic.member.report"].with_user(self.manager).create({"month": self.today})
        report.sudo().company_id = other
        for action in ("action_print_pdf", "action_export_xlsx"):
            with self.assertRaises(AccessError):
                getattr(report.with_user(self.manager), action)()
        self.assertFalse(self.env["ir.attachment"].search([("res_model", "=", "clinic.member.report")]))

    def test_front_desk_cannot_print_it(self):
        with self.assertRaises(AccessError):
            self.env["clinic.member.report"].with_user(self.frontdesk).create({"month": self.today})
        report = self.env["clinic.member.report"].create({"month": self.today})
        with self.assertRaises(AccessError):
            report.with_user(self.frontdesk).action_export_xlsx()
