import re
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_round

from ..tools.flow import as_flow, in_flow

CONSENT_CHANNELS = ("email", "sms", "phone", "wechat")

# Member fields only enrolment, leaving, the tier evaluation and the points ledger write (a manager
# changes a tier by hand through ``write``, which hands it to the same flow).
MEMBER_FLOW_FIELDS = (
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
    _clinic_flow_fields = MEMBER_FLOW_FIELDS

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
    referred_by_id = fields.Many2one("res.partner", string="Referred by", index="btree_not_null")
    birthday = fields.Date()
    consent_email = fields.Boolean(string="Email Consent")
    consent_email_date = fields.Date(string="Email Consent Date", readonly=True)
    consent_sms = fields.Boolean(string="SMS Consent")
    consent_sms_date = fields.Date(string="SMS Consent Date", readonly=True)
    consent_phone = fields.Boolean(string="Phone Consent")
    consent_phone_date = fields.Date(string="Phone Consent Date", readonly=True)
    consent_wechat = fields.Boolean(string="WeChat Consent")
    consent_wechat_date = fields.Date(string="WeChat Consent Date", readonly=True)

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
        if not in_flow(self.env) and any("tier_locked_until" in vals for vals in vals_list):
            self._check_can_lock_tier()
        partners = super().create(vals_list)
        for partner, vals in zip(partners, vals_list, strict=True):
            partner._stamp_consent_dates(vals)
        return partners

    def write(self, vals):
        if "tier_id" in vals and not in_flow(self.env):
            return self._write_manual_tier(vals)
        if "tier_locked_until" in vals and not in_flow(self.env):
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
        return as_flow(self).with_context(clinic_tier_reason=reason).write({"tier_id": tier.id})

    def _stamp_consent_dates(self, vals):
        today = fields.Date.context_today(self)
        dates = {
            f"consent_{channel}_date": today if vals[f"consent_{channel}"] else False
            for channel in CONSENT_CHANNELS
            if f"consent_{channel}" in vals
        }
        if dates:
            as_flow(self).write(dates)

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
        self.env["clinic.tier.change"].sudo().create(
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

    @api.model
    def _clinic_evaluate_tiers(self, company, partner_ids=None, allow_downgrade=True):
        """Re-evaluate the tiers of the company's members, decided in one SQL statement.

        The statement sums each member's qualifying spend, picks the tier it reaches and returns
        only the members whose spend or tier changes; their spend is stored in bulk and their
        tiers written grouped by new tier. Upgrades always apply; downgrades only with
        ``allow_downgrade`` (the periodic evaluation) and never while the tier is locked.
        Returns the number of tier changes.
        """
        today = fields.Date.context_today(self.with_company(company))
        changes = self._clinic_member_changes(company, today, partner_ids)
        self._store_qualifying_spend(
            [(row["partner_id"], row["spend"]) for row in changes if row["spend_changed"]], company.currency_id
        )
        to_write = defaultdict(list)
        for row in changes:
            if row["target_id"] == row["tier_id"]:
                continue
            upgrade = (
                row["tier_min_spend"] is None
                or company.currency_id.compare_amounts(float(row["target_min_spend"]), float(row["tier_min_spend"])) > 0
            )
            if upgrade:
                to_write[(row["target_id"], "upgrade")].append(row["partner_id"])
            elif allow_downgrade and not (row["locked_until"] and row["locked_until"] >= today):
                to_write[(row["target_id"], "downgrade")].append(row["partner_id"])
        Tier = self.env["clinic.membership.tier"]
        for (tier_id, reason), ids in to_write.items():
            self.browse(ids).sudo()._clinic_set_tier(Tier.browse(tier_id), reason)
        return sum(len(ids) for ids in to_write.values())

    @api.model
    def _clinic_refresh_spend(self, company, partner_ids):
        """Store the members' current qualifying spend, their tiers unchanged."""
        today = fields.Date.context_today(self.with_company(company))
        changes = self._clinic_member_changes(company, today, partner_ids)
        self._store_qualifying_spend(
            [(row["partner_id"], row["spend"]) for row in changes if row["spend_changed"]], company.currency_id
        )

    @api.model
    def _clinic_member_changes(self, company, today, partner_ids=None):
        """The members of ``company`` whose qualifying spend or reachable tier differs from what is
        stored, with both: one statement, nothing else comes back.

        The tier reached is the highest active tier (by sequence) whose threshold the spend meets to
        the half cent, and never below the entry tier (even with more credit notes than invoices):
        the thresholds go into the statement as one ``CASE``, so that picking it costs nothing.
        """
        self.env["account.move"].flush_model(
            ["state", "move_type", "commercial_partner_id", "company_id", "invoice_date", "amount_untaxed_signed"]
        )
        self.flush_model(["is_member", "member_company_id", "tier_id", "tier_locked_until", "qualifying_spend"])
        Tier = self.env["clinic.membership.tier"]
        tiers = Tier._tiers_by_company(company)
        if not tiers:
            return []
        currency = company.currency_id
        half_cent = currency.rounding / 2
        target = SQL("%s::int", tiers[0].id)
        if len(tiers) > 1:
            target = SQL(
                "CASE %s ELSE %s END",
                SQL(" ").join(
                    SQL("WHEN COALESCE(s.spend, 0) >= %s THEN %s", tier.min_spend - half_cent, tier.id)
                    for tier in reversed(tiers[1:])
                ),
                target,
            )
        date_from = company._clinic_spend_window_start(today)
        date_filter = SQL("AND m.invoice_date >= %s", date_from) if date_from else SQL()
        partner_filter = SQL("AND p.id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        # a posting hook asks for a few members: their invoices only, not the company's whole history
        move_filter = (
            SQL("AND m.commercial_partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT * FROM (
                    SELECT p.id AS partner_id, p.tier_id, p.tier_locked_until AS locked_until,
                           ROUND(COALESCE(s.spend, 0), %(digits)s) AS spend,
                           ROUND(COALESCE(s.spend, 0), %(digits)s)
                               <> ROUND(COALESCE(p.qualifying_spend, 0), %(digits)s) AS spend_changed,
                           %(target)s AS target_id
                      FROM res_partner p
                 LEFT JOIN (
                            SELECT m.commercial_partner_id AS partner_id, SUM(m.amount_untaxed_signed) AS spend
                              FROM account_move m
                             WHERE m.company_id = %(company)s
                               AND m.state = 'posted'
                               AND m.move_type IN ('out_invoice', 'out_refund')
                               %(date_filter)s %(move_filter)s
                          GROUP BY m.commercial_partner_id
                           ) s ON s.partner_id = p.id
                     WHERE p.is_member AND p.member_company_id = %(company)s %(partner_filter)s
                ) member
                 WHERE member.spend_changed OR member.tier_id IS DISTINCT FROM member.target_id
                """,
                company=company.id,
                digits=currency.decimal_places,
                target=target,
                date_filter=date_filter,
                move_filter=move_filter,
                partner_filter=partner_filter,
            )
        )
        rows = self.env.cr.dictfetchall()
        thresholds = {
            tier.id: tier.min_spend
            for tier in Tier.with_context(active_test=False).browse(
                {row["tier_id"] for row in rows if row["tier_id"]} | {row["target_id"] for row in rows}
            )
        }
        for row in rows:
            row["target_min_spend"] = thresholds[row["target_id"]]
            row["tier_min_spend"] = thresholds.get(row["tier_id"])
        return rows

    @api.model
    def _store_qualifying_spend(self, rows, currency):
        """Store ``rows`` of (partner id, spend) in one statement."""
        if not rows:
            return
        ids, amounts = zip(*rows, strict=True)
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p SET qualifying_spend = v.spend
                  FROM unnest(%s::int[], %s::numeric[]) AS v(id, spend)
                 WHERE p.id = v.id
                """,
                list(ids),
                [float_round(float(amount), precision_rounding=currency.rounding) for amount in amounts],
            )
        )
        self.invalidate_model(["qualifying_spend"])

    @api.model
    def _cron_evaluate_tiers(self):
        tiers = self.env["clinic.membership.tier"]._read_group([], ["company_id"])
        for (company,) in tiers:
            self._clinic_evaluate_tiers(company)

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
            as_flow(partner).sudo().write(
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
        self._clinic_evaluate_tiers(company, self.ids, allow_downgrade=False)
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
        as_flow(self).sudo().write({"is_member": False, "member_left_date": fields.Date.context_today(self)})
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

    @api.model
    def _cron_warn_points_expiry(self):
        """Mail each member once about points that expire within the company's warning period."""
        template = self.env.ref("clinic_membership.mail_template_points_expiry", raise_if_not_found=False)
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([("clinic_points_warning_days", ">", 0)]):
            horizon = today + timedelta(days=company.clinic_points_warning_days)
            expiring = self._points_expiring(company, today, horizon)
            for partner in self.browse(list(expiring)):
                points, first_date, last_date = expiring[partner.id]
                if partner.email and template:
                    template.with_context(expiring_points=points, expiry_date=first_date).send_mail(partner.id)
                as_flow(partner).sudo().write({"points_expiry_warned_until": last_date})

    @api.model
    def _points_expiring(self, company, today, horizon):
        """{partner: (points, first expiry, last expiry)} of lots not yet warned about."""
        self.env["clinic.points.allocation"].flush_model()
        self.env["clinic.points.move"].flush_model()
        self.flush_model(["points_expiry_warned_until"])
        self.env.cr.execute(
            SQL(
                """
                SELECT lot.partner_id, SUM(lot.remaining), MIN(lot.expiry_date), MAX(lot.expiry_date)
                  FROM (
                        SELECT l.id, l.partner_id, l.expiry_date, l.points - COALESCE(SUM(a.points), 0) AS remaining
                          FROM clinic_points_move l
                     LEFT JOIN clinic_points_allocation a ON a.lot_id = l.id
                         WHERE l.company_id = %(company)s AND l.points > 0
                           AND l.expiry_date >= %(today)s AND l.expiry_date <= %(horizon)s
                      GROUP BY l.id
                       ) lot
                  JOIN res_partner p ON p.id = lot.partner_id
                 WHERE lot.remaining > 0
                   AND (p.points_expiry_warned_until IS NULL OR lot.expiry_date > p.points_expiry_warned_until)
              GROUP BY lot.partner_id
                """,
                company=company.id,
                today=today,
                horizon=horizon,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}
