import re
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.member_segments import SEGMENTS, update_segments

CONSENT_CHANNELS = ("email", "sms", "phone", "wechat")

# Written by the nightly segment scoring only (``_clinic_score_segments``).
SEGMENT_FIELDS = ("clinic_segment", "clinic_segment_date", "clinic_visit_count", "clinic_net_revenue")

# Member fields only enrolment, leaving, the tier evaluation and the points ledger write (a manager
# changes a tier by hand through ``write``, which hands it to the same flow).
MEMBER_PROTECTED_FIELDS = (
    "is_member",
    "member_number",
    "member_since",
    "member_left_date",
    "member_company_id",
    "tier_id",
    "qualifying_spend",
    "points_balance",
    "points_expiry_warned_until",
    *SEGMENT_FIELDS,
    *(f"consent_{channel}_date" for channel in CONSENT_CHANNELS),
    "clinic_marketing_withdrawn",
)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "clinic.guarded.mixin"]
    _clinic_protected_fields = MEMBER_PROTECTED_FIELDS
    _clinic_indexed_texts = ("phone", "mobile")  # indexed by their digits, for the desk's search

    is_member = fields.Boolean(string="Member", readonly=True, copy=False, index=True)
    member_number = fields.Char(readonly=True, copy=False, index="btree_not_null")
    member_since = fields.Date(readonly=True, copy=False)
    member_left_date = fields.Date(string="Left on", readonly=True, copy=False)
    member_company_id = fields.Many2one(
        "res.company", string="Member of", readonly=True, copy=False, index="btree_not_null"
    )
    member_currency_id = fields.Many2one(related="member_company_id.currency_id", string="Member Currency")
    tier_id = fields.Many2one(
        "clinic.membership.tier",
        tracking=True,
        copy=False,
        index="btree_not_null",
        domain="[('company_id', '=', member_company_id)]",
    )
    tier_locked_until = fields.Date(
        copy=False,
        tracking=True,
        help="The periodic evaluation does not downgrade the member before this date.",
    )
    qualifying_spend = fields.Monetary(
        currency_field="member_currency_id",
        readonly=True,
        copy=False,
        help="Posted customer invoices minus credit notes, untaxed, in company currency, over the company's window.",
    )
    clinic_segment = fields.Selection(
        SEGMENTS,
        string="Segment",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Recency, frequency and value of her visits, scored every night (Clinic › Reporting › Segments).",
    )
    clinic_segment_date = fields.Date(string="In Segment Since", readonly=True, copy=False)
    clinic_visit_count = fields.Integer(
        string="Visits (12 Months)", readonly=True, copy=False, help="Days with a posted invoice, last twelve months."
    )
    clinic_net_revenue = fields.Monetary(
        string="Net Revenue (12 Months)",
        currency_field="member_currency_id",
        readonly=True,
        copy=False,
        help="Untaxed invoices minus credit notes of the last twelve months.",
    )
    points_move_ids = fields.One2many("clinic.points.move", "partner_id", string="Points Ledger")
    points_balance = fields.Integer(compute="_compute_points_balance", store=True, string="Points")
    points_expiry_warned_until = fields.Date(copy=False, readonly=True)
    clinic_benefit_html = fields.Html(
        string="Benefits This Period",
        compute="_compute_clinic_benefit_html",
        groups="clinic_membership.group_clinic_user",
        help="The benefits of the member's tier: how many this period, used and left.",
    )
    tier_change_ids = fields.One2many("clinic.tier.change", "partner_id", string="Tier History")
    member_card_loss_ids = fields.One2many(
        "clinic.member.card.loss",
        "partner_id",
        string="Lost Cards",
        groups="clinic_membership.group_clinic_user",
        help="The member's card numbers reported lost: blocked, each replaced by a new number.",
    )
    consultant_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        tracking=True,
        help="专属顾问: the member's consultant.",
    )
    referred_by_id = fields.Many2one("res.partner", string="Referred by", index="btree_not_null", copy=False)
    birthday = fields.Date()
    consent_email = fields.Boolean(string="Email Consent", copy=False)
    consent_email_date = fields.Date(string="Email Consent Date", readonly=True, copy=False)
    consent_sms = fields.Boolean(string="SMS Consent", copy=False)
    consent_sms_date = fields.Date(string="SMS Consent Date", readonly=True, copy=False)
    consent_phone = fields.Boolean(string="Phone Consent", copy=False)
    consent_phone_date = fields.Date(string="Phone Consent Date", readonly=True, copy=False)
    consent_wechat = fields.Boolean(string="WeChat Consent", copy=False)
    consent_wechat_date = fields.Date(string="WeChat Consent Date", readonly=True, copy=False)
    # The marketing consent (privacy.consent, 营销信息) answered "no": no channel contacts her, whatever its flag.
    clinic_marketing_withdrawn = fields.Boolean(
        string="Marketing Consent Withdrawn", compute="_compute_clinic_marketing_withdrawn", store=True, copy=False
    )

    _sql_constraints = [
        (
            "member_number_company_uniq",
            "UNIQUE(member_company_id, member_number)",
            "A member number is used once per company.",
        ),
    ]

    @api.depends("points_move_ids.points")
    def _compute_points_balance(self):
        balances = dict(
            self.env["clinic.points.move"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["points:sum"])
        )
        for partner in self:
            partner.points_balance = balances.get(partner._origin, 0)

    @api.constrains("birthday")
    def _check_birthday(self):
        today = fields.Date.context_today(self)
        for partner in self.filtered("birthday"):
            if partner.birthday > today or partner.birthday.year < 1900:
                raise ValidationError(
                    self.env._(
                        "%(name)s: a date of birth of %(date)s is not possible.",
                        name=partner.name,
                        date=fields.Date.to_string(partner.birthday),
                    )
                )

    def _clinic_is_minor_on(self, day):
        """Under 18 on ``day`` (the 18th birthday is the day she comes of age); unknown birthday or no
        contact: not a minor."""
        birthday = self[:1].birthday
        return bool(birthday and day and birthday + relativedelta(years=18) > day)

    @api.constrains("consultant_id")
    def _check_consultant_internal(self):
        for partner in self:
            if partner.consultant_id.share:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a clinic employee and cannot be the consultant of %(name)s.",
                        user=partner.consultant_id.name,
                        name=partner.name,
                    )
                )

    def _clinic_consultant_contact(self):
        """How the member reaches her consultant (member card, portal): only what the consultant
        publishes; empty when she has none or the consultant left."""
        self.ensure_one()
        consultant = self.sudo().consultant_id
        if not consultant.active:
            return {}
        return consultant._clinic_public_contact(self.sudo().member_company_id or consultant.company_id)

    @api.constrains("referred_by_id")
    def _check_referrer(self):
        for partner in self:
            if partner.referred_by_id and partner.referred_by_id.commercial_partner_id == partner.commercial_partner_id:
                raise ValidationError(self.env._("A member cannot be referred by themselves."))

    # ------------------------------------------------------------------ finding a member at the desk

    @api.model
    def _search_display_name(self, operator, value):
        """Also by member number (typed or scanned from the card) and by phone digits, whatever the spacing."""
        domain = super()._search_display_name(operator, value)
        if operator not in ("ilike", "=ilike", "=") or not isinstance(value, str) or not value.strip():
            return domain
        self._check_not_lost_card(value.strip())
        extra = [("member_number", "=ilike", value.strip())]
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 4 and len(digits) >= len(re.sub(r"[\s+()-]", "", value)):  # typed as a phone number
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM res_partner WHERE regexp_replace(COALESCE(phone, '') || ' ' || "
                    "COALESCE(mobile, ''), '\\D', '', 'g') LIKE %s",
                    f"%{digits}%",
                )
            )
            extra = expression.OR([extra, [("id", "in", [row[0] for row in self.env.cr.fetchall()])]])
        return expression.OR([domain, extra])

    @api.model
    def _check_not_lost_card(self, value):
        """A lost card's number (typed or scanned from its QR code) is refused with the reason, so that
        the desk is told why it finds nobody: a number identifies nobody once its card is lost."""
        if self.env.su:
            return
        loss = self.env["clinic.member.card.loss"]._find_lost_number(value, self.env.companies)
        if loss:
            raise UserError(
                self.env._(
                    "Card %(number)s was reported lost on %(date)s and is blocked: ask the member for her new card, "
                    "or find her by name or phone.",
                    number=loss.lost_number,
                    date=fields.Date.to_string(fields.Datetime.context_timestamp(self, loss.date)),
                )
            )

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any("tier_locked_until" in vals for vals in vals_list):
            self._check_can_lock_tier()
        partners = super().create(vals_list)
        for partner, vals in zip(partners, vals_list, strict=True):
            partner._stamp_consent_dates(vals)
        return partners

    def write(self, vals):
        if "tier_id" in vals and not self.env.su:
            return self._write_manual_tier(vals)
        if "tier_locked_until" in vals and not self.env.su:
            self._check_can_lock_tier()
        tier_change = self._prepare_tier_change(vals) if "tier_id" in vals else None
        result = super().write(vals)
        self._stamp_consent_dates(vals)
        if tier_change:
            self._log_tier_change(*tier_change)
        return result

    def _write_manual_tier(self, vals):
        """A manager's change of tier by hand: the same flow as the evaluation's, logged as manual."""
        self._check_can_change_tier()
        self._clinic_check_values(vals)
        vals = dict(vals)
        tier = self.env["clinic.membership.tier"].browse(vals.pop("tier_id"))
        result = self.write(vals) if vals else True
        self._clinic_set_tier(tier, "manual")
        return result

    def _check_can_lock_tier(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise AccessError(self.env._("Only a Clinic Manager can lock a member's tier."))

    def _check_can_change_tier(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise AccessError(self.env._("Only a Clinic Manager can change a member's tier by hand."))
        if any(not partner.is_member for partner in self):
            raise UserError(self.env._("Enrol the contact as a member before giving it a tier."))

    def _clinic_set_tier(self, tier, reason):
        """The only way a tier changes: enrolment, evaluation, leaving, or a manager's change (logged)."""
        return self.sudo().with_context(clinic_tier_reason=reason).write({"tier_id": tier.id})

    def _stamp_consent_dates(self, vals):
        today = fields.Date.context_today(self)
        dates = {
            f"consent_{channel}_date": today if vals[f"consent_{channel}"] else False
            for channel in CONSENT_CHANNELS
            if f"consent_{channel}" in vals
        }
        if dates:
            self.sudo().write(dates)

    def _clinic_has_consent(self, channel):
        self.ensure_one()
        return self.is_member and bool(self[f"consent_{channel}"]) and not self.clinic_marketing_withdrawn

    @api.depends("privacy_consent_ids.state", "privacy_consent_ids.accepted", "privacy_consent_ids.clinic_kind")
    def _compute_clinic_marketing_withdrawn(self):
        for partner in self:
            partner.clinic_marketing_withdrawn = any(
                c.clinic_kind == "marketing" and c.state == "answered" and not c.accepted
                for c in partner.privacy_consent_ids
            )

    def _clinic_withdraw_channel_consents(self):
        """The marketing consent withdrawn (个人信息保护法 art. 15): her channel consents are off at once, by
        the write that dates them (campaigns, mailings and surveys skip her from now), and her form says so.
        Giving the consent back turns no channel on: she chooses her channels again, each dated."""
        labels = {
            channel: self._fields[f"consent_{channel}"]._description_string(self.env) for channel in CONSENT_CHANNELS
        }
        for partner in self.sudo():
            channels = [channel for channel in CONSENT_CHANNELS if partner[f"consent_{channel}"]]
            if not channels:
                continue
            partner.write(dict.fromkeys((f"consent_{channel}" for channel in channels), False))
            partner.message_post(
                body=self.env._(
                    "Marketing consent withdrawn: %(channels)s turned off.",
                    channels=", ".join(labels[channel] for channel in channels),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _clinic_consents(self):
        """The member's answers to her company's consents ({kind: privacy.consent}), a draft created for
        each she was never asked (privilege raised: nobody creates consents by hand)."""
        self.ensure_one()
        company = self.member_company_id or self.company_id or self.env.company
        activities = self.env["privacy.activity"]._clinic_activities(company)
        Consent = self.env["privacy.consent"].sudo().with_context(active_test=False)
        consents = Consent.search(
            [("partner_id", "=", self.id), ("activity_id", "in", [a.id for a in activities.values()])]
        )
        missing = [a for a in activities.values() if a not in consents.activity_id]
        if missing:
            consents |= Consent.create([{"partner_id": self.id, "activity_id": a.id} for a in missing])
        by_activity = {consent.activity_id: consent for consent in consents}
        return {kind: by_activity[activity].sudo(False) for kind, activity in activities.items()}

    # ------------------------------------------------------------------ tiers

    def _prepare_tier_change(self, vals):
        """Who changes tier with ``vals``, and from which tiers; checks the right to change it."""
        new_tier = self.env["clinic.membership.tier"].browse(vals["tier_id"])
        reason = self.env.context.get("clinic_tier_reason", "manual")
        changed = self.filtered(lambda p: p.tier_id != new_tier)
        reasons = dict(self.env["clinic.tier.change"]._fields["reason"]._description_selection(self.env))
        changed._track_set_log_message(self.env._("Tier change: %s", reasons[reason]))
        return changed, {partner.id: partner.tier_id for partner in changed}, new_tier, reason

    def _log_tier_change(self, changed, old_tiers, new_tier, reason):
        """Every tier change is logged: a clinic.tier.change row, the chatter, the pricelist, the mail."""
        if not changed:
            return
        changed._apply_tier_pricelist()
        self.env["clinic.tier.change"]._sudo_for_recording().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": (partner.member_company_id or new_tier.company_id or self.env.company).id,
                    "old_tier_id": old_tiers[partner.id].id,
                    "new_tier_id": new_tier.id,
                    "reason": reason,
                    "qualifying_spend": partner.qualifying_spend,
                }
                for partner in changed
            ]
        )
        if reason == "upgrade":
            changed._send_upgrade_mail()

    def _apply_tier_pricelist(self):
        for (company, pricelist), partners in self.grouped(
            lambda p: (p.member_company_id, p.tier_id.pricelist_id)
        ).items():
            if company:
                partners.with_company(company).sudo().specific_property_product_pricelist = pricelist

    def _send_upgrade_mail(self):
        template = self.env.ref("clinic_membership.mail_template_tier_upgrade", raise_if_not_found=False)
        if not template:
            return
        for partner in self.filtered(lambda p: p.email and p.member_company_id.clinic_upgrade_mail):
            template.send_mail(partner.id)

    # ------------------------------------------------------------------ enrolment

    def _check_clinic_staff(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_user"):
            raise AccessError(self.env._("Only clinic staff enrol members or end a membership."))

    def action_enrol_member(self):
        self._check_clinic_staff()
        company = self.env.company
        tiers = self.env["clinic.membership.tier"]._tiers_by_company(company)
        if not tiers:
            raise UserError(self.env._("Configure the membership tiers of %s before enrolling members.", company.name))
        for partner in self:
            partner._check_can_enrol()
        today = fields.Date.context_today(self)
        for partner in self:
            same_company = partner.member_company_id == company
            partner.sudo().write(
                {
                    "is_member": True,
                    "member_company_id": company.id,
                    "member_number": partner.member_number
                    if same_company and partner.member_number
                    else partner._clinic_next_member_number(company),
                    "member_since": today,
                    "member_left_date": False,
                }
            )
        self.sudo()._clinic_set_tier(tiers[0], "enrol")
        self.env["clinic.membership.tier"]._evaluate_members(company, self.ids, allow_downgrade=False)
        return True

    def _clinic_enrol_transferee(self, company):
        """The person a prepaid contract is transferred to gets her own member card (法释〔2025〕4号 art. 11:
        the card is reissued in the new holder's name); a member keeps hers."""
        if not self.is_member and self.env["clinic.membership.tier"]._tiers_by_company(company):
            self.with_company(company).action_enrol_member()

    def _check_can_enrol(self):
        self.ensure_one()
        if not self.active:
            raise UserError(self.env._("%s is archived: restore the contact before enrolling it.", self.name))
        if self.is_company:
            raise UserError(self.env._("%s is a company: members are individual clients.", self.name))
        if self.parent_id:
            raise UserError(
                self.env._(
                    "%(name)s is a contact of %(company)s: enrol the client's own contact.",
                    name=self.name,
                    company=self.parent_id.name,
                )
            )
        if self.is_member:
            raise UserError(
                self.env._("%(name)s is already member %(number)s.", name=self.name, number=self.member_number)
            )

    def action_leave_membership(self):
        self._check_clinic_staff()
        for partner in self:
            if not partner.is_member:
                raise UserError(self.env._("%s is not a member.", partner.name))
        self.sudo()._clinic_set_tier(self.env["clinic.membership.tier"], "leave")
        self.sudo().write({"is_member": False, "member_left_date": fields.Date.context_today(self)})
        return True

    # ------------------------------------------------------------------ lost cards (法释〔2025〕4号 art. 24)

    def action_report_card_lost(self):
        """The front desk reports the member's card lost: blocked at once, a new number issued.

        The form's button sends the number it shows (``clinic_card_number``), so that a second desk
        clicking on a form opened before the first report is told the card is already reported,
        instead of blocking the new card.
        """
        self._check_can_report_card_lost_as_staff()
        shown = self.env.context.get("clinic_card_number") if len(self) == 1 else None
        numbers = {partner: shown or partner.member_number for partner in self}
        for partner in self:
            partner._check_can_report_card_lost(numbers[partner])
        for partner in self:
            partner._do_report_card_lost(numbers[partner], "desk")
        return True

    def _check_can_report_card_lost_as_staff(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_user"):
            raise AccessError(self.env._("Only clinic staff, or the member herself, report a member card lost."))

    def _clinic_portal_report_card_lost(self, number):
        """The member reports her own card lost in the portal (``number``: the card she means)."""
        self.ensure_one()
        if self != self.env.user.partner_id.commercial_partner_id:
            raise AccessError(self.env._("You can only report your own card lost."))
        self._check_can_report_card_lost(number)
        self._do_report_card_lost(number, "portal")

    def _check_can_report_card_lost(self, number):
        """``number`` is the member's card in use, neither another member's card nor one already lost;
        returns it as recorded."""
        self.ensure_one()
        number = (number or "").strip() if isinstance(number, str) else ""
        if not self.member_number or not self.member_company_id:
            raise UserError(self.env._("%s has no member card.", self.display_name))
        loss = (
            self.env["clinic.member.card.loss"]
            .sudo()
            .search([("partner_id", "=", self.id), ("lost_number", "=", number)], limit=1)
        )
        if loss:
            raise UserError(
                self.env._(
                    "Card %(number)s was already reported lost on %(date)s; the member's number is now %(new)s.",
                    number=number,
                    date=fields.Date.to_string(fields.Datetime.context_timestamp(self, loss.date)),
                    new=self.member_number,
                )
            )
        if number != self.member_number:
            raise UserError(self.env._("Card %(number)s is not the card of %(name)s.", number=number, name=self.name))
        return number

    def _do_report_card_lost(self, number, channel):
        """Block card ``number`` and give the member a new number from the same sequence; record the loss.

        Privilege is raised once the reporter was checked (staff, or the member herself): member
        numbers and the record of lost cards are the application's to write. Only the number
        changes: balances, ledgers, contracts and history stay on the member.
        """
        self.ensure_one()
        self._clinic_lock_points()  # two reports of the same card at once: the second finds it reported
        self.invalidate_recordset(["member_number"])
        number = self._check_can_report_card_lost(number)
        company = self.member_company_id
        new_number = self._clinic_next_member_number(company)
        self.env["clinic.member.card.loss"]._sudo_for_recording().create(
            {
                "partner_id": self.id,
                "company_id": company.id,
                "lost_number": number,
                "new_number": new_number,
                "channel": channel,
                "user_id": self.env.user.id,
            }
        )
        self.sudo().write({"member_number": new_number})
        channels = dict(self.env["clinic.member.card.loss"]._fields["channel"]._description_selection(self.env))
        self.sudo().message_post(
            body=self.env._(
                "Member card %(number)s reported lost (%(channel)s) by %(user)s: it is blocked; new member number "
                "%(new)s. Balances, points and history are unchanged.",
                number=number,
                channel=channels[channel],
                user=self.env.user.name,
                new=new_number,
            ),
            author_id=self.env.user.partner_id.id,
        )

    def _clinic_next_member_number(self, company):
        """The next number of the member sequence that no member holds and no lost card carried."""
        Sequence = self.env["ir.sequence"].sudo().with_company(company)
        for _attempt in range(100):
            number = Sequence.next_by_code("clinic.member")
            if not number:
                break
            if not self._clinic_member_numbers_taken([number], company):
                return number
        raise UserError(self.env._("No free member number: check the Member Number sequence."))

    @api.model
    def _clinic_member_numbers_taken(self, numbers, companies):
        """Those of ``numbers`` a member of ``companies`` holds or a lost card carried."""
        numbers = list(numbers)
        members = (
            self.sudo()
            .with_context(active_test=False)
            .search([("member_number", "in", numbers), ("member_company_id", "in", companies.ids)])
        )
        losses = (
            self.env["clinic.member.card.loss"]
            .sudo()
            .search([("lost_number", "in", numbers), ("company_id", "in", companies.ids)])
        )
        return set(members.mapped("member_number")) | set(losses.mapped("lost_number"))

    # ------------------------------------------------------------------ member segments

    @api.model
    def _clinic_score_segments(self, company, today=None):
        """Score every member of ``company`` into her segment: one statement, only changes written."""
        today = today or fields.Date.context_today(self.with_company(company))
        self.env["account.move"].flush_model(
            ["state", "move_type", "commercial_partner_id", "company_id", "invoice_date", "amount_untaxed_signed"]
        )
        self.flush_model(["is_member", "member_company_id", "member_since", "tier_id", *SEGMENT_FIELDS])
        self.env["clinic.membership.tier"].flush_model(["dormant_days"])
        self.env.cr.execute(update_segments(company.id, today, today - relativedelta(years=1)))
        changed = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model(SEGMENT_FIELDS)
        self.env["clinic.segment.snapshot"]._record_month(company, today)
        return changed

    @api.model
    def _cron_score_segments(self):
        for (company,) in self.env["clinic.membership.tier"]._read_group([], ["company_id"]):
            self._clinic_score_segments(company)

    # ------------------------------------------------------------------ member benefits

    def _clinic_tier_on(self, day):
        """The tier the member held on ``day`` (in the user's time zone): her tier today and after, her
        tier history before."""
        self.ensure_one()
        if day >= fields.Date.context_today(self):
            return self.tier_id
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        day_end = tz.localize(datetime.combine(day + timedelta(days=1), time.min)).astimezone(pytz.utc)
        Change = self.env["clinic.tier.change"].sudo()
        changes = Change.search([("partner_id", "=", self.id)], order="date, id")
        before = changes.filtered(lambda change: change.date < day_end.replace(tzinfo=None))
        if before:
            return before[-1].new_tier_id
        return changes[:1].old_tier_id if changes else self.tier_id

    def _clinic_benefit_quota(self, product, day):
        """What the member has left of ``product`` free in the period holding ``day``: the tier she
        holds that day sets the period's quantity; what she used in the period counts against it,
        whichever tier she used it under. Never below zero (a downgrade can leave none)."""
        self.ensure_one()
        tier = self._clinic_tier_on(day).sudo()
        benefit = tier.benefit_ids.filtered(lambda b: b.product_id == product)[:1]
        quota = {"tier": tier, "benefit": benefit, "quantity": benefit.quantity, "used": 0, "left": 0}
        quota["period_start"], quota["period_end"] = benefit._period_bounds(day) if benefit else (None, None)
        if benefit:
            quota["used"] = self.env["clinic.benefit.move"]._used(self, product, *benefit._period_bounds(day))
            quota["left"] = max(benefit.quantity - quota["used"], 0)
        return quota

    def _clinic_benefit_balances(self, day=None):
        """[{benefit, name, product, period, quantity, used, left, period_start, period_end}] of the
        benefits of the member's tier on ``day`` (today by default): what the member form, her card and
        her portal show."""
        self.ensure_one()
        day = day or fields.Date.context_today(self)
        tier = self._clinic_tier_on(day).sudo()
        periods = dict(self.env["clinic.membership.benefit"]._fields["period"]._description_selection(self.env))
        balances = []
        for benefit in tier.benefit_ids:
            quota = self._clinic_benefit_quota(benefit.product_id, day)
            balances.append(
                {
                    **quota,
                    "benefit": benefit,
                    "name": benefit.name,
                    "product": benefit.product_id.display_name,
                    "period": periods[benefit.period],
                }
            )
        return balances

    @api.depends_context("tz", "lang")
    @api.depends("tier_id")
    def _compute_clinic_benefit_html(self):
        template = "clinic_membership.clinic_benefit_balance_table"
        for partner in self:
            balances = partner._clinic_benefit_balances() if partner.is_member and partner.id else []
            partner.clinic_benefit_html = (
                self.env["ir.qweb"]._render(template, {"balances": balances}) if balances else False
            )

    # ------------------------------------------------------------------ points

    def _clinic_lock_points(self):
        """Serialise changes to these members' points: concurrent spenders wait for each other."""
        if self.ids:
            self.env.cr.execute(
                SQL("SELECT id FROM res_partner WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", self.ids)
            )

    def action_view_points(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_membership.clinic_points_move_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_print_member_card(self):
        return self.env.ref("clinic_membership.action_report_member_card").report_action(self)

    # ------------------------------------------------------------------ personal information (个人信息保护法)

    def action_view_clinic_data_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_membership.clinic_data_request_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _clinic_export_rows(self, records, field_names):
        """``records`` as a list of {label: value} in the member's language, for her export file."""
        rows = []
        for record in records:
            row = {}
            for name in field_names:
                field, value = record._fields[name], record[name]
                if field.type in ("many2one", "many2many", "one2many"):
                    value = ", ".join(value.mapped("display_name"))
                elif field.type == "selection":
                    value = dict(field._description_selection(self.env)).get(value, value or "")
                elif field.type in ("date", "datetime"):
                    value = fields.Date.to_string(value) if field.type == "date" else fields.Datetime.to_string(value)
                row[field._description_string(self.env)] = value if value is not False else None
            rows.append(row)
        return rows

    def _clinic_personal_data(self):
        """The member's personal information, by section ({section: rows}), for her export file
        (个人信息保护法 art. 45). Each addon adds the sections of its own models (call ``super()``)."""
        self.ensure_one()
        consents = [f"consent_{channel}" for channel in CONSENT_CHANNELS]
        profile = self._clinic_export_rows(
            self,
            [
                "name",
                "phone",
                "mobile",
                "email",
                "street",
                "city",
                "zip",
                "country_id",
                "birthday",
                "member_number",
                "member_since",
                "member_left_date",
                "tier_id",
                "consultant_id",
                *consents,
                *(f"{consent}_date" for consent in consents),
            ],
        )
        return {
            "profile": profile[0],
            "points_ledger": self._clinic_export_rows(
                self.env["clinic.points.move"].search([("partner_id", "=", self.id)], order="date, id"),
                ["date", "move_type", "points", "source_ref", "expiry_date", "discount_amount"],
            ),
            "tier_changes": self._clinic_export_rows(
                self.env["clinic.tier.change"].search([("partner_id", "=", self.id)], order="date, id"),
                ["date", "old_tier_id", "new_tier_id", "reason", "qualifying_spend"],
            ),
            "benefit_uses": self._clinic_export_rows(
                self.env["clinic.benefit.move"].search([("partner_id", "=", self.id)], order="date, id"),
                ["date", "benefit_id", "product_id", "quantity", "kind", "move_id"],
            ),
            "lost_cards": self._clinic_export_rows(
                self.env["clinic.member.card.loss"].search([("partner_id", "=", self.id)], order="date, id"),
                ["lost_number", "date", "new_number", "channel"],
            ),
            "consents": self._clinic_export_rows(
                self.env["privacy.consent"]
                .with_context(active_test=False)
                .search([("partner_id", "=", self.id)], order="id"),
                ["activity_id", "state", "accepted", "clinic_date_answered", "clinic_channel", "clinic_text_version"],
            ),
            "personal_information_requests": self._clinic_export_rows(
                self.env["clinic.data.request"].search([("partner_id", "=", self.id)], order="date_requested, id"),
                ["name", "kind", "channel", "date_requested", "state"],
            ),
        }

    def _clinic_anonymise_blockers(self):
        """What the clinic still owes the member, as sentences: her personal information is not erased
        before it is settled (each addon adds its own; empty: nothing owed)."""
        self.ensure_one()
        return []

    def _clinic_check_can_anonymise(self):
        self.ensure_one()
        blockers = self._clinic_anonymise_blockers()
        if blockers:
            raise UserError(
                self.env._(
                    "The personal information of %(name)s cannot be erased yet, the clinic still owes her:\n"
                    "%(blockers)s\nSettle this first, then process the request again.",
                    name=self.name,
                    blockers="\n".join(f"- {blocker}" for blocker in blockers),
                )
            )

    def _clinic_anonymised_name(self):
        self.ensure_one()
        # in her language, as her name was written (已注销会员 M000123 for a Chinese member)
        env = self.with_context(lang=self.lang or self.env.lang).env
        return env._("Erased member %(number)s", number=self.member_number or self.id)

    def _clinic_anonymise(self):
        """Erase the member's personal information (个人信息保护法 art. 47), privilege raised by the caller.

        Her contact stays (active), under a name that identifies nobody, so that her invoices, payments,
        ledgers and signed contracts, which the law requires the clinic to keep, still point to one
        partner and reconcile. Each addon clears the personal information of its own models (call
        ``super()``). Messages on her contact are deleted; elsewhere her name, phones and email are
        replaced in messages and tracked values (the documents themselves are kept).
        """
        self.ensure_one()
        redacted = self._clinic_redacted_texts()
        partner = self.with_context(tracking_disable=True, mail_notrack=True)
        if partner.is_member:
            partner._clinic_set_tier(self.env["clinic.membership.tier"], "leave")
            partner.write({"is_member": False, "member_left_date": fields.Date.context_today(self)})
        # her invoices and credit notes are kept as they were issued, with the name they bear
        moves = self.env["account.move"].sudo().search([("commercial_partner_id", "=", self.id)])
        with self.env.protecting([moves._fields["invoice_partner_display_name"]], moves):
            partner._clinic_write_anonymous()
        for user in partner.with_context(active_test=False).user_ids:
            user.write({"active": False, "login": f"erased-{self.id}-{user.id}", "signature": False})
        self.env["ir.attachment"].search([("res_model", "=", "res.partner"), ("res_id", "=", self.id)]).unlink()
        self.env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "=", self.id)]).unlink()
        # her answers stay (what she agreed to, and when), the address and browser they came from go
        self.env["privacy.consent"].with_context(active_test=False).search([("partner_id", "=", self.id)]).write(
            {"last_metadata": False}
        )
        self._clinic_redact(redacted)
        return True

    def _clinic_write_anonymous(self):
        self.write(
            {
                "name": self._clinic_anonymised_name(),
                **dict.fromkeys(
                    ("phone", "mobile", "email", "street", "street2", "city", "zip", "state_id", "country_id"),
                    False,
                ),
                **dict.fromkeys(("birthday", "comment", "image_1920", "website", "function", "title", "vat"), False),
                **dict.fromkeys(("ref", "referred_by_id"), False),
                **dict.fromkeys((f"consent_{channel}" for channel in CONSENT_CHANNELS), False),
            }
        )

    def _clinic_redacted_texts(self):
        """{text: replacement} of the member's identifying texts, replaced where they are not kept."""
        self.ensure_one()
        texts = {self.name: self._clinic_anonymised_name()}
        for value in (self.phone, self.mobile, self.email):
            if value:
                texts[value] = "***"
        return {text: replacement for text, replacement in texts.items() if text and len(text.strip()) >= 2}

    def _clinic_redacted_columns(self):
        """(table, column) of logs and messages where her name, phones and email are replaced on
        erasure; the accounting documents and signed contracts are not listed: they are kept."""
        return [
            ("mail_message", "body"),
            ("mail_message", "subject"),
            ("mail_message", "record_name"),
            ("mail_message", "email_from"),
            ("mail_tracking_value", "old_value_char"),
            ("mail_tracking_value", "new_value_char"),
            ("mail_mail", "body_html"),
            ("mail_mail", "email_to"),
            ("mail_activity", "summary"),
            ("mail_activity", "note"),
        ]

    def _clinic_redact(self, texts):
        self.env.flush_all()
        for table, column in self._clinic_redacted_columns():
            for text, replacement in texts.items():
                self.env.cr.execute(
                    SQL(
                        "UPDATE %(table)s SET %(column)s = replace(%(column)s, %(text)s, %(replacement)s) "
                        "WHERE strpos(%(column)s, %(text)s) > 0",
                        table=SQL.identifier(table),
                        column=SQL.identifier(column),
                        text=text,
                        replacement=replacement,
                    )
                )
        self.env.invalidate_all()
