from datetime import datetime

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request

CONSENT_ORDER = ("sensitive", "photos_marketing", "marketing")


class ClinicPrivacyPortal(CustomerPortal):
    """The member's consents in her portal (个人信息保护法 arts. 14, 15): each with its text and version,
    its status and date, and one button to give or withdraw it."""

    def _clinic_privacy_member(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return partner if partner.is_member else request.env["res.partner"]

    @http.route("/my/privacy", type="http", auth="user", website=True)
    def portal_my_privacy(self, answered=None, **kw):
        member = self._clinic_privacy_member()
        if not member:
            raise NotFound()
        consents = member._clinic_consents()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "member": member,
                "consents": [consents[kind] for kind in CONSENT_ORDER if kind in consents],
                "answered": answered,
                "page_name": "clinic_privacy",
            }
        )
        return request.render("clinic_membership.portal_my_privacy", values)

    @http.route("/my/privacy/consent/<int:consent_id>", type="http", auth="user", website=True, methods=["POST"])
    def portal_answer_consent(self, consent_id, answer="", **kw):
        """Give (``answer=accept``) or withdraw (``answer=reject``) one of her own consents: a POST with the
        page's CSRF token, effective at once. Another member's consent is not found (her record rule)."""
        if not self._clinic_privacy_member() or answer not in ("accept", "reject"):
            raise NotFound()
        consent = request.env["privacy.consent"].search([("id", "=", consent_id)])
        if not consent:
            raise NotFound()
        consent._clinic_answer(answer == "accept", "portal", self._clinic_consent_metadata())
        return request.redirect(f"/my/privacy?answered={consent.id}")

    def _clinic_consent_metadata(self):
        """As privacy_consent's mail links record it: who answered from where."""
        environ = request.httprequest.environ
        return (
            f"User agent: {environ.get('HTTP_USER_AGENT')}\n"
            f"Remote IP: {environ.get('REMOTE_ADDR')}\n"
            f"Date and time: {datetime.now():%Y-%m-%d %H:%M:%S}"
        )
