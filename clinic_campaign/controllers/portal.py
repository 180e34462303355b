import pytz
from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.addons.clinic_membership.controllers.portal import ClinicMembershipPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..models.clinic_emergency import MAX_PHOTO_BYTES


class ClinicEmergencyPortal(ClinicMembershipPortal):
    """The emergency line in the portal: the member reports an urgent problem and follows its status."""

    def _clinic_emergency_domain(self):
        return [("partner_id", "=", request.env.user.partner_id.commercial_partner_id.id)]

    @http.route("/my/emergencies", type="http", auth="user", website=True)
    def portal_my_emergencies(self, **kw):
        if not self._clinic_member():
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "cases": request.env["clinic.emergency"].search(self._clinic_emergency_domain()),
                "page_name": "clinic_emergencies",
            }
        )
        return request.render("clinic_campaign.portal_my_emergencies", values)

    @http.route("/my/emergencies/<int:case_id>", type="http", auth="user", website=True)
    def portal_my_emergency(self, case_id, reported=None, **kw):
        try:
            case = self._document_check_access("clinic.emergency", case_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update({"case": case, "reported": reported, "page_name": "clinic_emergency"})
        return request.render("clinic_campaign.portal_my_emergency", values)

    @http.route("/my/emergencies/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_my_emergency_new(self, description="", date_onset="", **kw):
        """The report form; its POST (with the page's CSRF token) opens the case for the member herself.

        Whatever is wrong (no description, a start in the future, a file that is no image) is said
        on the form, with what she typed, and nothing is recorded.
        """
        member = self._clinic_member()
        if not member:
            raise NotFound()
        error = None
        if request.httprequest.method == "POST":
            upload = request.httprequest.files.get("photo")
            photo = upload.read(MAX_PHOTO_BYTES + 1) if upload and upload.filename else None
            try:
                with request.env.cr.savepoint():
                    case = request.env["clinic.emergency"]._clinic_portal_report(description, date_onset, photo)
            except UserError as exc:
                error = exc.args[0]
            else:
                return request.redirect(f"/my/emergencies/{case.id}?reported=1")
        values = self._prepare_portal_layout_values()
        tz = request.env["clinic.emergency"]._clinic_form_tz(member.member_company_id or request.env.company)
        now = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        values.update(
            {
                "member": member,
                "description": description if isinstance(description, str) else "",
                "date_onset": date_onset if isinstance(date_onset, str) else "",
                "max_onset": now.strftime("%Y-%m-%dT%H:%M"),
                "error": error,
                "page_name": "clinic_emergency_new",
            }
        )
        return request.render("clinic_campaign.portal_my_emergency_new", values)
