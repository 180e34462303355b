from werkzeug.exceptions import NotFound

from odoo import http
from odoo.addons.resource_booking.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, UserError
from odoo.http import request


class ClinicBookingPortal(CustomerPortal):
    """The member books a consultation or a treatment herself, then schedules it on resource_booking's page."""

    @http.route("/my/bookings/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_my_booking_new(self, type_id=None, **kw):
        """The booking types open to members; the POST (with the page's CSRF token) of one of them
        creates her pending booking (checked by the model) and opens its scheduling page."""
        member = request.env.user.partner_id.commercial_partner_id
        if not member.is_member:
            raise NotFound()
        Booking = request.env["resource.booking"]
        error = None
        if request.httprequest.method == "POST":
            booking_type = Booking._clinic_portal_types(member).filtered(lambda t: str(t.id) == str(type_id))
            try:
                with request.env.cr.savepoint():
                    booking = Booking._clinic_portal_book(booking_type[:1])
            except (UserError, AccessError) as exc:
                error = exc.args[0]
            else:
                return request.redirect(booking.get_portal_url(suffix="/schedule"))
        company = member.member_company_id or request.env.company
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "booking_types": Booking._clinic_portal_types(member),
                "blocked": Booking._clinic_self_booking_blocked(member, company)
                and Booking._clinic_no_show_message(company),
                "error": error,
                "page_name": "clinic_booking_new",
            }
        )
        return request.render("clinic_campaign.portal_my_booking_new", values)
