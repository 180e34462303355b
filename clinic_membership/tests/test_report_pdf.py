"""The clinic's identity (name, address, logo, page numbers) on the PDFs a clinic prints with the
wkhtmltopdf its system gives it: Debian's, built on an unpatched Qt, ignores Odoo's separate header
and footer files."""

import io
import shutil
import subprocess
import tempfile
import unicodedata

from reportlab.pdfgen import canvas

from odoo.addons.clinic_membership.models.ir_actions_report import (
    INLINE_CONTEXT_KEY,
    wkhtmltopdf_has_patched_qt,
)
from odoo.addons.clinic_membership.tools.pdf import pdf_engine_ready
from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from .common import ClinicMembershipCase


def pdf_text(pdf):
    """The text of each page of ``pdf``, NFKC-normalised: CJK fonts map some ideographs to their
    Kangxi radicals (乙 as ⼄), which NFKC folds back. wkhtmltopdf draws the report's Latin web font
    as shapes: only the CJK text and the page numbers are text."""
    if shutil.which("pdftotext"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            pdftotext = ["pdftotext", file.name, "-"]
            text = subprocess.run(pdftotext, capture_output=True, check=True).stdout.decode()  # noqa: S603  (poppler's pdftotext)
        pages = text.split("\f")[: len(PdfFileReader(io.BytesIO(pdf)).pages)]
    else:
        pages = [page.extract_text() for page in PdfFileReader(io.BytesIO(pdf)).pages]
    return [unicodedata.normalize("NFKC", page) for page in pages]


@tagged("post_install", "-at_install")
class TestReportPdf(ClinicMembershipCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no digits (the report's Latin font leaves them out of the text layer) and no ideograph a CJK
        # font maps to a radical NFKC does not fold (西 prints as ⻄)
        cls.company.write({"name": "丽颜医疗美容诊所", "street": "淮海中路恒隆广场", "city": "上海"})
        cls.member = cls.create_member("林小姐")
        cls.invoice = cls.create_invoice(cls.member, 1280.0)
        cls.Report = cls.env["ir.actions.report"]

    def render_pdf(self, report, records, inline=True):
        if not pdf_engine_ready(self.env):
            self.skipTest("wkhtmltopdf is not installed")
        # wkhtmltopdf fetches the report's styles from this test server
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        pdf, _format = self.Report.with_context(
            force_report_rendering=True, **{INLINE_CONTEXT_KEY: inline}
        )._render_qweb_pdf(report, records.ids)
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def assertIdentity(self, text):
        self.assertIn(self.company.name, text)
        self.assertIn(self.company.street, text)

    # ------------------------------------------------------------------ which engine

    def test_unpatched_qt_inlines_the_header_and_footer(self):
        self.assertEqual(self.Report._clinic_inline_header_footer(), not wkhtmltopdf_has_patched_qt())
        self.assertTrue(self.Report.with_context(**{INLINE_CONTEXT_KEY: True})._clinic_inline_header_footer())
        self.assertFalse(self.Report.with_context(**{INLINE_CONTEXT_KEY: False})._clinic_inline_header_footer())

    def test_each_body_carries_its_header_and_footer(self):
        invoices = self.invoice | self.create_invoice(self.member, 300.0)
        report = self.Report._get_report("account.account_invoices")
        html = self.Report._render_qweb_html(report, invoices.ids)[0]

        inline = report.with_context(**{INLINE_CONTEXT_KEY: True})
        bodies, res_ids, header, footer, args = inline._prepare_html(html, report_model="account.move")
        self.assertEqual(res_ids, invoices.ids)
        self.assertEqual((header, footer), ("", ""), "nothing left for the separate header and footer")
        for body, invoice in zip(bodies, invoices, strict=True):
            self.assertIn(invoice.name, body)
            self.assertIn(self.company.street, body)
            self.assertLess(body.index(self.company.street), body.index(invoice.name), "the header comes first")
            self.assertIn("o_clinic_inline_footer", body)
            self.assertNotIn('class="page"', body, "no empty page number left in the body")
        self.assertLessEqual(float(args["data-report-margin-top"]), 10)

        separate = report.with_context(**{INLINE_CONTEXT_KEY: False})
        bodies, _ids, header, _footer, _args = separate._prepare_html(html, report_model="account.move")
        self.assertIn(self.company.street, header, "a patched Qt repeats Odoo's header on every page")
        self.assertNotIn(self.company.street, bodies[0])

    def test_pages_are_numbered_page_of_pages(self):
        buffer = io.BytesIO()
        pages = canvas.Canvas(buffer)
        for number in (1, 2):
            pages.drawString(72, 720, f"Page body {number}")
            pages.showPage()
        pages.save()
        numbered = self.Report._clinic_number_pages(buffer.getvalue(), "account.account_invoices")
        texts = ["".join(page.split()) for page in pdf_text(numbered)]
        self.assertEqual(len(texts), 2)
        self.assertIn("1/2", texts[0])
        self.assertIn("2/2", texts[1])

    # ------------------------------------------------------------------ real PDFs

    def test_invoice_pdf_carries_the_clinic_s_identity(self):
        pages = pdf_text(self.render_pdf("account.account_invoices", self.invoice))
        self.assertEqual(len(pages), 1)
        self.assertIdentity(pages[0])
        self.assertIn("1/1", "".join(pages[0].split()), "its page numbered")

    def test_several_invoices_print_in_one_pdf_each_with_its_header(self):
        invoices = self.invoice | self.create_invoice(self.member, 300.0)
        pages = pdf_text(self.render_pdf("account.account_invoices", invoices))
        self.assertEqual(len(pages), 2, "an unpatched Qt prints one document per run: each is printed")
        for page in pages:
            self.assertIdentity(page)
            self.assertIn("1/1", "".join(page.split()), "each document numbered on its own")

    def test_member_card_pdf_carries_the_clinic_s_address(self):
        pages = pdf_text(self.render_pdf("clinic_membership.action_report_member_card", self.member))
        self.assertEqual(len(pages), 1)
        self.assertIdentity(pages[0])
        self.assertIn(self.member.name, pages[0])
