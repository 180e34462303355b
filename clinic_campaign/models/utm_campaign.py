import logging
import random
import threading
import time
from datetime import timedelta

from psycopg2 import errorcodes
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.addons.clinic_membership.tools.member_segments import SEGMENTS
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CAMPAIGN_TYPES = [
    ("welcome", "Welcome Gift"),
    ("birthday", "Birthday Privilege"),
    ("holiday", "Holiday Promotion"),
    ("double_points", "Double-Points Days"),
    ("member_day", "Monthly Member Day"),
    ("referral", "Referral Reward"),
    ("event", "Event"),
    ("survey", "Satisfaction Survey"),
    ("newsletter", "Newsletter"),
]
CONSENT_CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("phone", "Phone"),
    ("wechat", "WeChat"),
]
# Types whose benefit is a points multiplier applied by the points ledger when members earn.
MULTIPLIER_TYPES = ("double_points", "member_day")
# Types whose template is mailed by the automations, with their default template.
DEFAULT_TEMPLATES = {
    "welcome": "clinic_campaign.mail_template_campaign_welcome",
    "birthday": "clinic_campaign.mail_template_campaign_birthday",
    "holiday": "clinic_campaign.mail_template_campaign_holiday",
    "member_day": "clinic_campaign.mail_template_campaign_member_day",
    "referral": "clinic_campaign.mail_template_campaign_referral",
}
# Types announced to their members by the Launch button, with the grant period it records: a holiday
# launch is the holiday grant itself (its bonus points included, once, whether the cron or the
# button comes first); the others announce their benefit (no points: those come with spending).
LAUNCH_PERIODS = {"holiday": "holiday", "double_points": "launch", "member_day": "launch", "referral": "launch"}
CONTACTED_STATES = ("sent", "activity")
# Members granted per transaction by the automations (each chunk committed in a cron).
AUTOMATION_CHUNK = 500
# Tries of a chunk that meets members updated at the same moment, before the run is left to a new
# run a few minutes later (committed chunks stay: the automations resume where they stopped).
CHUNK_TRIES = 5
RETRY_LATER = timedelta(minutes=5)
CONCURRENCY_ERRORS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.LockNotAvailable)
# Results counted by _clinic_refresh_results, never typed.
RESULT_FIELDS = {
    "clinic_reached_count",
    "clinic_skipped_count",
    "clinic_participant_count",
    "clinic_revenue",
    "clinic_returned_count",
    "clinic_points_issued",
    "clinic_gift_cost",
    "clinic_survey_count",
    "clinic_survey_score",
    "clinic_nps",
    "clinic_results_date",
}
SKIPPED_STATES = ("no_consent", "no_email")


class UtmCampaign(models.Model):
    _name = "utm.campaign"
    _inherit = ["utm.campaign", "clinic.guarded.mixin"]
    # the results are counted by _clinic_refresh_results: given by nobody, on create or write
    _clinic_protected_fields = tuple(sorted(RESULT_FIELDS))

    clinic_campaign_type = fields.Selection(CAMPAIGN_TYPES, index=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    tier_ids = fields.Many2many(
        "clinic.membership.tier",
        "utm_campaign_clinic_tier_rel",
        "campaign_id",
        "tier_id",
        string="Target Tiers",
        help="Members of these tiers take part; leave empty for every tier.",
    )
    target_segment = fields.Selection(
        SEGMENTS,
        help="Only members of this segment (scored every night) take part; empty: every segment. "
        "A reactivation campaign targets the dormant members and counts those who came back.",
    )
    consent_channel = fields.Selection(
        CONSENT_CHANNELS,
        string="Channel",
        default="email",
        help="How members are contacted; only members who consented to this channel are contacted.",
    )
    date_start = fields.Date(string="Start Date", help="First day of the campaign (empty: already running).")
    date_end = fields.Date(string="End Date", help="Last day of the campaign (empty: no end).")
    points_multiplier = fields.Float(
        default=1.0,
        digits=(16, 2),
        help="Points earned on invoices are multiplied by this (double-points days, member days).",
    )
    bonus_points = fields.Integer(help="Points granted to each member the campaign rewards.")
    member_day_of_month = fields.Integer(
        string="Member Day", default=18, help="Day of the month (1-28) of the monthly member day."
    )
    discount_product_id = fields.Many2one(
        "product.product", string="Coupon / Discount Product", help="Discount or gift offered by the campaign."
    )
    benefit_description = fields.Text(string="Benefit", translate=True)
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'res.partner')]",
        help="Mailed to members who consented to email when the campaign rewards them.",
    )
    clinic_overlap_warning = fields.Char(compute="_compute_clinic_overlap_warning", string="Overlap Warning")
    clinic_empty_warning = fields.Char(compute="_compute_clinic_empty_warning", string="Empty Campaign Warning")
    clinic_attribution_days = fields.Integer(
        string="Attribution Window (days)",
        default=30,
        help="Revenue counted for the campaign: what each participant spends from the day the campaign first "
        "reached them to this many days later.",
    )
    survey_id = fields.Many2one("survey.survey", string="Satisfaction Survey")
    clinic_grant_ids = fields.One2many("clinic.campaign.grant", "campaign_id", string="Grants")
    clinic_event_ids = fields.One2many("event.event", "clinic_campaign_id", string="Events")
    clinic_grant_count = fields.Integer(compute="_compute_clinic_grant_count", string="Grant Count")
    # Results: stored so that the dashboard can group and sum them; refreshed by the
    # automations, a daily cron and the Refresh button (they span many models).
    clinic_reached_count = fields.Integer(string="Members Reached", readonly=True, copy=False)
    clinic_skipped_count = fields.Integer(
        string="Skipped (no consent)",
        readonly=True,
        copy=False,
        help="Members not contacted: no consent or no usable address.",
    )
    clinic_participant_count = fields.Integer(string="Participants", readonly=True, copy=False)
    clinic_returned_count = fields.Integer(
        string="Came Back",
        readonly=True,
        copy=False,
        help="Participants with a visit credited to the campaign: invoiced within its attribution window.",
    )
    clinic_revenue = fields.Monetary(
        string="Revenue of Participants",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="Untaxed invoiced revenue (credit notes deducted) of each participant from the day the campaign "
        "first reached them to the end of the attribution window. Last touch: an invoice is credited once, to the "
        "campaign that reached the member last before it.",
    )
    clinic_points_issued = fields.Integer(string="Points Issued", readonly=True, copy=False)
    clinic_gift_cost = fields.Monetary(
        string="Gifts and Discounts",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="What the campaign's coupon, discount or gift product cost on the invoices credited to it: the discount "
        "given (credit notes deducted), and a gift handed over at no charge at the product's cost.",
    )
    clinic_survey_count = fields.Integer(string="Survey Answers", readonly=True, copy=False)
    clinic_survey_score = fields.Float(
        string="Average Survey Score", digits=(16, 2), readonly=True, copy=False, aggregator="avg", help="Out of 10."
    )
    clinic_nps = fields.Float(
        string="NPS",
        digits=(16, 1),
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Promoters minus detractors, in percent.",
    )
    clinic_results_date = fields.Datetime(string="Results Refreshed On", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_can_configure(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_can_configure(vals)
        return super().write(vals)

    def _check_can_configure(self, vals):
        """A clinic campaign's type, targets and benefits (points!) are a Clinic Manager's to set."""
        clinic_fields = {name for name in vals if self._fields[name]._module == "clinic_campaign"} - RESULT_FIELDS
        if clinic_fields and not self.env.su and not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise AccessError(self.env._("Only a Clinic Manager sets up a clinic campaign and its benefits."))

    @api.depends("company_id")
    def _compute_currency_id(self):
        for campaign in self:
            campaign.currency_id = (campaign.company_id or self.env.company).currency_id

    @api.depends("clinic_grant_ids")
    def _compute_clinic_grant_count(self):
        counts = dict(
            self.env["clinic.campaign.grant"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
            )
        )
        for campaign in self:
            campaign.clinic_grant_count = counts.get(campaign._origin, 0)

    @api.constrains("date_start", "date_end")
    def _check_clinic_dates(self):
        for campaign in self:
            if campaign.date_start and campaign.date_end and campaign.date_end < campaign.date_start:
                raise ValidationError(
                    self.env._(
                        "Campaign %(campaign)s ends on %(end)s, before it starts on %(start)s.",
                        campaign=campaign.title,
                        end=campaign.date_end,
                        start=campaign.date_start,
                    )
                )

    @api.constrains(
        "points_multiplier", "bonus_points", "member_day_of_month", "clinic_campaign_type", "clinic_attribution_days"
    )
    def _check_clinic_benefit(self):
        for campaign in self:
            if campaign.points_multiplier < 1:
                raise ValidationError(
                    self.env._(
                        "The points multiplier of %(campaign)s is %(multiplier)s: it cannot be under 1.",
                        campaign=campaign.title,
                        multiplier=campaign.points_multiplier,
                    )
                )
            if campaign.bonus_points < 0:
                raise ValidationError(self.env._("Bonus points cannot be negative."))
            if not 0 <= campaign.clinic_attribution_days <= 3650:
                raise ValidationError(self.env._("The attribution window is between 0 and 3,650 days."))
            if campaign.clinic_campaign_type == "member_day" and not 1 <= campaign.member_day_of_month <= 28:
                raise ValidationError(self.env._("The member day must be a day of the month between 1 and 28."))

    @api.onchange("clinic_campaign_type")
    def _onchange_clinic_campaign_type(self):
        """The template follows the type, unless someone chose a template of their own."""
        defaults = self.env["mail.template"]
        for xmlid in DEFAULT_TEMPLATES.values():
            defaults |= self.env.ref(xmlid, raise_if_not_found=False) or defaults
        if not self.mail_template_id or self.mail_template_id in defaults:
            xmlid = DEFAULT_TEMPLATES.get(self.clinic_campaign_type)
            self.mail_template_id = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else False
        if self.clinic_campaign_type == "double_points" and self.points_multiplier == 1:
            self.points_multiplier = 2.0

    @api.depends(
        "clinic_campaign_type", "points_multiplier", "bonus_points", "discount_product_id", "benefit_description"
    )
    def _compute_clinic_empty_warning(self):
        for campaign in self:
            grants_nothing = (
                campaign.clinic_campaign_type in LAUNCH_PERIODS
                and campaign.points_multiplier <= 1
                and not campaign.bonus_points
                and not campaign.discount_product_id
                and not (campaign.benefit_description or "").strip()
            )
            campaign.clinic_empty_warning = (
                self.env._(
                    "This campaign grants nothing yet: no points multiplier, no bonus points, no coupon and no "
                    "benefit described. Members would receive an empty announcement."
                )
                if grants_nothing
                else False
            )

    # ------------------------------------------------------------------ overlapping multipliers

    @api.depends("clinic_campaign_type", "points_multiplier", "date_start", "date_end", "tier_ids", "active")
    def _compute_clinic_overlap_warning(self):
        for campaign in self:
            others = campaign._clinic_overlapping_multipliers()
            campaign.clinic_overlap_warning = (
                self.env._(
                    "Points multipliers do not add up: on a day when several campaigns apply to a member, only "
                    "the highest multiplier counts. Overlapping: %s.",
                    ", ".join(f"{other.title} ×{other.points_multiplier:g}" for other in others),
                )
                if others
                else False
            )

    def _clinic_overlapping_multipliers(self):
        """Other active multiplier campaigns of the company whose dates and tiers meet this one's."""
        self.ensure_one()
        if self.clinic_campaign_type not in MULTIPLIER_TYPES or self.points_multiplier <= 1:
            return self.browse()
        domain = [
            ("clinic_campaign_type", "in", MULTIPLIER_TYPES),
            ("points_multiplier", ">", 1),
            ("id", "!=", self._origin.id or 0),
            ("company_id", "in", [(self.company_id or self.env.company).id, False]),
        ]
        if self.date_end:
            domain += ["|", ("date_start", "=", False), ("date_start", "<=", self.date_end)]
        if self.date_start:
            domain += ["|", ("date_end", "=", False), ("date_end", ">=", self.date_start)]
        others = self.search(domain)
        tiers = self.tier_ids._origin  # the real tiers, also while the form is being edited
        if tiers:
            others = others.filtered(lambda other: not other.tier_ids or other.tier_ids & tiers)
        return others.filtered(self._clinic_shares_a_day_with)

    def _clinic_shares_a_day_with(self, other):
        """Whether a day exists on which both multipliers apply (member days apply on their day only)."""
        starts = [day for day in (self.date_start, other.date_start) if day]
        ends = [day for day in (self.date_end, other.date_end) if day]
        first, last = max(starts, default=None), min(ends, default=None)
        days_of_month = {c.member_day_of_month for c in (self, other) if c.clinic_campaign_type == "member_day"}
        if len(days_of_month) > 1:
            return False  # two member days on different days of the month never meet
        if not days_of_month or not first or not last or (last - first).days >= 31:
            return True
        (day_of_month,) = days_of_month
        return any((first + timedelta(days=n)).day == day_of_month for n in range((last - first).days + 1))

    @api.onchange("clinic_campaign_type", "points_multiplier", "date_start", "date_end", "tier_ids")
    def _onchange_clinic_overlap(self):
        if self.clinic_overlap_warning:
            return {
                "warning": {
                    "title": self.env._("Overlapping points multipliers"),
                    "message": self.clinic_overlap_warning,
                }
            }
        return None

    # ------------------------------------------------------------------ targeting

    def _clinic_is_running(self, date):
        self.ensure_one()
        return (
            self.active
            and (not self.date_start or self.date_start <= date)
            and (not self.date_end or date <= self.date_end)
        )

    @api.model
    def _clinic_running(self, campaign_types, date):
        """Campaigns of these types running on ``date``."""
        campaigns = self.search([("clinic_campaign_type", "in", list(campaign_types))])
        return campaigns.filtered(lambda c: c._clinic_is_running(date))

    def _clinic_member_domain(self):
        self.ensure_one()
        domain = [("is_member", "=", True)]
        if self.tier_ids:
            domain.append(("tier_id", "in", self.tier_ids.ids))
        if self.target_segment:
            domain.append(("clinic_segment", "=", self.target_segment))
        if self.company_id:
            domain.append(("member_company_id", "=", self.company_id.id))
        return domain

    def _clinic_targets(self, partner):
        """Whether ``partner`` is a member this campaign is for."""
        self.ensure_one()
        return (
            partner.is_member
            and (not self.tier_ids or partner.tier_id in self.tier_ids)
            and (not self.target_segment or partner.clinic_segment == self.target_segment)
            and (not self.company_id or partner.member_company_id == self.company_id)
        )

    def _clinic_lock(self):
        """Serialise the automations of these campaigns across workers (crons, hooks)."""
        if self.ids:
            self.env.cr.execute(
                SQL("SELECT id FROM utm_campaign WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", self.ids)
            )

    # ------------------------------------------------------------------ grants

    def _clinic_grant(self, partner, period_key, *, points=None, date=None, source_ref=None, referee=None):
        """Reward ``partner`` once per ``period_key`` (see _clinic_grant_batch)."""
        return self._clinic_grant_batch(
            partner, period_key, points=points, date=date, source_ref=source_ref, referee=referee
        )

    def _clinic_grant_batch(self, partners, period_key, *, points=None, date=None, source_ref=None, referee=None):
        """Reward each of ``partners`` once per ``period_key``: bonus points, and a message by the
        campaign's channel, all in batches (one points ``create``, one mail batch, one grants ``create``).

        Returns the new ``clinic.campaign.grant`` rows; partners who already had it get nothing (the
        automations are idempotent: running them twice grants once).
        """
        self.ensure_one()
        Grant = self.env["clinic.campaign.grant"]._sudo_for_recording()
        already = Grant.search(
            [("campaign_id", "=", self.id), ("partner_id", "in", partners.ids), ("period_key", "=", period_key)]
        ).partner_id
        partners = partners - already
        if not partners:
            return self.env["clinic.campaign.grant"]
        date = date or fields.Date.context_today(self)
        points = self.bonus_points if points is None else points
        earners = partners.filtered("is_member") if points > 0 else partners.browse()
        moves = (
            self.env["clinic.points.move"]._clinic_record(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": partner.member_company_id.id,
                        "move_type": "earn",
                        "points": points,
                        "campaign_id": self.id,
                        "source_ref": source_ref or self.title,
                        "date": date,
                    }
                    for partner in earners
                ]
            )
            if earners
            else self.env["clinic.points.move"]
        )
        move_by_partner = {move.partner_id.id: move.id for move in moves}
        contact_states = self._clinic_contact_batch(partners, points=points)
        grants = Grant.create(
            [
                {
                    "campaign_id": self.id,
                    "partner_id": partner.id,
                    "company_id": (partner.member_company_id or self.company_id or self.env.company).id,
                    "period_key": period_key,
                    "date": date,
                    "points_move_id": move_by_partner.get(partner.id, False),
                    "referee_id": referee.id if referee else False,
                    "contact_state": contact_states[partner.id],
                }
                for partner in partners
            ]
        )
        return self.env["clinic.campaign.grant"].browse(grants.ids)

    def _clinic_contact_batch(self, partners, points=0):
        """Contact ``partners`` by the campaign's channel where they consented: {partner id: state}.
        Mails are generated in one batch; other channels give the consultant a to-do each."""
        self.ensure_one()
        channel = self.consent_channel or "email"
        states = {}
        to_mail = partners.browse()
        for partner in partners:
            if not partner._clinic_has_consent(channel):
                states[partner.id] = "no_consent"
            elif channel != "email":
                states[partner.id] = self._clinic_contact(partner, points=points)
            elif not self.mail_template_id:
                states[partner.id] = "none"
            elif not partner.email or partner.is_blacklisted:
                states[partner.id] = "no_email"
            else:
                states[partner.id] = "sent"
                to_mail |= partner
        if to_mail:
            self.mail_template_id.with_context(
                clinic_campaign_title=self.title,
                clinic_benefit=self.benefit_description or "",
                clinic_points=points,
            ).send_mail_batch(to_mail.ids)
        return states

    def _clinic_contact(self, partner, points=0):
        """Contact ``partner`` by the campaign's channel if they consented. Returns the contact state."""
        self.ensure_one()
        channel = self.consent_channel or "email"
        if not partner._clinic_has_consent(channel):
            return "no_consent"
        if channel == "email":
            template = self.mail_template_id
            if not template:
                return "none"
            if not partner.email or partner.is_blacklisted:
                return "no_email"
            template.with_context(
                clinic_campaign_title=self.title,
                clinic_benefit=self.benefit_description or "",
                clinic_points=points,
            ).send_mail(partner.id)
            return "sent"
        # No SMS / WeChat gateway is assumed: the consultant gets a to-do to contact the member.
        user = partner.consultant_id or self.user_id or self.env.user
        channel_label = dict(self._fields["consent_channel"]._description_selection(self.env))[channel]
        partner.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=self.env._(
                "%(campaign)s: contact %(member)s by %(channel)s",
                campaign=self.title,
                member=partner.name,
                channel=channel_label,
            ),
            note=self.benefit_description or "",
        )
        return "activity"

    # ------------------------------------------------------------------ automations

    @api.model
    def _cron_clinic_automations(self):
        """Daily: birthday privileges, member days, holiday promotions, welcome gifts catch-up.

        Set-based and resumable: each run finds the members one query at a time (those who did not
        get the grant of the period yet), grants them in chunks, and in a cron commits each chunk
        with its progress, so that a run killed half-way resumes where it stopped and never grants
        twice (the campaign row is locked while a chunk is granted).
        """
        today = fields.Date.context_today(self)
        runs = self._clinic_automation_runs(today)
        remaining = sum(campaign._clinic_count_targets(period, condition) for campaign, period, condition, _ref in runs)
        done = 0
        for campaign, period, condition, source_ref in runs:
            while True:
                granted = campaign._clinic_grant_chunk_retrying(period, condition, today, source_ref)
                if granted is None:
                    self._clinic_run_again_later()
                    return
                done += granted
                remaining = max(remaining - granted, 0)
                self._clinic_commit_progress(done, remaining)
                if granted < AUTOMATION_CHUNK:
                    break
        self.browse({campaign.id for campaign, *_rest in runs})._clinic_refresh_results()

    def _clinic_grant_chunk_retrying(self, period_key, condition, today, source_ref):
        """Grant the next chunk; in a cron, a chunk whose members are updated at the same moment
        (a checkout, an enrolment) is rolled back and tried again on fresh data, as Odoo retries a
        request. Returns how many were granted, or None when it still fails after CHUNK_TRIES."""
        if not self._clinic_commits_chunks():
            return self._clinic_grant_next_chunk(period_key, condition, today, source_ref)
        for attempt in range(1, CHUNK_TRIES + 1):
            try:
                granted = self._clinic_grant_next_chunk(period_key, condition, today, source_ref)
                self.env.flush_all()
                return granted
            except CONCURRENCY_ERRORS as error:
                self.env.cr.rollback()
                self.env.transaction.reset()
                wait = random.uniform(0.0, 0.5 * 2**attempt)  # noqa: S311 (a jitter, not a secret)
                _logger.info(
                    "Campaign automations: %s on a chunk of %s, try %s of %s, again in %.2fs",
                    errorcodes.lookup(error.pgcode),
                    self.title,
                    attempt,
                    CHUNK_TRIES,
                    wait,
                )
                time.sleep(wait)
        return None

    @api.model
    def _clinic_run_again_later(self):
        """What could not be granted now is granted by a new run soon (the committed chunks stay)."""
        cron = self.env.ref("clinic_campaign.ir_cron_campaign_automations", raise_if_not_found=False)
        if cron:
            cron._trigger(fields.Datetime.now() + RETRY_LATER)
        _logger.warning("Campaign automations: members kept changing; the rest is granted by a run in %s", RETRY_LATER)

    @api.model
    def _clinic_automation_runs(self, today):
        """(campaign, period key, SQL condition on res_partner, points label) of what runs today."""
        runs = []
        for campaign in self._clinic_running(["birthday"], today):
            runs.append(
                (
                    campaign,
                    str(today.year),
                    SQL("EXTRACT(MONTH FROM res_partner.birthday) = %s", today.month),
                    self.env._("%(campaign)s %(year)s", campaign=campaign.title, year=today.year),
                )
            )
        period = today.strftime("%Y-%m")
        for campaign in self._clinic_running(["member_day"], today):
            if campaign.member_day_of_month == today.day:
                label = self.env._("%(campaign)s %(month)s", campaign=campaign.title, month=period)
                runs.append((campaign, period, SQL("TRUE"), label))
        for campaign in self._clinic_running(["holiday"], today):
            runs.append((campaign, "holiday", SQL("TRUE"), None))
        for campaign in self._clinic_running(["welcome"], today):
            since = campaign.date_start or campaign.create_date.date()
            runs.append((campaign, "welcome", SQL("res_partner.member_since >= %s", since), None))
        return runs

    def _clinic_targets_query(self, period_key, condition):
        """The members this campaign targets, matching ``condition``, without its grant of the period."""
        self.ensure_one()
        query = self.env["res.partner"]._search(self._clinic_member_domain())
        query.add_where(condition)
        query.add_where(
            SQL(
                "NOT EXISTS (SELECT 1 FROM clinic_campaign_grant g WHERE g.partner_id = res_partner.id"
                " AND g.campaign_id = %s AND g.period_key = %s)",
                self.id,
                period_key,
            )
        )
        return query

    def _clinic_count_targets(self, period_key, condition):
        query = self._clinic_targets_query(period_key, condition)
        return self.env.execute_query(query.select(SQL("count(*)")))[0][0]

    def _clinic_grant_next_chunk(self, period_key, condition, today, source_ref):
        """Grant the next chunk of targets (the campaign locked meanwhile); returns how many."""
        self.ensure_one()
        self._clinic_lock()
        query = self._clinic_targets_query(period_key, condition)
        query.order = SQL("res_partner.id")
        query.limit = AUTOMATION_CHUNK
        ids = [row[0] for row in self.env.execute_query(query.select())]
        partners = self.env["res.partner"].browse(ids)
        self._clinic_grant_batch(partners, period_key, date=today, source_ref=source_ref)
        return len(ids)

    @api.model
    def _clinic_commits_chunks(self):
        """Whether this run commits chunk by chunk: in a cron, never in tests."""
        return bool(self.env.context.get("ir_cron_progress_id")) and not getattr(
            threading.current_thread(), "testing", False
        )

    @api.model
    def _clinic_commit_progress(self, done, remaining):
        """In a cron (never in tests), each chunk is committed with the progress of the run."""
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if self._clinic_commits_chunks():
            # committed chunk by chunk, as event's mail scheduler does: a killed run resumes
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _clinic_grant_welcome(self, partners):
        """Welcome gift of the running welcome campaigns to newly enrolled ``partners``."""
        today = fields.Date.context_today(self)
        campaigns = self._clinic_running(["welcome"], today)
        campaigns._clinic_lock()
        for campaign in campaigns:
            campaign._clinic_grant_batch(partners.filtered(campaign._clinic_targets), "welcome", date=today)

    # ------------------------------------------------------------------ launch

    def action_clinic_launch(self):
        """Announce the campaign now to its members (consent respected, once each) and log the reach."""
        self.ensure_one()
        self._check_can_launch()
        today = fields.Date.context_today(self)
        self._clinic_lock()
        period = LAUNCH_PERIODS[self.clinic_campaign_type]
        points = None if period == "holiday" else 0
        members = self.env["res.partner"].search(self._clinic_member_domain())
        grants = self._clinic_grant_batch(members, period, points=points, date=today)
        self._clinic_refresh_results()
        reached = len(grants.filtered(lambda g: g.contact_state in CONTACTED_STATES))
        skipped = len(grants.filtered(lambda g: g.contact_state in SKIPPED_STATES))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("%s launched", self.title),
                "message": self.env._(
                    "%(reached)s members contacted, %(skipped)s skipped (no consent or no address), "
                    "%(before)s already had it.",
                    reached=reached,
                    skipped=skipped,
                    before=self.env["res.partner"].search_count(self._clinic_member_domain()) - len(grants),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _check_can_launch(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise AccessError(self.env._("Only a Clinic Manager launches a clinic campaign."))
        if self.clinic_campaign_type not in LAUNCH_PERIODS:
            raise UserError(
                self.env._(
                    "A campaign of this type reaches members by itself (on joining, on their birthday, by "
                    "its events, surveys or mailings): it has nothing to launch."
                )
            )
        if not self._clinic_is_running(fields.Date.context_today(self)):
            raise UserError(self.env._("Campaign %s is not running today: check its dates.", self.title))

    # ------------------------------------------------------------------ results

    def action_clinic_refresh_results(self):
        self._clinic_refresh_results()
        return True

    @api.model
    def _cron_clinic_refresh_results(self):
        self.search([("clinic_campaign_type", "!=", False)])._clinic_refresh_results()

    def _clinic_refresh_results(self):
        now = fields.Datetime.now()
        touches = self._clinic_all_touch_dates()
        for campaign in self.filtered("clinic_campaign_type"):
            participants = campaign._clinic_participants()
            inputs = (
                self.env["survey.user_input"]
                .sudo()
                .search([("campaign_id", "=", campaign.id), ("state", "=", "done"), ("clinic_score_count", ">", 0)])
            )
            scores = inputs.mapped("clinic_score")
            grants = campaign.sudo().clinic_grant_ids
            mailed, skipped = campaign._clinic_mailing_counts()
            surveyed, survey_skipped = campaign._clinic_event_survey_counts()
            mailed += surveyed
            skipped += survey_skipped
            revenue, returned, gift_cost = campaign._clinic_credited(participants, touches)
            campaign.sudo().write(
                {
                    "clinic_reached_count": len(grants.filtered(lambda g: g.contact_state in CONTACTED_STATES))
                    + mailed,
                    "clinic_skipped_count": len(grants.filtered(lambda g: g.contact_state in SKIPPED_STATES)) + skipped,
                    "clinic_participant_count": len(participants),
                    "clinic_revenue": revenue,
                    "clinic_returned_count": returned,
                    "clinic_gift_cost": gift_cost,
                    "clinic_points_issued": campaign._clinic_points_issued(),
                    "clinic_survey_count": len(scores),
                    "clinic_survey_score": sum(scores) / len(scores) if scores else 0.0,
                    "clinic_nps": self._clinic_nps(scores),
                    "clinic_results_date": now,
                }
            )

    def _clinic_points_domain(self):
        """Points rows of the campaign, with the claw-backs of its earnings (credit notes, reset invoices)."""
        self.ensure_one()
        return [
            "|",
            ("campaign_id", "=", self.id),
            "&",
            ("campaign_id", "=", False),
            ("reversed_move_id.campaign_id", "=", self.id),
        ]

    def _clinic_points_issued(self):
        self.ensure_one()
        [(total,)] = self.env["clinic.points.move"].sudo()._read_group(self._clinic_points_domain(), [], ["points:sum"])
        return total or 0

    @api.model
    def _clinic_nps(self, scores):
        """Net promoter score of 0-10 scores: % of 9-10 minus % of 0-6."""
        if not scores:
            return 0.0
        promoters = len([s for s in scores if s >= 9])
        detractors = len([s for s in scores if s <= 6])
        return 100.0 * (promoters - detractors) / len(scores)

    def _clinic_participants(self):
        """Members the campaign reached or rewarded (never those it skipped), earning under it, registered to
        its events or answering its surveys."""
        self.ensure_one()
        env = self.sudo().env
        partners = self.clinic_grant_ids.filtered(
            lambda grant: grant.contact_state in CONTACTED_STATES or grant.points_move_id
        ).partner_id
        partners |= env["clinic.points.move"].search([("campaign_id", "=", self.id), ("points", ">", 0)]).partner_id
        partners |= (
            env["event.registration"]
            .search([("event_id.clinic_campaign_id", "=", self.id), ("state", "in", ("open", "done"))])
            .partner_id.commercial_partner_id
        )
        partners |= env["survey.user_input"].search([("campaign_id", "=", self.id), ("state", "=", "done")]).partner_id
        return partners

    def _clinic_all_touch_dates(self):
        """{campaign: {partner id: first day it reached them}} of every clinic campaign of the companies of
        ``self``: read once per refresh, for the last-touch attribution of each campaign's revenue."""
        companies = [*(self.company_id or self.env.company).ids, False]
        campaigns = self.search([("clinic_campaign_type", "!=", False), ("company_id", "in", companies)])
        return {campaign: campaign._clinic_first_touch_dates() for campaign in campaigns | self}

    def _clinic_credited(self, participants, touches):
        """(revenue, members who came back, gifts and discounts): what participants spent within the attribution
        window after the campaign first reached them, how many of them came for a visit in it, and what the
        campaign's own product cost on those invoices."""
        self.ensure_one()
        touched = {partner_id: day for partner_id, day in touches[self].items() if partner_id in participants.ids}
        if not touched:
            return 0.0, 0, 0.0
        window = timedelta(days=max(self.clinic_attribution_days, 0))
        domain = [
            ("commercial_partner_id", "in", list(touched)),
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("company_id", "=", (self.company_id or self.env.company).id),
            ("invoice_date", ">=", min(touched.values())),
            ("invoice_date", "<=", max(touched.values()) + window),
        ]
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                domain,
                ["commercial_partner_id", "invoice_date:day"],
                ["amount_untaxed_signed:sum", "move_type:array_agg"],
            )
        )
        later = self._clinic_later_touches(touched, touches)
        credited = [
            (partner, day, amount, move_types)
            for partner, day, amount, move_types in groups
            if touched[partner.id] <= day <= touched[partner.id] + window
            and not any(touch <= day <= end for touch, end in later.get(partner.id, ()))
        ]
        returned = {partner for partner, _day, _amount, move_types in credited if "out_invoice" in move_types}
        revenue = self.currency_id.round(sum(amount for _partner, _day, amount, _types in credited))
        return revenue, len(returned), self._clinic_gift_cost(domain, {(p.id, day) for p, day, _a, _t in credited})

    def _clinic_gift_cost(self, move_domain, credited_days):
        """The cost of the campaign's product on the credited invoices ({(member id, day)}): a discount line
        costs what it takes off, a gift given at no charge its product's cost; a credit note gives it back."""
        product = self.discount_product_id
        if not product or not credited_days:
            return 0.0
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    *(
                        (f"move_id.{field}", operator, value)
                        for field, operator, value in move_domain
                        if field != "commercial_partner_id"
                    ),
                    ("move_id.commercial_partner_id", "in", [partner_id for partner_id, _day in credited_days]),
                    ("display_type", "=", "product"),
                    ("product_id", "=", product.id),
                ]
            )
        )
        cost = 0.0
        for line in lines.filtered(
            lambda li: (li.move_id.commercial_partner_id.id, li.move_id.invoice_date) in credited_days
        ):
            sign = -1 if line.move_id.move_type == "out_refund" else 1
            if line.currency_id.is_zero(line.price_unit):
                cost += sign * line.quantity * product.standard_price
            else:
                cost += -sign * line.price_subtotal if line.price_subtotal < 0 else 0.0
        return self.currency_id.round(cost)

    def _clinic_later_touches(self, touched, touches):
        """{partner id: [(day, end of its window)]} of the other campaigns that reached each participant after
        this one: an invoice is credited to the campaign that reached the member last (last touch), once."""
        self.ensure_one()
        later = {}
        for other, other_touched in touches.items():
            if other == self or (other.company_id and other.company_id != (self.company_id or other.company_id)):
                continue
            window = timedelta(days=max(other.clinic_attribution_days, 0))
            for partner_id, own in touched.items():
                day = other_touched.get(partner_id)
                if day and (day > own or (day == own and other.id > self.id)):
                    later.setdefault(partner_id, []).append((day, day + window))
        return later

    def _clinic_first_touch_dates(self):
        """{partner id: the first day the campaign reached or rewarded them} (never the members it skipped)."""
        self.ensure_one()
        env = self.sudo().env
        first = {}

        def keep(partner_id, day):
            if partner_id and day and (partner_id not in first or day < first[partner_id]):
                first[partner_id] = day

        for partner, day in env["clinic.campaign.grant"]._read_group(
            [
                ("campaign_id", "=", self.id),
                "|",
                ("contact_state", "in", CONTACTED_STATES),
                ("points_move_id", "!=", False),
            ],
            ["partner_id"],
            ["date:min"],
        ):
            keep(partner.id, day)
        for partner, day in env["clinic.points.move"]._read_group(
            [("campaign_id", "=", self.id), ("points", ">", 0)], ["partner_id"], ["date:min"]
        ):
            keep(partner.id, day)
        for registration in env["event.registration"].search(
            [("event_id.clinic_campaign_id", "=", self.id), ("state", "in", ("open", "done"))]
        ):
            keep(registration.partner_id.commercial_partner_id.id, registration.create_date.date())
        for answer in env["survey.user_input"].search([("campaign_id", "=", self.id), ("state", "=", "done")]):
            keep(answer.partner_id.id, answer.create_date.date())
        return first

    def _clinic_mailing_counts(self):
        """(recipients mailed, members skipped for lack of consent) of the campaign's mass mailings."""
        self.ensure_one()
        mailings = self.env["mailing.mailing"].sudo().search([("campaign_id", "=", self.id)])
        if not mailings:
            return 0, 0
        sent = (
            self.env["mailing.trace"]
            .sudo()
            .search_count(
                [("mass_mailing_id", "in", mailings.ids), ("trace_status", "not in", ("cancel", "error", "bounce"))]
            )
        )
        return sent, sum(mailings.mapped("clinic_skipped_count"))

    def _clinic_event_survey_counts(self):
        """(attendees invited to the satisfaction survey, attendees skipped for lack of consent) of the events."""
        self.ensure_one()
        counts = dict(
            self.env["event.registration"]
            .sudo()
            ._read_group(
                [("event_id.clinic_campaign_id", "=", self.id), ("clinic_survey_state", "!=", False)],
                ["clinic_survey_state"],
                ["__count"],
            )
        )
        return counts.get("sent", 0), counts.get("skipped", 0)

    # ------------------------------------------------------------------ actions

    def action_clinic_view_grants(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_campaign.clinic_campaign_grant_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_clinic_view_points(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_membership.clinic_points_move_action")
        action["domain"] = self._clinic_points_domain()
        action["context"] = {}
        return action
