import base64
import binascii
import io
import logging
from datetime import datetime, timedelta

import pytz
from PIL import Image

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_datetime, plaintext2html
from odoo.tools.image import IMAGE_MAX_RESOLUTION
from odoo.tools.mimetypes import guess_mimetype

from .clinic_duty_roster import DEFAULT_CLINIC_TZ

_logger = logging.getLogger(__name__)

OPEN_STATES = ("new", "acknowledged")
CLOSED_STATES = ("resolved", "cancelled")
DEFAULT_RESPONSE_MINUTES = 30
# What staff type on a case; the member and the channel are given once, when it is opened.
EMERGENCY_USER_FIELDS = ("partner_id", "channel", "description", "date_onset", "photo", "move_id", "resolution")
FIXED_AFTER_OPENING = ("partner_id", "channel")
# A phone's clock a few minutes ahead of the server's is not a report from the future.
ONSET_TOLERANCE = timedelta(minutes=5)
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png")
ESCALATION_CHUNK = 100
ACTIVITY_TYPE = "clinic_campaign.mail_activity_type_emergency"
MANAGER_GROUP = "clinic_membership.group_clinic_manager"


class ClinicEmergency(models.Model):
    """An urgent problem of a member after a treatment (the emergency line).

    Reported by the member in the portal or logged by the front desk from a phone call, through
    ``create`` (``_clinic_open`` for code): the member's consultant and the day's on-call doctor get
    an activity and a notification, due within the clinic's response time; a case nobody
    acknowledged in time is escalated once to the clinic managers by a cron. Its state moves only
    through the actions (``_check_can_*`` then ``_do_*``, privilege raised once checked); each step
    is also written on the member's history.
    """

    _name = "clinic.emergency"
    _inherit = ["clinic.guarded.mixin", "clinic.health.record.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Emergency"
    _order = "date_reported desc, id desc"
    _clinic_user_fields = EMERGENCY_USER_FIELDS

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('is_member', '=', True)]",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    channel = fields.Selection(
        [("portal", "Member portal"), ("phone", "Phone call")],
        string="Reported Through",
        required=True,
        default="phone",
    )
    description = fields.Text(string="What Happened", required=True)
    date_onset = fields.Datetime(string="Since", help="Since when the member has the problem.")
    photo = fields.Image(max_width=1920, max_height=1920, help="A photo of the problem (JPEG or PNG, at most 10 MB).")
    move_id = fields.Many2one(
        "account.move",
        string="Treatment Invoice",
        ondelete="set null",
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted')]",
        help="The treatment the problem follows (by default the member's last invoice).",
    )
    consultant_id = fields.Many2one("res.users", readonly=True)
    doctor_id = fields.Many2one("res.users", string="On-call Doctor", readonly=True)
    state = fields.Selection(
        [("new", "New"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved"), ("cancelled", "Cancelled")],
        default="new",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    date_reported = fields.Datetime(string="Reported On", required=True, readonly=True, copy=False)
    date_due = fields.Datetime(string="Respond By", readonly=True, index=True, copy=False)
    date_acknowledged = fields.Datetime(string="Acknowledged On", readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    escalated = fields.Boolean(
        readonly=True, copy=False, tracking=True, help="Not acknowledged in time: handed to the clinic managers."
    )
    date_escalated = fields.Datetime(string="Escalated On", readonly=True, copy=False)
    resolution = fields.Text(help="What was done for the member; required to resolve the case.")
    date_resolved = fields.Datetime(string="Closed On", readonly=True, copy=False)
    can_respond = fields.Boolean(compute="_compute_can_respond")

    @api.depends_context("uid")
    @api.depends("consultant_id", "doctor_id")
    def _compute_can_respond(self):
        for case in self:
            case.can_respond = case._clinic_may_respond(self.env.user)

    # ------------------------------------------------------------------ what users write

    def _clinic_writable_fields(self):
        return set(EMERGENCY_USER_FIELDS) - set(FIXED_AFTER_OPENING)

    def _clinic_creatable_fields(self):
        return set(EMERGENCY_USER_FIELDS)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._clinic_check_report(vals, creating=True)
        cases = super().create(vals_list)
        cases._clinic_do_open()
        return cases

    def write(self, vals):
        if not self.env.su and set(vals) & set(EMERGENCY_USER_FIELDS):
            closed = self.filtered(lambda case: case.state in CLOSED_STATES)
            if closed:
                raise UserError(self.env._("%s is closed: it no longer changes.", closed[0].name))
        self._clinic_check_report(vals)
        return super().write(vals)

    def _clinic_complete_create_vals(self, vals):
        """The case's number, company, times and who answers it: the application's values."""
        partner = self.env["res.partner"].sudo().browse(vals["partner_id"]).commercial_partner_id
        company = partner.member_company_id or self.env.company
        now = fields.Datetime.now()
        minutes = company.clinic_emergency_response_minutes or DEFAULT_RESPONSE_MINUTES
        vals.update(
            {
                "partner_id": partner.id,
                "name": self.env["ir.sequence"].sudo().with_company(company).next_by_code("clinic.emergency") or "/",
                "company_id": company.id,
                "date_reported": now,
                "date_due": now + timedelta(minutes=minutes),
                "consultant_id": partner.consultant_id.id,
                "doctor_id": self.env["clinic.duty.roster"]._clinic_doctor_on_call(company).id,
            }
        )
        if not vals.get("move_id"):
            vals["move_id"] = self._clinic_last_invoice(partner, company).id
        return vals

    @api.model
    def _clinic_last_invoice(self, partner, company):
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                ],
                order="invoice_date desc, id desc",
                limit=1,
            )
        )

    # ------------------------------------------------------------------ checks of what is reported

    def _clinic_check_report(self, vals, creating=False):
        """What the member or the desk reports, checked before anything is recorded."""
        if creating and not vals.get("partner_id"):
            raise ValidationError(self.env._("Choose the member who has the problem."))
        if creating or "description" in vals:
            description = vals.get("description")
            if not isinstance(description, str) or not description.strip():
                raise ValidationError(self.env._("Say what happened: the description is required."))
        if vals.get("date_onset"):
            self._clinic_check_onset(vals["date_onset"])
        if vals.get("photo"):
            self._clinic_check_photo(vals["photo"])

    def _clinic_check_onset(self, value):
        try:
            onset = fields.Datetime.to_datetime(value)
        except (TypeError, ValueError):
            return  # the guarded mixin says the value is not a date
        if onset and onset > fields.Datetime.now() + ONSET_TOLERANCE:
            raise ValidationError(
                self.env._(
                    "The problem cannot have started in the future (%s): give the day and time it started.",
                    format_datetime(self.env, onset, dt_format="short"),
                )
            )

    def _clinic_check_photo(self, value):
        """A photo is a JPEG or PNG image of at most 10 MB that the image library can read."""
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise ValidationError(self.env._("The photo could not be read: send it again.")) from None
        if len(data) > MAX_PHOTO_BYTES:
            raise ValidationError(self.env._("The photo is larger than 10 MB: send a smaller one."))
        if guess_mimetype(data) not in PHOTO_TYPES:
            raise ValidationError(self.env._("The photo must be a JPEG or PNG image."))
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                image.verify()
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise ValidationError(self.env._("The photo is damaged and could not be read: send it again.")) from None
        if width * height > IMAGE_MAX_RESOLUTION:
            raise ValidationError(self.env._("The photo has too many pixels: send a smaller one."))

    @api.constrains("move_id", "partner_id")
    def _check_move(self):
        for case in self.filtered("move_id"):
            move = case.move_id.sudo()
            if move.commercial_partner_id != case.partner_id or move.move_type != "out_invoice":
                raise ValidationError(
                    self.env._(
                        "%(invoice)s is not an invoice of %(member)s.", invoice=move.name, member=case.partner_id.name
                    )
                )

    # ------------------------------------------------------------------ opening a case

    @api.model
    def _clinic_open(self, partner, description, *, date_onset=False, photo=False, channel="phone", move=None):
        """Open an urgent case for ``partner`` (``photo``: base64) after its checks; returns it for the caller.

        For code that checked who may open it (the portal's report, for the member herself):
        privilege is raised to create it. The desk's form opens a case through ``create``, the same way.
        """
        vals = {
            "partner_id": partner.id,
            "description": description,
            "date_onset": date_onset or False,
            "photo": photo or False,
            "channel": channel,
        }
        if move:
            vals["move_id"] = move.id
        case = self.sudo().create([vals])
        return self.browse(case.ids)

    @api.model
    def _clinic_portal_report(self, description, date_onset, photo):
        """The logged-in member's own report from the portal.

        ``date_onset`` is the form's local date and time ("2026-05-01T09:30", or empty), ``photo``
        the bytes of the uploaded file (or None).
        """
        member = self.env.user.partner_id.commercial_partner_id
        if not member.is_member:
            raise AccessError(self.env._("Only a member reports an urgent problem here."))
        onset = self._clinic_parse_local_datetime(date_onset, member.member_company_id or self.env.company)
        photo_data = base64.b64encode(photo) if photo else False
        return self._clinic_open(member, description, date_onset=onset, photo=photo_data, channel="portal")

    @api.model
    def _clinic_parse_local_datetime(self, text, company):
        """UTC of the date and time a form gave in the user's (or the clinic's) time zone."""
        if not text:
            return False
        try:
            local = datetime.strptime(str(text).strip()[:16], "%Y-%m-%dT%H:%M")
        except ValueError:
            raise ValidationError(self.env._("%s is not a date and time.", str(text)[:40])) from None
        tz = self._clinic_form_tz(company)
        return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _clinic_form_tz(self, company):
        """The time zone of the dates and times the user types: hers, else the clinic's."""
        return pytz.timezone(self.env.user.tz or company.partner_id.tz or DEFAULT_CLINIC_TZ)

    def _clinic_do_open(self):
        """Tell who answers the new cases (activity and notification), and write them on the members' history."""
        for case in self.sudo():
            case.with_context(lang=case._clinic_staff_lang())._clinic_announce()

    def _clinic_announce(self):
        self.ensure_one()
        channel = dict(self._fields["channel"]._description_selection(self.env))[self.channel]
        responders = self._clinic_responders()
        due = self._clinic_format(self.date_due)
        self.message_post(
            body=self.env._(
                "Urgent case of %(member)s (%(channel)s), to acknowledge by %(due)s: %(description)s",
                member=self.partner_id.name,
                channel=channel,
                description=self.description,
                due=due,
            ),
            partner_ids=responders.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )
        summary = self.env._("Urgent: %(member)s, acknowledge by %(due)s", member=self.partner_id.name, due=due)
        for user in responders:
            self._clinic_schedule_activity(user, summary)
        if not self.doctor_id:
            managers = self._clinic_managers()
            self.message_post(
                body=self.env._(
                    "No on-call doctor is on the duty roster for %(day)s: the clinic managers are told.",
                    day=fields.Date.to_string(self.env["clinic.duty.roster"]._clinic_today(self.company_id)),
                ),
                partner_ids=managers.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        # her history is read at the front desk: the case's content stays on the case
        self.partner_id._message_log(
            body=self.env._("Urgent case %(case)s opened (%(channel)s).", case=self.name, channel=channel)
        )

    # ------------------------------------------------------------------ who answers

    def _clinic_responders(self):
        """The member's consultant and the on-call doctor of the case (internal, active users)."""
        return (self.consultant_id | self.doctor_id).filtered(lambda user: user.active and not user.share)

    def _clinic_managers(self):
        """The clinic managers (and directors) of the case's company."""
        users = self.env.ref(MANAGER_GROUP).sudo().users
        return users.filtered(lambda user: user.active and not user.share and self.company_id in user.company_ids)

    def _clinic_may_respond(self, user):
        return bool(self) and (user in self.consultant_id | self.doctor_id or user.has_group(MANAGER_GROUP))

    def _clinic_staff_lang(self):
        return (self.consultant_id or self.doctor_id).lang or self.company_id.partner_id.lang or self.env.lang

    def _clinic_format(self, value):
        tz = self.company_id.partner_id.tz or DEFAULT_CLINIC_TZ
        return format_datetime(self.env, value, tz=tz, dt_format="short")

    def _clinic_schedule_activity(self, user, summary):
        """An urgent to-do for ``user`` today, unless she already has one on the case."""
        activity_type = self.env.ref(ACTIVITY_TYPE)
        if self.activity_ids.filtered(lambda act: act.user_id == user and act.activity_type_id == activity_type):
            return
        self.activity_schedule(
            ACTIVITY_TYPE,
            date_deadline=self.env["clinic.duty.roster"]._clinic_today(self.company_id),
            summary=summary,
            note=plaintext2html(self.description or ""),
            user_id=user.id,
        )

    def _clinic_done_activities(self, feedback):
        activities = self.sudo().activity_ids.filtered(lambda act: act.activity_type_id == self.env.ref(ACTIVITY_TYPE))
        if activities:
            activities.action_feedback(feedback=feedback)

    def _clinic_lock(self):
        """Row lock: an acknowledgement and the escalation cron wait for each other."""
        self.flush_recordset()
        self.env.cr.execute(SQL("SELECT id FROM clinic_emergency WHERE id = ANY(%s) ORDER BY id FOR UPDATE", self.ids))
        self.invalidate_recordset()

    def _action_write(self, vals):
        """What the actions set (state, times, who): with privilege raised, once the action checked who may."""
        return self.sudo().write(vals)

    # ------------------------------------------------------------------ actions

    def _check_can_respond(self):
        if self.env.su:
            return
        for case in self:
            if not case._clinic_may_respond(self.env.user):
                raise AccessError(
                    self.env._(
                        "Only the member's consultant, the on-call doctor of the case or a clinic manager answers %s.",
                        case.name,
                    )
                )

    def _check_open(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        for case in self:
            if case.state not in OPEN_STATES:
                raise UserError(self.env._("%(case)s is already %(state)s.", case=case.name, state=states[case.state]))

    def action_acknowledge(self):
        self._check_can_acknowledge()
        self._do_acknowledge()
        return True

    def _check_can_acknowledge(self):
        self._check_can_respond()
        for case in self:
            if case.state != "new":
                case._check_open()
                raise UserError(self.env._("%s was already acknowledged.", case.name))

    def _do_acknowledge(self):
        self._clinic_lock()
        self._check_can_acknowledge()  # another responder may have been quicker
        user = self.env.user
        self._action_write(
            {"state": "acknowledged", "date_acknowledged": fields.Datetime.now(), "acknowledged_by_id": user.id}
        )
        for case in self.sudo():
            case._clinic_done_activities(self.env._("Acknowledged by %s", user.name))
            case.partner_id._message_log(
                body=self.env._("Urgent case %(case)s acknowledged by %(user)s.", case=case.name, user=user.name)
            )

    def action_resolve(self):
        self._check_can_resolve()
        self._do_resolve()
        return True

    def _check_can_resolve(self):
        self._check_can_respond()
        self._check_open()
        for case in self:
            if not (case.resolution or "").strip():
                raise UserError(self.env._("Write what was done for the member before resolving %s.", case.name))

    def _do_resolve(self):
        self._clinic_lock()
        self._check_can_resolve()
        user, now = self.env.user, fields.Datetime.now()
        for case in self:
            vals = {"state": "resolved", "date_resolved": now}
            if not case.date_acknowledged:
                vals.update(date_acknowledged=now, acknowledged_by_id=user.id)
            case._action_write(vals)
            case._clinic_done_activities(self.env._("Resolved by %s", user.name))
            case.partner_id.sudo()._message_log(
                body=self.env._("Urgent case %(case)s resolved by %(user)s.", case=case.name, user=user.name)
            )

    def action_cancel(self):
        self._check_can_cancel()
        self._do_cancel()
        return True

    def _check_can_cancel(self):
        """A case opened by mistake (a duplicate, a wrong member) is cancelled by who answers it or who logged it."""
        user = self.env.user
        for case in self:
            if not self.env.su and (user.share or not (case._clinic_may_respond(user) or case.create_uid == user)):
                raise AccessError(self.env._("Only who answers %s or who logged it cancels it.", case.name))
        self._check_open()

    def _do_cancel(self):
        self._clinic_lock()
        self._check_can_cancel()
        user = self.env.user
        self._action_write({"state": "cancelled", "date_resolved": fields.Datetime.now()})
        for case in self.sudo():
            case.activity_ids.filtered(lambda act: act.activity_type_id == self.env.ref(ACTIVITY_TYPE)).unlink()
            case.partner_id._message_log(
                body=self.env._("Urgent case %(case)s cancelled by %(user)s.", case=case.name, user=user.name)
            )

    # ------------------------------------------------------------------ escalation

    @api.model
    def _cron_escalate(self):
        """Every few minutes: the cases still new after the response time go to the clinic managers, once.

        A chunk at a time; the rows are locked (those an acknowledgement holds are left for the next
        run) and read again under the lock, so a case is escalated once whatever runs at the same time.
        """
        now = fields.Datetime.now()
        domain = [("state", "=", "new"), ("escalated", "=", False), ("date_due", "<=", now)]
        candidates = self.sudo().search(domain, order="date_due, id", limit=ESCALATION_CHUNK)
        cases = candidates._clinic_lock_due(now)
        cases._do_escalate()
        remaining = self.sudo().search_count(domain) if len(candidates) == ESCALATION_CHUNK else 0
        self.env["ir.cron"]._notify_progress(done=len(cases), remaining=remaining)
        return cases

    def _clinic_lock_due(self, now):
        if not self:
            return self
        self.flush_model(["state", "escalated", "date_due"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM clinic_emergency WHERE id = ANY(%s) AND state = 'new' AND escalated IS NOT TRUE"
                " AND date_due <= %s ORDER BY id FOR UPDATE SKIP LOCKED",
                self.ids,
                now,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_recordset()
        return self.browse(ids)

    def _do_escalate(self):
        self.sudo().write({"escalated": True, "date_escalated": fields.Datetime.now()})
        for case in self.sudo():
            case.with_context(lang=case._clinic_staff_lang())._clinic_announce_escalation()

    def _clinic_announce_escalation(self):
        self.ensure_one()
        managers = self._clinic_managers()
        if not managers:
            _logger.warning(
                "Emergency %s escalated, but %s has no clinic manager to tell", self.name, self.company_id.name
            )
        minutes = self.company_id.clinic_emergency_response_minutes or DEFAULT_RESPONSE_MINUTES
        summary = self.env._(
            "Not acknowledged in time: %(member)s (%(case)s)", member=self.partner_id.name, case=self.name
        )
        for user in managers:
            self._clinic_schedule_activity(user, summary)
        self.message_post(
            body=self.env._(
                "Nobody acknowledged %(case)s within %(minutes)s minutes: escalated to the clinic managers.",
                case=self.name,
                minutes=minutes,
            ),
            partner_ids=managers.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )
        self.partner_id._message_log(
            body=self.env._(
                "Urgent case %(case)s was not acknowledged within %(minutes)s minutes: escalated to the managers.",
                case=self.name,
                minutes=minutes,
            )
        )
