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
