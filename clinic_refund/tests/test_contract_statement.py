"""A prepaid contract's statement (对账单, 法释〔2025〕4号 art. 25): every ledger row, and only the member's own."""

import re
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestContractStatement(StoredValueCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        cls.member_user = new_test_user(cls.env, "st_member", name="对账会员", groups="base.group_portal")
        cls.member = cls.member_user.partner_id
        cls.member.action_enrol_member()

    def busy_contract(self):
        """Top-up, two payments, a package with two sessions, a reversal and an adjustment."""
        package = self.create_package()
        contract = self.package_contract(package, principal=8000.0, bonus=1000.0, partner=self.member)
        self.pay(self.create_invoice(1200.0, partner=self.member), 1200.0, contract)
        payment = self.pay(self.create_invoice(300.0, partner=self.member), 300.0, contract)
        self.redeem(contract.package_line_ids, 2)
        payment.with_user(self.manager).action_reverse()
        return contract

    def render(self, contract):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "clinic_refund.action_report_contract_statement", contract.ids
        )
        return html.decode()

    def test_statement_rows_equal_the_ledger(self):
        contract = self.busy_contract()
        rows = contract.move_ids.filtered(lambda row: row.state == "posted")
        lines = contract._statement_lines()
        self.assertEqual(len(lines), len(rows), "every row of the stored-value journal, once")
        self.assertEqual(sorted(line["number"] for line in lines), sorted(rows.mapped("name")))
        self.assertAlmostEqual(sum(line["principal"] for line in lines), sum(rows.mapped("amount_principal")))
        self.assertAlmostEqual(sum(line["bonus"] for line in lines), sum(rows.mapped("amount_bonus")))
        self.assertEqual(sum(line["sessions"] for line in lines), -2, "the package sessions used")
        self.assertEqual(lines[-1]["balance_principal"], contract.balance_principal)
        self.assertEqual(lines[-1]["balance_bonus"], contract.balance_bonus)
        self.assertEqual(lines[-1]["balance"], contract.balance_principal + contract.balance_bonus)
        for before, line in zip([{"balance": 0.0}, *lines], lines, strict=False):
            self.assertAlmostEqual(line["balance"], before["balance"] + line["principal"] + line["bonus"])
        self.assertIn("光子嫩肤 6 次", [line["description"] for line in lines], "a session names its package")
        self.assertTrue(any("Botox treatment" in line["description"] for line in lines), "a payment its services")

    def test_statement_renders_as_html(self):
        contract = self.busy_contract()
        html = self.render(contract)
        self.assertEqual(html.count("o_clinic_statement_row"), len(contract.move_ids))
        self.assertIn(contract.name, html)
        self.assertIn(self.member.member_number, html)
        closing = re.search(r'o_clinic_statement_closing"[^>]*>(.*?)</td>', html, re.S).group(1)
        self.assertIn(f"{contract.balance_principal + contract.balance_bonus:,.2f}", closing)
        self.assertNotIn("Recorded By", html)
        action = contract.with_user(self.frontdesk).action_print_statement()
        self.assertEqual(action["report_name"], "clinic_refund.report_contract_statement")
        self.assertIn("Statement", self.render(self.active_contract()), "a contract with one row")

    def test_member_downloads_only_her_own_statement(self):
        own = self.busy_contract()
        other = self.active_contract(principal=700.0, bonus=0.0)
        draft = self.create_contract(partner=self.member)
        self.authenticate(self.member_user.login, self.member_user.login)
        page = self.url_open(f"/my/prepaid-contracts/{own.id}")
        self.assertIn(f"/my/prepaid-contracts/{own.id}/statement", page.text)
        with patch("odoo.addons.base.models.ir_actions_report.wkhtmltopdf_state", "install"):
            statement = self.url_open(f"/my/prepaid-contracts/{own.id}/statement")
            self.assertEqual(statement.status_code, 200)
            self.assertIn("text/html", statement.headers["Content-Type"], "a web page where PDFs cannot be printed")
            self.assertEqual(statement.text.count("o_clinic_statement_row"), len(own.move_ids))
            for refused_id in (other.id, draft.id, 999999999):
                refused = self.url_open(f"/my/prepaid-contracts/{refused_id}/statement")
                self.assertEqual(refused.status_code, 404)
                self.assertNotIn("o_clinic_statement", refused.text)
                self.assertNotIn(other.name, refused.text)
            with mute_logger("odoo.http"):  # nor by Odoo's own report route
                refused = self.url_open(f"/report/html/clinic_refund.report_contract_statement/{other.id}")
            self.assertEqual(refused.status_code, 403)
            self.assertNotIn("o_clinic_statement_row", refused.text)
        with (
            patch("odoo.addons.base.models.ir_actions_report.wkhtmltopdf_state", "ok"),
            patch.object(
                type(self.env["ir.actions.report"]), "_run_wkhtmltopdf", lambda *args, **kwargs: b"%PDF-1.4 statement"
            ),
        ):
            pdf = self.url_open(f"/my/prepaid-contracts/{own.id}/statement")
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", pdf.headers["Content-Disposition"])
        self.assertIn(own.name.replace("/", "_"), pdf.headers["Content-Disposition"])
