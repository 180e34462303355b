import functools
import io
import logging
import subprocess

import lxml.html
from reportlab.pdfgen import canvas

from odoo import api, models
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin
from odoo.tools.pdf import PdfFileReader, PdfFileWriter, PdfReadError, merge_pdf

_logger = logging.getLogger(__name__)

# Forces (True) or forbids (False) printing the header and footer inside the body, whatever the engine.
INLINE_CONTEXT_KEY = "clinic_report_inline_header_footer"
# Marks a body whose footer numbered its pages: the pages are numbered once printed.
PAGE_NUMBERS_MARK = "data-clinic-page-numbers"
# Margins (mm) of a page whose header and footer are in the body: no room to keep for them.
INLINE_MARGIN_TOP = 10
INLINE_MARGIN_BOTTOM = 14
MM = 72 / 25.4
CLASS_XPATH = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"


@functools.cache
def wkhtmltopdf_has_patched_qt():
    """Whether this server's wkhtmltopdf is built on wkhtmltopdf's patched Qt (asked once per process).
    Debian's and Ubuntu's packages are not ("wkhtmltopdf 0.12.6" without "(with patched qt)"): they
    ignore --header-html and --footer-html and print a single HTML file per run."""
    try:
        version = subprocess.run(  # noqa: S603  (Odoo's own wkhtmltopdf binary)
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, timeout=60, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return True  # no wkhtmltopdf: Odoo says so, there is nothing to work around
    return b"patched qt" in version.lower()


def _replace_class(node, old, new):
    node.set("class", " ".join(new if name == old else name for name in (node.get("class") or "").split()))


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _clinic_inline_header_footer(self):
        """Whether each document carries its header (the clinic's logo, name and address) at the top of
        its body and its footer at the end, instead of wkhtmltopdf repeating them on every page: an
        engine built on an unpatched Qt (Debian's) drops them, and every PDF would lose the clinic's
        identity. The context key ``clinic_report_inline_header_footer`` decides in its place."""
        forced = self.env.context.get(INLINE_CONTEXT_KEY)
        if forced is not None:
            return bool(forced)
        return not wkhtmltopdf_has_patched_qt()

    def _prepare_html(self, html, report_model=False):
        if not self._clinic_inline_header_footer():
            return super()._prepare_html(html, report_model=report_model)
        html, inlined_header, inlined_footer = self._clinic_inline_header_footer_html(html)
        prepared = super()._prepare_html(html, report_model=report_model)
        if not prepared:
            return prepared
        bodies, res_ids, _header, _footer, specific_paperformat_args = prepared
        paperformat = self.get_paperformat()
        for inlined, key, margin, default in (
            (inlined_header, "data-report-margin-top", INLINE_MARGIN_TOP, paperformat.margin_top),
            (inlined_footer, "data-report-margin-bottom", INLINE_MARGIN_BOTTOM, paperformat.margin_bottom),
        ):
            if inlined:
                current = float(specific_paperformat_args.get(key) or default or margin)
                specific_paperformat_args[key] = min(current, margin)
        return bodies, res_ids, "", "", specific_paperformat_args

    @api.model
    def _clinic_inline_header_footer_html(self, html):
        """``html`` with each document's header moved to the top of its article (the body printed) and
        its footer to the end, the footer's page numbers left for ``_clinic_number_pages``; and whether
        a header and a footer were moved."""
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        is_article = CLASS_XPATH.format("article")
        inlined_header = inlined_footer = False
        for article in root.xpath(f"//div[{is_article}]"):
            header = article.xpath(f"preceding-sibling::div[{CLASS_XPATH.format('header')}][1]")
            # the header of this document, not of a previous one printed without a header
            if header and header[0].xpath(f"following-sibling::div[{is_article}][1]")[0] is article:
                header = header[0]
                _replace_class(header, "header", "o_clinic_inline_header")
                header.set("class", f"{header.get('class')} mb-4")
                article.insert(0, header)
                inlined_header = True
            footer = article.xpath(f"following-sibling::div[{CLASS_XPATH.format('footer')}][1]")
            if footer and footer[0].xpath(f"preceding-sibling::div[{is_article}][1]")[0] is article:
                footer = footer[0]
                _replace_class(footer, "footer", "o_clinic_inline_footer")
                footer.set("class", f"{footer.get('class')} mt-4")
                if self._clinic_remove_page_numbers(footer):
                    article.set(PAGE_NUMBERS_MARK, "1")
                article.append(footer)
                inlined_footer = True
        # a header or footer next to no document would print on no page: none is left to Odoo
        for node in root.xpath(f"//div[{CLASS_XPATH.format('header')} or {CLASS_XPATH.format('footer')}]"):
            node.getparent().remove(node)
        doctype = root.getroottree().docinfo.doctype
        return f"{doctype}\n{lxml.html.tostring(root, encoding='unicode')}", inlined_header, inlined_footer

    @api.model
    def _clinic_remove_page_numbers(self, footer):
        """Remove the page numbers (filled by wkhtmltopdf in a separate footer) from ``footer``: they
        would print empty in the body. Whether there were some."""
        numbers = footer.xpath(
            ".//span[contains(concat(' ', @class, ' '), ' page ') or contains(concat(' ', @class, ' '), ' topage ')]"
        )
        for span in numbers:
            parent = span.getparent()
            if not any(ancestor is footer for ancestor in span.iterancestors()):
                continue  # already removed with its line
            if parent is footer:
                span.drop_tree()
            else:
                parent.drop_tree()
        return bool(numbers)

    @api.model
    def _build_wkhtmltopdf_args(
        self, paperformat_id, landscape, specific_paperformat_args=None, set_viewport_size=False
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        if not self._clinic_inline_header_footer():
            return args
        # options of the separate header, which an unpatched Qt refuses with a warning on every print
        for option, has_value in (("--header-spacing", True), ("--header-line", False)):
            while option in args:
                index = args.index(option)
                del args[index : index + 1 + has_value]
        return args

    @api.model
    def _run_wkhtmltopdf(  # noqa: PLR0917  (Odoo's signature)
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        if not self._clinic_inline_header_footer():
            return super()._run_wkhtmltopdf(
                bodies,
                report_ref=report_ref,
                header=header,
                footer=footer,
                landscape=landscape,
                specific_paperformat_args=specific_paperformat_args,
                set_viewport_size=set_viewport_size,
            )
        # an unpatched Qt prints one HTML file per run: one run per document, merged
        pdfs = []
        for body in bodies:
            pdf = super()._run_wkhtmltopdf(
                [body],
                report_ref=report_ref,
                landscape=landscape,
                specific_paperformat_args=specific_paperformat_args,
                set_viewport_size=set_viewport_size,
            )
            if PAGE_NUMBERS_MARK in body:
                pdf = self._clinic_number_pages(pdf, report_ref, specific_paperformat_args)
            pdfs.append(pdf)
        return pdfs[0] if len(pdfs) == 1 else merge_pdf(pdfs)

    @api.model
    def _clinic_number_pages(self, pdf, report_ref=False, specific_paperformat_args=None):
        """``pdf`` with "page / pages" at the bottom right of each page, where the footer had them."""
        paperformat = self._get_report(report_ref).get_paperformat() if report_ref else self.get_paperformat()
        args = specific_paperformat_args or {}
        bottom = float(args.get("data-report-margin-bottom") or paperformat.margin_bottom or INLINE_MARGIN_BOTTOM)
        right = float(paperformat.margin_right or 0)
        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            total = reader.getNumPages()
            writer = PdfFileWriter()
            for index in range(total):
                page = reader.getPage(index)
                width, height = float(page.mediaBox.getWidth()), float(page.mediaBox.getHeight())
                stamp = io.BytesIO()
                number = canvas.Canvas(stamp, pagesize=(width, height))
                number.setFont("Helvetica", 8)
                number.setFillGray(0.42)
                number.drawRightString(width - right * MM, bottom * MM / 2, f"{index + 1} / {total}")
                number.save()
                page.mergePage(PdfFileReader(io.BytesIO(stamp.getvalue())).getPage(0))
                writer.addPage(page)
            numbered = io.BytesIO()
            writer.write(numbered)
        except (PdfReadError, ValueError, KeyError) as error:
            _logger.warning("The pages of a report could not be numbered: %s", error)
            return pdf
        return numbered.getvalue()
