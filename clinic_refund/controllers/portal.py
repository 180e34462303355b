from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.addons.clinic_membership.tools.pdf import pdf_engine_ready
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import content_disposition, request
from odoo.tools.safe_eval import safe_eval, time

MAX_PORTAL_FILES = 10


class ClinicRefundPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "clinic_contract_count" in counters:
            Contract = request.env["clinic.prepaid.contract"]
            values["clinic_contract_count"] = (
                Contract.search_count(self._clinic_contract_domain()) if Contract.has_access("read") else 0
            )
        return values

    def _clinic_contract_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", partner.id), ("state", "!=", "draft")]

    @http.route("/my/prepaid-contracts", type="http", auth="user", website=True)
    def portal_my_prepaid_contracts(self, **kw):
        values = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id.commercial_partner_id
        values.update(
            {
                "contracts": request.env["clinic.prepaid.contract"].search(self._clinic_contract_domain()),
                "packages": request.env["clinic.contract.package.line"].search(
                    [("partner_id", "child_of", partner.id), ("contract_id.state", "=", "active")]
                ),
                "member": partner,
                "page_name": "clinic_prepaid_contracts",
            }
        )
        return request.render("clinic_refund.portal_my_prepaid_contracts", values)

    @http.route("/my/prepaid-contracts/<int:contract_id>", type="http", auth="user", website=True)
    def portal_my_prepaid_contract(self, contract_id, **kw):
        try:
            contract = self._document_check_access("clinic.prepaid.contract", contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if contract.state == "draft":
            return request.redirect("/my/prepaid-contracts")
        signer = contract.sudo().sign_request_id.signer_ids.filtered(
            lambda s: s.partner_id == request.env.user.partner_id and not s.signed_on
        )
        # a contract transferred to her shows her own rows and requests, never the first holder's history
        member = request.env.user.commercial_partner_id
        refund_requests = (
            contract.sudo()
            .refund_request_ids.filtered(lambda r: r.partner_id.commercial_partner_id == member)
            .sorted("id", reverse=True)
        )
        rows = contract.sudo().move_ids.filtered(lambda row: row.partner_id.commercial_partner_id == member)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "settlement_sign_urls": self._clinic_settlement_sign_urls(refund_requests),
                "contract": contract,
                "moves": rows.filtered(lambda row: row.state == "posted"),
                "packages": contract.package_line_ids,
                "sessions": rows.filtered("package_line_id"),
                "sign_url": signer[:1].access_url if contract.state == "sent" and signer else False,
                "refund_requests": refund_requests,
                "can_ask_refund": contract._clinic_portal_can_ask_refund(),
                "refund_asked": kw.get("refund_asked"),
                "page_name": "clinic_prepaid_contract",
            }
        )
        return request.render("clinic_refund.portal_my_prepaid_contract", values)

    @http.route("/my/prepaid-contracts/<int:contract_id>/statement", type="http", auth="user", website=True)
    def portal_my_prepaid_contract_statement(self, contract_id, **kw):
        """The statement (对账单) of the member's own contract: every row of its stored value and sessions
        (法释〔2025〕4号 art. 25). A PDF, or the web page it is printed from where the server cannot print PDFs."""
        try:
            contract = self._document_check_access("clinic.prepaid.contract", contract_id)
        except (AccessError, MissingError):
            raise NotFound() from None
        if contract.state == "draft":
            raise NotFound()
        report_ref = "clinic_refund.action_report_contract_statement"
        report_type = "pdf" if pdf_engine_ready(request.env) else "html"
        response = self._show_report(model=contract, report_type=report_type, report_ref=report_ref)
        if report_type == "pdf":  # a download named as the clinic's print menu names it
            report = request.env.ref(report_ref).sudo()
            name = safe_eval(report.print_report_name, {"object": contract, "time": time})
            response.headers["Content-Disposition"] = content_disposition(f"{name}.pdf")
        return response

    def _clinic_settlement_sign_urls(self, refund_requests):
        """{request id: the member's signing page} of the settlement agreements waiting for them."""
        urls = {}
        for refund in refund_requests.filtered(lambda r: r.settlement_id.state == "sent"):
            signer = refund.settlement_id.sign_request_id.signer_ids.filtered(
                lambda s: s.partner_id == request.env.user.partner_id and not s.signed_on
            )
            if signer:
                urls[refund.id] = signer[:1].access_url
        return urls

    # ------------------------------------------------------------------ a member asks for a refund

    @http.route("/my/prepaid-contracts/<int:contract_id>/refund", type="http", auth="user", website=True)
    def portal_my_prepaid_contract_refund(self, contract_id, reason="dissatisfied", **kw):
        """The refund form, with the quote the contract's rules give today for the reason chosen."""
        try:
            contract = self._document_check_access("clinic.prepaid.contract", contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not contract._clinic_portal_can_ask_refund():
            return request.redirect(f"/my/prepaid-contracts/{contract.id}")
        Request = request.env["clinic.refund.request"].sudo()
        reasons = Request._fields["reason"]._description_selection(request.env)
        reason = reason if reason in dict(reasons) else "dissatisfied"
        today = fields.Date.context_today(contract)
        quote = contract.sudo()._refund_quote(reason, today)
        refund_requests = (
            contract.sudo()
            .refund_request_ids.filtered(
                lambda r: r.partner_id.commercial_partner_id == request.env.user.commercial_partner_id
            )
            .sorted("id", reverse=True)
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "settlement_sign_urls": self._clinic_settlement_sign_urls(refund_requests),
                "contract": contract,
                "reasons": reasons,
                "reason": reason,
                "quote": quote,
                "breakdown": Request.new(
                    {"contract_id": contract.id, "reason": reason, "request_date": today}
                )._render_breakdown(quote),
                "error": kw.get("error"),
                "page_name": "clinic_prepaid_contract",
            }
        )
        return request.render("clinic_refund.portal_my_prepaid_contract_refund", values)

    @http.route(
        "/my/prepaid-contracts/<int:contract_id>/refund/submit",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_prepaid_contract_refund_submit(self, contract_id, reason=None, description="", **kw):
        """A member's request lands as a draft for the front desk: it is never submitted from the portal."""
        try:
            contract = self._document_check_access("clinic.prepaid.contract", contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        files = [upload for upload in request.httprequest.files.getlist("files") if upload.filename][:MAX_PORTAL_FILES]
        try:
            contract.sudo()._clinic_portal_ask_refund(
                reason, description, [(upload.filename, upload.read()) for upload in files]
            )
        except UserError as error:
            query = urlencode({"reason": reason or "", "error": error.args[0][:300]})
            return request.redirect(f"/my/prepaid-contracts/{contract.id}/refund?{query}")
        return request.redirect(f"/my/prepaid-contracts/{contract.id}?refund_asked=1")
