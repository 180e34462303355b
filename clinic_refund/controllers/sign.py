from odoo import http
from odoo.addons.sign_oca.controllers.main import PortalSign
from odoo.http import request
from odoo.osv import expression


class ClinicPortalSign(PortalSign):
    """sign_oca's download route serves the file of any signature request id to any logged-in user
    (``sudo()`` and no check) and mints a permanent access token on the file for the redirect. A
    member's contracts and settlement agreements are hers: the file goes only to a signer of the
    request (or to a user allowed to read it), straight, with no bearer link left behind."""

    @http.route()
    def portal_download_signed(self, request_id, **kw):
        sign_request = self._clinic_downloadable_sign_request(request_id)
        if not sign_request:
            return request.not_found()
        filename = sign_request.name or "document.pdf"
        if not filename.lower().endswith(".pdf"):
            filename = f"{filename}.pdf"
        stream = request.env["ir.binary"]._get_stream_from(
            sign_request, "data", filename=filename, mimetype="application/pdf"
        )
        return stream.get_response(as_attachment=True)

    def _clinic_downloadable_sign_request(self, request_id):
        """The request (as superuser) when the user may have its file, else an empty recordset; the
        same answer whether the request is someone else's or does not exist."""
        sign_request = request.env["sign.oca.request"].browse(request_id).exists()
        if not sign_request or sign_request.has_access("read"):
            return sign_request.sudo()
        is_signer = (
            request.env["sign.oca.request.signer"]
            .sudo()
            .search_count(
                expression.AND([[("request_id", "=", sign_request.id)], self.get_sign_requests_domain(request)]),
                limit=1,
            )
        )
        return sign_request.sudo() if is_signer else sign_request.browse()
