from werkzeug.exceptions import NotFound

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
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
