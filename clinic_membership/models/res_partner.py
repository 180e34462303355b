import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

CONSENT_CHANNELS = ("email", "sms", "phone", "wechat")

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
    *(f"consent_{channel}_date" for channel in CONSENT_CHANNELS),
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
    points_move_ids = fields.One2many("clinic.points.move", "partner_id", string="Points Ledger")
    points_balance = fields.Integer(compute="_compute_points_balance", store=True, string="Points")
    points_expiry_warned_until = fields.Date(copy=False, readonly=True)
    tier_change_ids = fields.One2many("clinic.tier.change", "partner_id", string="Tier History")
    consultant_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
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
        return self.is_member and bool(self[f"consent_{channel}"])

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
                    else self.env["ir.sequence"].with_company(company).next_by_code("clinic.member"),
                    "member_since": today,
                    "member_left_date": False,
                }
            )
        self.sudo()._clinic_set_tier(tiers[0], "enrol")
        self.env["clinic.membership.tier"]._evaluate_members(company, self.ids, allow_downgrade=False)
        return True

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
