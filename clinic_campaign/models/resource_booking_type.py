from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_RELEASE_HOURS = 24 * 30


class ResourceBookingType(models.Model):
    _name = "resource.booking.type"
    _inherit = ["resource.booking.type", "clinic.guarded.mixin"]

    clinic_kind = fields.Selection(
        [("consultation", "Consultation"), ("treatment", "Treatment")],
        string="Clinic Booking",
        help="Consultations and treatments follow the members' booking rules (how far ahead their tier books, "
        "priority hours, no-shows); other booking types (internal meetings) do not.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        domain="[('type', '=', 'service'), ('company_id', 'in', (company_id, False))]",
        help="The service the member is checked out for: her free quota of it applies at the checkout, "
        "and checking her out for it on the booking's day marks the booking attended.",
    )
    clinic_portal_bookable = fields.Boolean(
        string="Members Book Online",
        default=True,
        help="Members see this booking type at /my/bookings/new and schedule it themselves.",
    )
    clinic_priority_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Priority Hours",
        help="Hours held for the members whose tier books priority hours (e.g. Saturday mornings); "
        "they open to every member the release time before they start.",
    )
    clinic_release_hours = fields.Integer(
        string="Priority Hours Open to All (hours before)",
        default=24,
        help="Priority hours open to every member this many hours before they start.",
    )

    @api.constrains("clinic_release_hours")
    def _check_clinic_release_hours(self):
        for booking_type in self:
            if not 0 <= booking_type.clinic_release_hours <= MAX_RELEASE_HOURS:
                raise ValidationError(
                    self.env._("Priority hours open to all between 0 and %s hours before.", MAX_RELEASE_HOURS)
                )

    @api.constrains("clinic_kind", "product_id")
    def _check_clinic_product(self):
        for booking_type in self.filtered("clinic_kind"):
            if booking_type.product_id and booking_type.product_id.type != "service":
                raise ValidationError(self.env._("The service of a booking type is a service product."))

    def action_open_bookings(self):
        action = super().action_open_bookings()
        action["name"] = self.env._("Bookings")
        return action

    def _clinic_tz(self):
        self.ensure_one()
        return pytz.timezone(self.resource_calendar_id.tz or self.env.user.tz or "UTC")

    def _clinic_held_intervals(self, start_dt, end_dt):
        """Priority hours between the tz-aware ``start_dt`` and ``end_dt``, as (start, stop) pairs."""
        self.ensure_one()
        calendar = self.clinic_priority_calendar_id
        if not calendar:
            return []
        intervals = calendar._work_intervals_batch(start_dt, end_dt)[False]
        return [(start, stop) for start, stop, _meta in intervals]

    def _clinic_is_held(self, start_dt, stop_dt, held=None):
        """Whether the slot from ``start_dt`` to ``stop_dt`` (tz-aware) meets priority hours."""
        held = self._clinic_held_intervals(start_dt, stop_dt) if held is None else held
        return any(start < stop_dt and start_dt < stop for start, stop in held)

    def _clinic_released(self, start_dt, now):
        """Whether priority hours starting at ``start_dt`` are already open to every member at ``now``."""
        return start_dt - now <= timedelta(hours=self.clinic_release_hours)
