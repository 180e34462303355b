from datetime import datetime, time, timedelta

import pytz
from babel.dates import format_skeleton

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.tools.misc import babel_locale_parse

ATTENDANCE = [("attended", "Attended"), ("no_show", "No-show")]


class ResourceBooking(models.Model):
    """OCA's bookings as the clinic's appointments: a member's tier sets how far ahead she books and
    whether she may take the priority hours; a member with too many no-shows books through the desk.

    The rules are the model's: whoever sets ``start`` (the portal's confirm route, with privilege
    raised, the desk's form, the calendar) is checked here; the portal only offers what passes."""

    _name = "resource.booking"
    _inherit = ["resource.booking", "clinic.guarded.mixin"]
    _clinic_protected_fields = ("clinic_attendance", "clinic_reminder_sent")

    clinic_kind = fields.Selection(related="type_id.clinic_kind")
    clinic_attendance = fields.Selection(
        ATTENDANCE,
        string="Attendance",
        copy=False,
        readonly=True,
        tracking=True,
        index="btree_not_null",
        help="Set by the desk (No-show) or by the member's checkout for the booked service on the booking's day.",
    )
    clinic_reminder_sent = fields.Boolean(string="Reminder Sent", copy=False, readonly=True)
    clinic_override_reason = fields.Char(
        string="Booked Outside the Rules Because",
        copy=False,
        tracking=True,
        help="A clinic manager books outside the member's tier rules (how far ahead, priority hours) with a reason.",
    )

    # ------------------------------------------------------------------ who books what

    def _clinic_member(self):
        self.ensure_one()
        return self.partner_ids[:1].commercial_partner_id

    def _clinic_company(self):
        return self.type_id.company_id or self.env.company

    def _clinic_tier(self):
        """The member's tier; a contact who is no member books as the entry tier."""
        member = self._clinic_member()
        if member.is_member and member.tier_id:
            return member.tier_id
        return self.env["clinic.membership.tier"].sudo()._tiers_by_company(self._clinic_company())[:1]

    @api.model
    def _clinic_booker(self):
        """Who books: the user of the request being served (resource_booking's portal routes work as
        the superuser when given the booking's token), else the environment's user."""
        request_env = getattr(request, "env", None) if request else None
        return request_env.user if request_env is not None else self.env.user

    def _clinic_rules_apply(self, override=None):
        """Clinic bookings follow the rules, unless the system books or a manager gives a reason
        (``override``: the reason being given, else the booking's)."""
        self.ensure_one()
        booker = self._clinic_booker()
        if not self.type_id.clinic_kind or booker._is_superuser():
            return False
        manager = not booker.share and booker.has_group("clinic_membership.group_clinic_manager")
        return not (manager and (override or self.clinic_override_reason))

    def _clinic_slot_refusal(self, start_dt, stop_dt, now, held=None):
        """Why the member may not book from ``start_dt`` to ``stop_dt`` (tz-aware), or None."""
        booking_type = self.type_id
        tier = self._clinic_tier().sudo()
        if tier:
            tz = booking_type._clinic_tz()
            last_day = now.astimezone(tz).date() + timedelta(days=tier.booking_horizon_days)
            if start_dt.astimezone(tz).date() > last_day:
                return self.env._(
                    "Members of tier %(tier)s book up to %(days)s days ahead, until %(date)s.",
                    tier=tier.name,
                    days=tier.booking_horizon_days,
                    date=fields.Date.to_string(last_day),
                )
        if (
            not tier.booking_priority
            and not booking_type._clinic_released(start_dt, now)
            and booking_type._clinic_is_held(start_dt, stop_dt, held)
        ):
            release = start_dt - timedelta(hours=booking_type.clinic_release_hours)
            return self.env._(
                "This time is held for priority members until %(release)s; choose another time or book it then.",
                release=release.astimezone(booking_type._clinic_tz()).strftime("%Y-%m-%d %H:%M"),
            )
        return None

    def _clinic_check_booking_rules(self, start=None, override=None):
        """Refuse a start (UTC, naive; default: the booking's) the member's tier does not allow."""
        now = pytz.utc.localize(fields.Datetime.now())
        for booking in self:
            when = start or booking.start
            if not when or not booking._clinic_rules_apply(override):
                continue
            start_dt = pytz.utc.localize(when)
            stop_dt = start_dt + timedelta(hours=booking.duration or booking.type_id.duration)
            if start_dt < now:
                continue  # what already happened is no booking decision
            refusal = booking._clinic_slot_refusal(start_dt, stop_dt, now)
            if refusal:
                raise ValidationError(refusal)
            if self._clinic_booker().share:
                booking._clinic_check_self_scheduling()

    @api.constrains("start", "type_id", "partner_ids")
    def _check_clinic_booking_rules(self):
        self._clinic_check_booking_rules()

    # ------------------------------------------------------------------ no-shows

    @api.model
    def _clinic_no_show_count(self, partner, company):
        since = fields.Datetime.now() - timedelta(days=company.clinic_no_show_days)
        return (
            self.sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("partner_ids", "child_of", partner.commercial_partner_id.id),
                    ("clinic_attendance", "=", "no_show"),
                    ("start", ">=", since),
                ]
            )
        )

    @api.model
    def _clinic_self_booking_blocked(self, partner, company):
        limit = company.clinic_no_show_limit
        return bool(limit) and self._clinic_no_show_count(partner, company) >= limit

    def _clinic_no_show_message(self, company):
        return self.env._(
            "After %(count)s missed appointments within %(days)s days, please book by calling the clinic.",
            count=company.clinic_no_show_limit,
            days=company.clinic_no_show_days,
        )

    def _clinic_check_self_booking(self):
        """A member creating her booking: her own, of a type open to members, and not blocked."""
        user_partner = self._clinic_booker().partner_id.commercial_partner_id
        for booking in self:
            booking_type = booking.type_id
            if booking._clinic_member() != user_partner or not user_partner.is_member:
                raise AccessError(self.env._("Members book only for themselves."))
            if not booking_type.clinic_portal_bookable:
                raise ValidationError(self.env._("Please book %s by calling the clinic.", booking_type.name))
        self._clinic_check_self_scheduling()

    def _clinic_check_self_scheduling(self):
        """A member choosing the time of her booking (logged in, or through the link the desk sent
        her, with its token): not another member's, and not after too many no-shows.
        ValidationError: the portal's confirm route shows it on the scheduling page."""
        booker = self._clinic_booker()
        for booking in self:
            member = booking._clinic_member()
            company = booking._clinic_company()
            if not booker._is_public() and booker.partner_id.commercial_partner_id != member:
                raise AccessError(self.env._("Members book only for themselves."))
            if self._clinic_self_booking_blocked(member, company):
                raise ValidationError(self._clinic_no_show_message(company))

    @api.model
    def _clinic_portal_types(self, partner):
        company = partner.member_company_id or self.env.company
        return (
            self.env["resource.booking.type"]
            .sudo()
            .search(
                [
                    ("clinic_kind", "!=", False),
                    ("clinic_portal_bookable", "=", True),
                    ("company_id", "in", (company.id, False)),
                ],
                order="clinic_kind, name",
            )
        )

    @api.model
    def _clinic_portal_book(self, booking_type):
        """A pending booking of ``booking_type`` for the logged-in member, to schedule in the portal."""
        user = self.env.user
        partner = user.partner_id.commercial_partner_id
        if not partner.is_member:
            raise AccessError(self.env._("Only members book online."))
        if booking_type not in self._clinic_portal_types(partner):
            raise UserError(self.env._("This booking type cannot be booked online."))
        # privilege raised: members read their bookings but create none directly; checked by create
        consultant = partner.sudo().consultant_id
        return self.sudo().create(
            {
                "type_id": booking_type.id,
                "partner_ids": [Command.set(user.partner_id.ids)],
                "user_id": consultant.id,
            }
        )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("clinic_override_reason") for vals in vals_list):
            self._clinic_check_can_override()
        bookings = super().create(vals_list)
        if self._clinic_booker().share:
            bookings.filtered("type_id.clinic_kind")._clinic_check_self_booking()
        return bookings

    def write(self, vals):
        if "clinic_override_reason" in vals:
            self._clinic_check_can_override()
        if vals.get("start"):
            # before anything is written: a refusal leaves the booking as it was (the portal's
            # confirm route catches it and commits the request)
            start = fields.Datetime.to_datetime(vals["start"])
            self._clinic_check_booking_rules(start, override=vals.get("clinic_override_reason"))
        return super().write(vals)

    def _clinic_check_can_override(self):
        if not self.env.su and not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise AccessError(self.env._("Only clinic managers book outside the members' rules."))

    # ------------------------------------------------------------------ attendance

    def _check_can_mark_attendance(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_user"):
            raise AccessError(self.env._("Only the clinic's staff record attendance."))
        now = fields.Datetime.now()
        for booking in self:
            if not booking.start or booking.start > now:
                raise UserError(
                    self.env._("%s has not started yet: attendance is recorded after.", booking.display_name)
                )
            if booking.state == "canceled":
                raise UserError(self.env._("%s is cancelled.", booking.display_name))

    def _do_mark_attendance(self, attendance):
        # privilege raised: attendance is the desk's record, written by this action only
        self.sudo().write({"clinic_attendance": attendance})

    def action_mark_no_show(self):
        self._check_can_mark_attendance()
        self._do_mark_attendance("no_show")
        return True

    def action_mark_attended(self):
        self._check_can_mark_attendance()
        self._do_mark_attendance("attended")
        return True

    @api.model
    def _clinic_attend_from_invoices(self, moves):
        """The member checked out for a booked service on the booking's day attended it."""
        for move in moves.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted"):
            products = move.invoice_line_ids.product_id
            day = move.invoice_date
            if not products or not day:
                continue
            bookings = (
                self.sudo()
                .search(
                    [
                        ("partner_ids", "child_of", move.commercial_partner_id.id),
                        ("type_id.product_id", "in", products.ids),
                        ("clinic_attendance", "=", False),
                        ("start", ">=", datetime.combine(day - timedelta(days=1), time.min)),
                        ("start", "<", datetime.combine(day + timedelta(days=2), time.min)),
                    ]
                )
                .filtered(lambda b, day=day: b._clinic_local_start().date() == day)
            )
            bookings.write({"clinic_attendance": "attended"})

    def _clinic_local_start(self):
        self.ensure_one()
        return pytz.utc.localize(self.start).astimezone(self.type_id._clinic_tz())

    # ------------------------------------------------------------------ portal slots

    def _clinic_portal_time(self):
        """The booked time as the member reads it: 2026-12-12 10:00 - 11:00 (the clinic's time zone);
        other bookings keep resource_booking's wording."""
        self.ensure_one()
        if not self.type_id.clinic_kind:
            return self.meeting_id.display_time or ""
        if not self.start or not self.stop:
            return ""
        tz = self.type_id._clinic_tz()
        start, stop = (pytz.utc.localize(when).astimezone(tz) for when in (self.start, self.stop))
        return f"{start:%Y-%m-%d %H:%M} - {stop:%H:%M}"

    def _get_available_slots(self, start_dt, end_dt):
        """Only the slots the member may book (her tier's horizon, priority hours)."""
        result = super()._get_available_slots(start_dt, end_dt)
        if not result or not self._clinic_rules_apply():
            return result
        duration = timedelta(hours=self.duration)
        slots = [slot for day_slots in result.values() for slot in day_slots]
        held = self.type_id._clinic_held_intervals(min(slots), max(slots) + duration)
        now = pytz.utc.localize(fields.Datetime.now())
        allowed = {}
        for day, day_slots in result.items():
            kept = [slot for slot in day_slots if not self._clinic_slot_refusal(slot, slot + duration, now, held)]
            if kept:
                allowed[day] = kept
        return allowed

    def _get_calendar_context(self, year=None, month=None, now=None):
        values = super()._get_calendar_context(year, month, now)
        lang = values["res_lang"].code
        values["clinic_month"] = _month_label(values["start"], lang)
        offset = values["start"].strftime("%z")
        values["clinic_utc_offset"] = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
        return values

    def _get_best_combination(self):
        try:
            return super()._get_best_combination()
        except ValidationError:
            if not self.type_id.clinic_kind:
                raise
            raise ValidationError(
                self.env._("Nobody is free at this time any more, or the clinic is closed: please choose another time.")
            ) from None

    @api.constrains("combination_id", "meeting_id", "type_id")
    def _check_scheduling(self):
        try:
            return super()._check_scheduling()
        except ValidationError:
            if not any(self.mapped("type_id.clinic_kind")):
                raise
            raise ValidationError(
                self.env._("Nobody is free at this time any more, or the clinic is closed: please choose another time.")
            ) from None

    def action_schedule(self):
        action = super().action_schedule()
        action["name"] = self.env._("Schedule the Booking")
        return action

    # ------------------------------------------------------------------ reminders

    @api.model
    def _cron_clinic_send_reminders(self):
        """Mail each member the day before her appointment, once (in her language)."""
        template = self.env.ref("clinic_campaign.mail_template_booking_reminder", raise_if_not_found=False)
        if not template:
            return
        now = fields.Datetime.now()
        bookings = self.sudo().search(
            [
                ("type_id.clinic_kind", "!=", False),
                ("clinic_reminder_sent", "=", False),
                ("meeting_id", "!=", False),
                ("start", ">", now),
                ("start", "<", now + timedelta(days=2)),
            ]
        )
        utc_now = pytz.utc.localize(now)
        for booking in bookings:
            tomorrow = utc_now.astimezone(booking.type_id._clinic_tz()).date() + timedelta(days=1)
            if booking._clinic_local_start().date() != tomorrow:
                continue
            if booking._clinic_member().email:
                template.send_mail(booking.id, email_layout_xmlid="mail.mail_notification_light")
            booking.write({"clinic_reminder_sent": True})


def _month_label(start, lang):
    """The calendar's month in the reader's language (2026年12月, December 2026)."""
    return format_skeleton("yMMMM", start, locale=babel_locale_parse(lang))
