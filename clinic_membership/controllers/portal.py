from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import UserError
from odoo.http import request

from ..tools.pdf import pdf_engine_ready


class ClinicMembershipPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "clinic_points_balance" in counters:
            member = self._clinic_member()
            values["clinic_points_balance"] = member.points_balance if member else 0
        return values

    def _clinic_member(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return partner if partner.is_member else request.env["res.partner"]

    @http.route("/my/membership", type="http", auth="user", website=True)
    def portal_my_membership(self, **kw):
        member = self._clinic_member()
        if not member:
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "member": member,
                "points_moves": request.env["clinic.points.move"].search([("partner_id", "=", member.id)], limit=50),
                "lost_cards": request.env["clinic.member.card.loss"].search([("partner_id", "=", member.id)]),
                "card_lost": kw.get("card_lost"),
                "card_error": kw.get("card_error"),
                "data_requests": request.env["clinic.data.request"].search([("partner_id", "=", member.id)]),
                "data_request_sent": kw.get("data_request_sent"),
                "data_request_error": kw.get("data_request_error"),
                "page_name": "clinic_membership",
            }
        )
        return request.render("clinic_membership.portal_my_membership", values)

    @http.route("/my/membership/card", type="http", auth="user", website=True)
    def portal_my_member_card(self, **kw):
        member = self._clinic_member()
        if not member:
            raise NotFound()
        # Without a PDF engine the card is shown as the web page it is printed from, never an error page.
        return self._show_report(
            model=member,
            report_type="pdf" if pdf_engine_ready(request.env) else "html",
            report_ref="clinic_membership.action_report_member_card",
            download=False,
        )

    @http.route("/my/membership/card/lost", type="http", auth="user", website=True, methods=["POST"])
    def portal_report_member_card_lost(self, card_number="", **kw):
        """The member reports her own card lost (法释〔2025〕4号 art. 24): blocked at once, a new number issued.

        A POST with the page's CSRF token; ``card_number`` is the card she means, which must be her
        card in use: another member's number is refused and nothing moves.
        """
        member = self._clinic_member()
        if not member:
            raise NotFound()
        try:
            member._clinic_portal_report_card_lost(card_number)
        except UserError as error:
            return request.redirect("/my/membership?" + urlencode({"card_error": error.args[0][:300]}))
        return request.redirect("/my/membership?card_lost=1")

    @http.route("/my/membership/personal-data", type="http", auth="user", website=True, methods=["POST"])
    def portal_request_personal_data(self, kind="", confirm="", **kw):
        """The member asks for a copy of her personal information or its erasure (个人信息保护法 arts. 45,
        47): a POST with the page's CSRF token, always for herself (no partner is read from the form);
        an erasure only once she confirmed it."""
        if not self._clinic_member():
            raise NotFound()
        try:
            if kind == "erasure" and confirm != "1":
                raise UserError(request.env._("Tick the box to confirm the erasure."))
            request.env["clinic.data.request"]._clinic_portal_create(kind)
        except UserError as error:
            return request.redirect("/my/membership?" + urlencode({"data_request_error": error.args[0][:300]}))
        return request.redirect("/my/membership?data_request_sent=1")

    @http.route("/my/membership/personal-data/<int:request_id>/download", type="http", auth="user")
    def portal_download_personal_data(self, request_id, **kw):
        """The export file of one of her own finished requests; any other id is not found."""
        export = request.env["clinic.data.request"].browse(request_id)._clinic_portal_export()
        if not export:
            raise NotFound()
        stream = request.env["ir.binary"]._get_stream_from(export, "export_file", filename=export.export_filename)
        return stream.get_response(as_attachment=True)
