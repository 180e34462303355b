from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

SIGN_BY_TYPE = {"earn": 1, "redeem": -1, "expire": -1, "opening": 1}


class ClinicPointsMove(models.Model):
    """One immutable row of a member's points ledger.

    Positive rows are lots that expire FIFO; negative rows record which lots they used in
    ``clinic.points.allocation``. ``res.partner.points_balance`` is the sum of the rows.
    """

    _name = "clinic.points.move"
    _inherit = ["clinic.ledger.mixin", "clinic.guarded.mixin"]
    _description = "Points Ledger Entry"
    _order = "date desc, id desc"
    _rec_name = "source_ref"
    _clinic_user_fields = ()

    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    move_type = fields.Selection(
        [
            ("earn", "Earned"),
            ("redeem", "Redeemed"),
            ("expire", "Expired"),
            ("adjust", "Adjustment"),
            ("reversal", "Reversal"),
            ("opening", "Opening Balance"),
        ],
        string="Type",
        required=True,
        index=True,
    )
    points = fields.Integer(required=True, help="Signed: positive adds to the balance, negative takes from it.")
    expiry_date = fields.Date(help="Points of this row not used by then expire (positive rows only).")
    source_ref = fields.Char(string="Source", help="Reference of the document or event behind the row.")
    reason = fields.Text(
        help="Why a manager adjusted the balance (required for adjustments).",
        groups="clinic_membership.group_clinic_user",
    )
    source_move_id = fields.Many2one(
        "account.move",
        string="Earning Document",
        ondelete="set null",
        index="btree_not_null",
        help="Invoice or credit note whose posting earned or clawed back these points.",
    )
    redeemed_on_move_id = fields.Many2one(
        "account.move",
        string="Redeemed on Invoice",
        ondelete="set null",
        index="btree_not_null",
        help="Invoice that received the discount these points paid for.",
    )
    reversed_move_id = fields.Many2one("clinic.points.move", string="Reverses", ondelete="restrict")
    lot_id = fields.Many2one(
        "clinic.points.move",
        ondelete="restrict",
        help="Lot this deduction takes from first (the expired lot, or the earning being clawed back).",
    )
    product_id = fields.Many2one("product.product", string="Gift", ondelete="restrict")
    campaign_id = fields.Many2one("utm.campaign", ondelete="set null", index="btree_not_null")
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        default=lambda self: self.env.user,
        groups="clinic_membership.group_clinic_user",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    discount_amount = fields.Monetary(
        string="Discount Given", readonly=True, help="For points redeemed on an invoice: the discount line's amount."
    )
    allocation_ids = fields.One2many("clinic.points.allocation", "move_id", string="Lots Used")
    remaining_points = fields.Integer(
        compute="_compute_remaining_points",
        help="Points of this lot not yet redeemed, expired or clawed back.",
    )

    _sql_constraints = [
        ("points_not_zero", "CHECK(points <> 0)", "A points ledger row needs a non-zero number of points."),
    ]

    @api.depends("points")
    def _compute_remaining_points(self):
        remaining = self._remaining_by_lot(self.ids)
        for move in self:
            move.remaining_points = remaining.get(move.id, 0)

    @api.depends("move_type", "points")
    def _compute_display_name(self):
        labels = dict(self._fields["move_type"]._description_selection(self.env))
        for move in self:
            move.display_name = f"{labels.get(move.move_type, '')} {move.points:+d} ({move.source_ref or ''})"

    # ------------------------------------------------------------------ immutability

    # ------------------------------------------------------------------ creation

    @api.model
    def _clinic_record(self, vals_list):
        """Record points ledger rows: the one way points move (earning, redemption, expiry, adjustment...).

        Privilege is raised to record them: no user creates a row directly.
        """
        return self.browse(self._sudo_for_recording().create(vals_list).ids)

    @api.model_create_multi
    def create(self, vals_list):
        """Rows checked under the members' points lock; deductions take their points from the lots
        (FIFO), and new points pay what a member owes first."""
        self._check_recording()
        vals_list = [dict(vals) for vals in vals_list]
        self._clinic_check_values_list(vals_list)
        for vals in vals_list:
            self._check_new_row(vals)
        partners = self.env["res.partner"].browse({vals["partner_id"] for vals in vals_list})
        partners._clinic_lock_points()
        self._check_balances_cover(vals_list)
        for vals in vals_list:
            if vals["points"] > 0 and not vals.get("expiry_date"):
                vals["expiry_date"] = self._default_expiry_date(vals)
        moves = super().create(vals_list)
        for move in moves.filtered(lambda m: m.points < 0):
            move._allocate_to_lots()
        self._settle_debts(moves.filtered(lambda m: m.points > 0).partner_id)
        return moves

    def _check_new_row(self, vals):
        points = vals.get("points") or 0
        move_type = vals.get("move_type")
        if not vals.get("partner_id") or move_type not in dict(self._fields["move_type"].selection):
            raise ValidationError(self.env._("A points ledger row needs a member and a type."))
        if not isinstance(points, int) or points == 0:
            raise ValidationError(self.env._("The number of points must be a whole number other than zero."))
        sign = SIGN_BY_TYPE.get(move_type)
        if sign and points * sign < 0:
            label = dict(self._fields["move_type"]._description_selection(self.env))[move_type]
            raise ValidationError(
                self.env._(
                    "%(type)s rows must have %(sign)s points.",
                    type=label,
                    sign=self.env._("positive") if sign > 0 else self.env._("negative"),
                )
            )
        if move_type == "adjust":
            if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
                raise AccessError(self.env._("Only a Clinic Manager can adjust a member's points."))
            if not (vals.get("reason") or "").strip():
                raise ValidationError(self.env._("An adjustment of points needs a reason."))
        if move_type in ("earn", "redeem", "adjust", "opening"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            if not partner.is_member:
                raise ValidationError(
                    self.env._("%s is not a member: points can only be recorded for members.", partner.name)
                )

    def _check_balances_cover(self, vals_list):
        """Redemptions and negative adjustments cannot take a balance below zero."""
        spent = {}
        for vals in vals_list:
            if vals["move_type"] in ("redeem", "adjust") and vals["points"] < 0:
                spent[vals["partner_id"]] = spent.get(vals["partner_id"], 0) - vals["points"]
        if not spent:
            return
        balances = self._ledger_balances(list(spent))
        for partner in self.env["res.partner"].browse(list(spent)):
            if spent[partner.id] > balances.get(partner.id, 0):
                raise ValidationError(
                    self.env._(
                        "%(member)s has %(balance)s points; %(points)s cannot be taken.",
                        member=partner.name,
                        balance=balances.get(partner.id, 0),
                        points=spent[partner.id],
                    )
                )

    def _default_expiry_date(self, vals):
        company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        months = company.clinic_points_validity_months
        if months <= 0:
            return False
        return fields.Date.to_date(vals.get("date") or fields.Date.context_today(self)) + relativedelta(months=months)

    @api.model
    def _ledger_balances(self, partner_ids):
        """Balances read from the ledger itself (not the cached partner field)."""
        self.flush_model(["partner_id", "points"])
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, SUM(points) FROM clinic_points_move WHERE partner_id = ANY(%s) GROUP BY partner_id",
                list(partner_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------ FIFO lots

    @api.model
    def _lots_left(self, condition, order=None):
        """[(lot, partner, company, expiry date, points left)] of the lots matching ``condition``
        that still hold points, in ``order``: what is left of a lot is its points less the
        allocations taken from it, and this is the one query that says so."""
        self.env["clinic.points.allocation"].flush_model()
        self.flush_model()
        self.env["res.partner"].flush_model(["points_expiry_warned_until"])
        self.env.cr.execute(
            SQL(
                """
                SELECT lot.id, lot.partner_id, lot.company_id, lot.expiry_date,
                       lot.points - COALESCE(SUM(alloc.points), 0) AS remaining
                  FROM clinic_points_move lot
             LEFT JOIN clinic_points_allocation alloc ON alloc.lot_id = lot.id
                 WHERE lot.points > 0 AND %s
              GROUP BY lot.id
                HAVING lot.points - COALESCE(SUM(alloc.points), 0) > 0
              ORDER BY %s
                """,
                condition,
                order or SQL("lot.id"),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _remaining_by_lot(self, lot_ids):
        if not lot_ids:
            return {}
        lots = self._lots_left(SQL("lot.id = ANY(%s)", list(lot_ids)))
        return {lot_id: remaining for lot_id, _partner, _company, _expiry, remaining in lots}

    def _open_lots(self):
        """[(lot, points left)] of the member's lots still valid on this row's date, oldest expiry first."""
        preferred = self.lot_id.id or 0
        lots = self._lots_left(
            SQL(
                "lot.partner_id = %s AND lot.id <> %s"
                " AND (lot.expiry_date IS NULL OR lot.expiry_date >= %s OR lot.id = %s)",
                self.partner_id.id,
                self.id or 0,
                self.date,
                preferred,
            ),
            SQL("lot.id = %s DESC, lot.expiry_date NULLS LAST, lot.date, lot.id", preferred),
        )
        return [(lot_id, remaining) for lot_id, _partner, _company, _expiry, remaining in lots]

    def _allocate_to_lots(self, needed=None):
        """Take ``needed`` points (all of this deduction by default) from the member's open lots."""
        self.ensure_one()
        needed = -self.points if needed is None else needed
        allocations = []
        for lot_id, remaining in self._open_lots():
            taken = min(needed, remaining)
            allocations.append({"lot_id": lot_id, "move_id": self.id, "points": taken})
            needed -= taken
            if not needed:
                break
        self.env["clinic.points.allocation"]._sudo_for_recording().create(allocations)

    @api.model
    def _settle_debts(self, partners):
        """Points owed are paid by the next points earned.

        A claw-back (credit note, cancelled invoice) takes back exactly what was earned, even when
        those points were already spent: the balance goes below zero and the member sees what she
        owes. Her next lots settle that debt first, oldest debt first, so that they never expire
        points she has already used.
        """
        if not partners:
            return
        self.env["clinic.points.allocation"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT move.id, -move.points - COALESCE(SUM(alloc.points), 0)
                  FROM clinic_points_move move
             LEFT JOIN clinic_points_allocation alloc ON alloc.move_id = move.id
                 WHERE move.points < 0 AND move.partner_id = ANY(%s)
              GROUP BY move.id
                HAVING -move.points - COALESCE(SUM(alloc.points), 0) > 0
              ORDER BY move.date, move.id
                """,
                partners.ids,
            )
        )
        for move_id, owed in self.env.cr.fetchall():
            self.browse(move_id)._allocate_to_lots(owed)

    # ------------------------------------------------------------------ helpers for other documents

    @api.model
    def _get_earn_multiplier(self, partner, date):
        """Multiplier of points earned by ``partner`` on ``date`` and the campaign granting it."""
        return self._get_earn_multipliers([(partner, date)])[0]

    @api.model
    def _get_earn_multipliers(self, requests):
        """[(multiplier, campaign)] of [(partner, date)], in one batch.

        Campaign addons override this (double-points days, member days...).
        """
        return [(1.0, self.env["utm.campaign"]) for _request in requests]

    def _reverse(self, date=None, source_ref=None):
        """Rows that cancel these rows exactly."""
        vals_list = [
            {
                "partner_id": move.partner_id.id,
                "company_id": move.company_id.id,
                "date": date or fields.Date.context_today(self),
                "move_type": "reversal",
                "points": -move.points,
                "reversed_move_id": move.id,
                "lot_id": move.id if move.points > 0 else False,
                "source_move_id": move.source_move_id.id,
                "redeemed_on_move_id": move.redeemed_on_move_id.id,
                "campaign_id": move.campaign_id.id,
                "source_ref": source_ref or self.env._("Reversal of %s", move.source_ref or move.display_name),
            }
            for move in self
        ]
        return self._clinic_record(vals_list)

    # ------------------------------------------------------------------ crons

    @api.model
    def _cron_expire_points(self):
        """Expire what is left of every lot past its expiry date. Idempotent."""
        today = fields.Date.context_today(self)
        lots = self._expired_open_lots(today)
        if not lots:
            return
        partners = self.env["res.partner"].browse({partner_id for _lot, partner_id, _c, _r in lots})
        partners._clinic_lock_points()
        lots = self._expired_open_lots(today, partners.ids)  # again, under the lock
        balances = self._ledger_balances(partners.ids)
        vals_list = []
        for lot_id, partner_id, company_id, remaining in lots:
            points = min(remaining, balances.get(partner_id, 0))
            if points <= 0:
                continue
            balances[partner_id] -= points
            vals_list.append(
                {
                    "partner_id": partner_id,
                    "company_id": company_id,
                    "date": today,
                    "move_type": "expire",
                    "points": -points,
                    "lot_id": lot_id,
                    "source_ref": self.env._("Expiry of lot %s", lot_id),
                }
            )
        self._clinic_record(vals_list)

    @api.model
    def _expired_open_lots(self, today, partner_ids=None):
        """[(lot, partner, company, points left)] of the lots past their expiry date."""
        partner_filter = SQL("AND lot.partner_id = ANY(%s)", list(partner_ids)) if partner_ids else SQL()
        lots = self._lots_left(
            SQL("lot.expiry_date < %s %s", today, partner_filter),
            SQL("lot.partner_id, lot.expiry_date, lot.id"),
        )
        return [(lot_id, partner_id, company_id, remaining) for lot_id, partner_id, company_id, _e, remaining in lots]

    @api.model
    def _cron_warn_expiry(self):
        """Mail each member once about points that expire within the company's warning period."""
        template = self.env.ref("clinic_membership.mail_template_points_expiry", raise_if_not_found=False)
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([("clinic_points_warning_days", ">", 0)]):
            horizon = today + timedelta(days=company.clinic_points_warning_days)
            expiring = self._lots_expiring(company, today, horizon)
            for partner in self.env["res.partner"].browse(list(expiring)):
                points, first_date, last_date = expiring[partner.id]
                if partner.email and template:
                    template.with_context(expiring_points=points, expiry_date=first_date).send_mail(partner.id)
                partner.sudo().write({"points_expiry_warned_until": last_date})

    @api.model
    def _lots_expiring(self, company, today, horizon):
        """{partner: (points, first expiry, last expiry)} of the lots expiring by ``horizon`` that
        the member was not yet warned about."""
        lots = self._lots_left(
            SQL(
                """lot.company_id = %s AND lot.expiry_date BETWEEN %s AND %s
                   AND NOT EXISTS (SELECT 1 FROM res_partner p
                                    WHERE p.id = lot.partner_id AND p.points_expiry_warned_until >= lot.expiry_date)""",
                company.id,
                today,
                horizon,
            ),
            SQL("lot.partner_id, lot.expiry_date, lot.id"),
        )
        expiring = {}
        for _lot, partner_id, _company, expiry_date, remaining in lots:
            points, first_date, _last = expiring.get(partner_id, (0, expiry_date, expiry_date))
            expiring[partner_id] = (points + remaining, first_date, expiry_date)
        return expiring
