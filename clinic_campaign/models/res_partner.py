import operator
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .clinic_emergency import OPEN_STATES

MAILING_SYNC_FIELDS = {"is_member", "tier_id", "consent_email", "email", "name", "member_company_id"}
# Comparisons a count field of the consultant's member list is searched with.
COUNT_OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
DATE_OPERATORS = ("=", "<", "<=", ">", ">=")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The consultant's member list (会员 › 我的会员): computed for clinic staff, searched set-based.
    clinic_birthday_this_month = fields.Boolean(
        string="Birthday This Month",
        compute="_compute_clinic_birthday_this_month",
        search="_search_clinic_birthday_this_month",
        groups="clinic_membership.group_clinic_user",
    )
    clinic_last_visit_date = fields.Date(
        string="Last Visit",
        compute="_compute_clinic_last_visit",
        search="_search_clinic_last_visit_date",
        groups="clinic_membership.group_clinic_user",
        help="Date of the member's last posted customer invoice.",
    )
    clinic_days_since_visit = fields.Integer(
        string="Days Since Last Visit",
        compute="_compute_clinic_last_visit",
        groups="clinic_membership.group_clinic_user",
    )
    clinic_open_followup_count = fields.Integer(
        string="Open Follow-ups",
        compute="_compute_clinic_open_followup_count",
        search="_search_clinic_open_followup_count",
        groups="clinic_membership.group_clinic_health_own",
    )
    # the emergency line (clinic.emergency): the member's cases not resolved or cancelled yet
    clinic_emergency_open_count = fields.Integer(
        string="Open Emergencies",
        compute="_compute_clinic_emergency_open_count",
        search="_search_clinic_emergency_open_count",
        groups="clinic_membership.group_clinic_health_own",
    )
    # who opened her health records (auditlog.log, read logs of data/auditlog_rule_data.xml)
    clinic_access_log_count = fields.Integer(
        string="Health Record Accesses",
        compute="_compute_clinic_access_log_count",
        groups="clinic_membership.group_clinic_health_all",
    )
    clinic_booking_today_count = fields.Integer(
        string="Bookings Today",
        compute="_compute_clinic_booking_today_count",
        search="_search_clinic_booking_today_count",
        groups="clinic_membership.group_clinic_user",
        help="Her bookings starting today (the user's day), not cancelled.",
    )

    def action_enrol_member(self):
        result = super().action_enrol_member()
        self.env["utm.campaign"].sudo()._clinic_grant_welcome(self)
        return result

    def write(self, vals):
        handover = self._clinic_prepare_consultant_handover(vals) if "consultant_id" in vals else None
        result = super().write(vals)
        if handover:
            self._clinic_hand_over_followups(*handover)
        if MAILING_SYNC_FIELDS & set(vals):
            members = self.filtered(lambda p: p.is_member or p.sudo().member_company_id)
            members._clinic_sync_mailing_lists()
        return result

    # ------------------------------------------------------------------ the consultant's members

    @api.depends("birthday")
    @api.depends_context("tz")
    def _compute_clinic_birthday_this_month(self):
        month = fields.Date.context_today(self).month
        for partner in self:
            partner.clinic_birthday_this_month = bool(partner.birthday) and partner.birthday.month == month

    def _search_clinic_birthday_this_month(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise self._clinic_unsupported_search("clinic_birthday_this_month", operator)
        self.flush_model(["birthday"])
        born_this_month = SQL(
            "(SELECT id FROM res_partner WHERE EXTRACT(MONTH FROM birthday) = %s)",
            fields.Date.context_today(self).month,
        )
        return [("id", "in" if (operator == "=") == value else "not in", born_this_month)]

    @api.model
    def _clinic_visit_domain(self):
        """A visit: a posted customer invoice of the user's companies (credit notes are no visit)."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("invoice_date", "!=", False),
            ("company_id", "in", self.env.companies.ids),
        ]

    @api.depends_context("tz", "allowed_company_ids")
    def _compute_clinic_last_visit(self):
        # privilege raised to read one date per member: a consultant need not read invoices
        last_visits = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [*self._clinic_visit_domain(), ("commercial_partner_id", "in", self.ids)],
                ["commercial_partner_id"],
                ["invoice_date:max"],
            )
        )
        today = fields.Date.context_today(self)
        for partner in self:
            last_visit = last_visits.get(partner._origin)
            partner.clinic_last_visit_date = last_visit
            partner.clinic_days_since_visit = (today - last_visit).days if last_visit else 0

    def _search_clinic_last_visit_date(self, operator, value):
        """One statement: the members whose last visit compares to ``value`` (no visit: ``= False``)."""
        Move = self.env["account.move"]
        Move.flush_model(["move_type", "state", "invoice_date", "company_id", "commercial_partner_id"])
        visits = SQL(
            "SELECT commercial_partner_id FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted' "
            "AND invoice_date IS NOT NULL AND company_id = ANY(%s)",
            self.env.companies.ids,
        )
        if value is False and operator in ("=", "!="):
            return [("id", "not in" if operator == "=" else "in", SQL("(%s)", visits))]
        try:
            day = fields.Date.to_date(value) if operator in DATE_OPERATORS and value else None
        except (TypeError, ValueError):
            day = None
        if not day:
            raise self._clinic_unsupported_search("clinic_last_visit_date", operator)
        return [
            (
                "id",
                "in",
                SQL(
                    "(%s GROUP BY commercial_partner_id HAVING MAX(invoice_date) %s %s)",
                    visits,
                    SQL(operator),  # one of DATE_OPERATORS
                    day,
                ),
            )
        ]

    def _compute_clinic_open_followup_count(self):
        counts = dict(
            self.env["clinic.followup.task"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "planned")], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.clinic_open_followup_count = counts.get(partner._origin, 0)

    def _compute_clinic_emergency_open_count(self):
        counts = dict(
            self.env["clinic.emergency"]._read_group(
                [("partner_id", "in", self.ids), ("state", "in", OPEN_STATES)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.clinic_emergency_open_count = counts.get(partner._origin, 0)

    def _compute_clinic_access_log_count(self):
        counts = dict(
            self.env["auditlog.log"]._read_group(
                [("clinic_partner_id", "in", self.ids)], ["clinic_partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.clinic_access_log_count = counts.get(partner._origin, 0)

    def action_view_clinic_access_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_campaign.auditlog_log_action_clinic_access")
        action["domain"] = [("clinic_partner_id", "=", self.commercial_partner_id.id)]
        return action

    def action_view_clinic_emergencies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_campaign.clinic_emergency_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_open": 1}
        return action

    def _search_clinic_open_followup_count(self, operator, value):
        return self._clinic_search_count(
            "clinic_open_followup_count", "clinic.followup.task", [("state", "=", "planned")], operator, value
        )

    def _search_clinic_emergency_open_count(self, operator, value):
        return self._clinic_search_count(
            "clinic_emergency_open_count", "clinic.emergency", [("state", "in", OPEN_STATES)], operator, value
        )

    @api.model
    def _clinic_bookings_today_domain(self):
        """Bookings starting today, in the user's time zone, not cancelled."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        today = fields.Date.context_today(self)
        start = tz.localize(datetime.combine(today, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        return [("start", ">=", start), ("start", "<", start + timedelta(days=1)), ("state", "!=", "canceled")]

    @api.depends_context("tz")
    def _compute_clinic_booking_today_count(self):
        counts = dict(
            self.env["resource.booking"]._read_group(
                [*self._clinic_bookings_today_domain(), ("partner_ids", "in", self.ids)], ["partner_ids"], ["__count"]
            )
        )
        for partner in self:
            partner.clinic_booking_today_count = counts.get(partner._origin, 0)

    def _search_clinic_booking_today_count(self, operator, value):
        return self._clinic_search_count(
            "clinic_booking_today_count",
            "resource.booking",
            self._clinic_bookings_today_domain(),
            operator,
            value,
            partner_field="partner_ids",
        )

    def _clinic_search_count(self, field_name, model, domain, operator, value, *, partner_field="partner_id"):
        """The partners whose count of ``model`` records matching ``domain`` compares to ``value``:
        the counts come from one grouped query."""
        if operator not in COUNT_OPERATORS or isinstance(value, bool) or not isinstance(value, int):
            raise self._clinic_unsupported_search(field_name, operator)
        compare = COUNT_OPERATORS[operator]
        counts = self.env[model]._read_group([*domain, (partner_field, "!=", False)], [partner_field], ["__count"])
        if compare(0, value):  # partners without any record match: exclude those that do not
            return [("id", "not in", [partner.id for partner, count in counts if not compare(count, value)])]
        return [("id", "in", [partner.id for partner, count in counts if compare(count, value)])]

    def _clinic_unsupported_search(self, field_name, operator):
        return UserError(
            self.env._(
                "%(field)s cannot be searched with %(operator)s.",
                field=self._fields[field_name]._description_string(self.env),
                operator=operator,
            )
        )

    # ------------------------------------------------------------------ handing members over

    def _clinic_prepare_consultant_handover(self, vals):
        """The members whose consultant ``vals`` changes, with their consultant before the change.

        A member's consultant is clinic staff's to change: the change hands her open follow-ups over
        (with privilege raised), so a user outside the clinic may not make it.
        """
        self._clinic_check_values({"consultant_id": vals["consultant_id"]})
        new_consultant = self.env["res.users"].browse(vals["consultant_id"] or [])
        changed = self.filtered(lambda p: p.consultant_id != new_consultant)
        if not changed:
            return None
        if not self.env.su and not self.env.user.has_group("clinic_membership.group_clinic_user"):
            raise AccessError(self.env._("Only clinic staff change a member's consultant."))
        return {partner.id: partner.consultant_id for partner in changed}, new_consultant

    def _clinic_hand_over_followups(self, old_consultants, new_consultant):
        """The planned follow-ups the previous consultant had of these members go to the new one, with
        their to-dos and meetings; done and cancelled ones stay as they were. Privilege raised: the
        application moves its own schedule, once the change of consultant was allowed."""
        if not new_consultant:
            return
        tasks = (
            self.env["clinic.followup.task"]
            .sudo()
            .search([("partner_id", "in", list(old_consultants)), ("state", "=", "planned")])
            .filtered(lambda task: task.user_id == old_consultants[task.partner_id.id])
        )
        if not tasks:
            return
        by_old_consultant = tasks.grouped("user_id")
        tasks.write({"user_id": new_consultant.id})
        tasks.activity_id.with_context(mail_activity_quick_update=True).write({"user_id": new_consultant.id})
        for old_consultant, old_tasks in by_old_consultant.items():
            old_tasks.calendar_event_id.with_context(no_mail_to_attendees=True).write(
                {
                    "user_id": new_consultant.id,
                    "partner_ids": [
                        Command.unlink(old_consultant.partner_id.id),
                        Command.link(new_consultant.partner_id.id),
                    ],
                }
            )
        for partner, partner_tasks in tasks.grouped("partner_id").items():
            partner.message_post(
                body=self.env._(
                    "%(count)s open follow-ups handed over from %(old)s to %(new)s: %(tasks)s",
                    count=len(partner_tasks),
                    old=old_consultants[partner.id].name,
                    new=new_consultant.name,
                    tasks=", ".join(partner_tasks.mapped("name")),
                ),
                author_id=self.env.user.partner_id.id,
            )

    # ------------------------------------------------------------------ newsletters

    def _clinic_sync_mailing_lists(self):
        """Keep one mailing contact per member subscribed to the list of its tier, if it consented to email.

        Unsubscribes are honoured: an opted-out subscription is never turned back on, and a
        member who opted out of one tier list is opted out of the next one too.
        """
        Contact = self.env["mailing.contact"].sudo()
        contacts = Contact.search([("clinic_partner_id", "in", self.ids)])
        by_partner = {contact.clinic_partner_id: contact for contact in contacts}
        for partner in self:
            wanted = partner._clinic_wanted_mailing_list()
            contact = by_partner.get(partner)
            if not contact:
                if not wanted:
                    continue
                contact = Contact.create(
                    {"name": partner.name, "email": partner.email, "clinic_partner_id": partner.id}
                )
            elif (contact.name, contact.email) != (partner.name, partner.email or False):
                contact.write({"name": partner.name, "email": partner.email})
            contact._clinic_subscribe_only(wanted)

    def _clinic_wanted_mailing_list(self):
        self.ensure_one()
        if not (self.is_member and self.tier_id and self.email and self._clinic_has_consent("email")):
            return self.env["mailing.list"]
        return self.tier_id._clinic_ensure_mailing_list()

    @api.model
    def _cron_clinic_sync_mailing_lists(self):
        contacts = self.env["mailing.contact"].sudo().search([("clinic_partner_id", "!=", False)])
        members = self.sudo().search([("is_member", "=", True)])
        (members | contacts.clinic_partner_id)._clinic_sync_mailing_lists()

    # ------------------------------------------------------------------ personal information (个人信息保护法)

    def _clinic_personal_data(self):
        """Her follow-ups, survey answers, event registrations and emergency cases."""
        data = super()._clinic_personal_data()
        data["follow_ups"] = self._clinic_export_rows(
            self.env["clinic.followup.task"].search([("partner_id", "=", self.id)], order="date_due, id"),
            ["name", "date_due", "state", "move_id"],
        )
        inputs = self.env["survey.user_input"].search([("partner_id", "=", self.id)], order="id")
        data["survey_answers"] = [
            {
                **self._clinic_export_rows(answer, ["survey_id", "create_date", "state", "clinic_score"])[0],
                "answers": [
                    {
                        "question": line.question_id.title,
                        "answer": line.value_char_box
                        or line.value_text_box
                        or line.suggested_answer_id.value
                        or (line.answer_type in ("numerical_box", "scale") and line[f"value_{line.answer_type}"])
                        or line.value_date
                        or line.value_datetime
                        or None,
                    }
                    for line in answer.user_input_line_ids
                    if not line.skipped
                ],
            }
            for answer in inputs
        ]
        data["event_registrations"] = self._clinic_export_rows(
            self.env["event.registration"].search([("partner_id", "=", self.id)], order="id"),
            ["event_id", "name", "email", "phone", "state", "create_date"],
        )
        data["emergencies"] = self._clinic_export_rows(
            self.env["clinic.emergency"].search([("partner_id", "=", self.id)], order="id"),
            ["name", "channel", "date_reported", "date_onset", "description", "state", "resolution"],
        )
        return data

    def _clinic_anonymise(self):
        """Her registrations and survey answers lose her name, email and phone, survey answers their free
        text; her emergency cases their description, photo, resolution and messages; follow-ups and
        meetings keep their dates with her former name replaced; her newsletter contacts are deleted."""
        result = super()._clinic_anonymise()
        name = self.name
        self.env["mailing.contact"].sudo().search([("clinic_partner_id", "=", self.id)]).unlink()
        self.env["event.registration"].sudo().search([("partner_id", "=", self.id)]).write(
            {"name": name, "email": False, "phone": False}
        )
        inputs = self.env["survey.user_input"].sudo().search([("partner_id", "=", self.id)])
        inputs.write({"email": False, "nickname": False})
        inputs.user_input_line_ids.filtered(lambda line: line.answer_type in ("char_box", "text_box")).unlink()
        cases = self.env["clinic.emergency"].sudo().search([("partner_id", "=", self.id)])
        cases.activity_ids.unlink()
        self.env["mail.message"].sudo().search(
            [("model", "=", "clinic.emergency"), ("res_id", "in", cases.ids)]
        ).unlink()
        cases.with_context(tracking_disable=True).write(
            {"description": self.env._("Erased at the member's request."), "photo": False, "resolution": False}
        )
        self._clinic_rename_access_logs()
        return result

    def _clinic_rename_access_logs(self):
        """Her access log stays (who opened her records, and when), named after the records as they now read."""
        logs = self.env["auditlog.log"].sudo().search([("clinic_partner_id", "=", self.id)])
        for log in logs.filtered("model_model"):
            record = self.env[log.model_model].sudo().with_context(auditlog_disabled=True).browse(log.res_id)
            log.name = record.exists().display_name or False

    def _clinic_redacted_columns(self):
        return [
            *super()._clinic_redacted_columns(),
            ("clinic_followup_task", "name"),
            ("calendar_event", "name"),
            ("calendar_event", "description"),
            ("calendar_attendee", "common_name"),
            ("mailing_trace", "email"),
        ]
