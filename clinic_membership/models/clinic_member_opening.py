from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .clinic_guarded_mixin import EARLIEST_BUSINESS_DATE

# What a manager types or imports on a migration row (Odoo's import, a CSV or XLSX file from the
# previous system): the member as she was there. The state and the records made on posting are
# the application's.
OPENING_USER_FIELDS = (
    "company_id",
    "date",
    "reference",
    "partner_id",
    "name",
    "phone",
    "mobile",
    "email",
    "birthday",
    "member_number",
    "member_since",
    "consultant_id",
    "tier_id",
    "tier_locked_until",
    "opening_points",
    "points_expiry_date",
)


class ClinicMemberOpening(models.Model):
    """A member brought over from the clinic's previous system, with her opening balances.

    The documented migration flow: a manager imports the rows (Odoo's import) as drafts, checks
    them, then posts them. Posting enrols each member with her number, date of joining and tier
    from the previous system, and records her opening points on the points ledger; clinic_refund
    adds her prepaid contract and the stored value left on it, with its journal entry. Posted
    rows never change: they are the trace of what was brought over, by whom and when.
    """

    _name = "clinic.member.opening"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Member Opening Balance"
    _order = "id desc"
    _check_company_auto = True
    _clinic_user_fields = OPENING_USER_FIELDS

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date = fields.Date(
        string="Opening Date",
        required=True,
        default=fields.Date.context_today,
        help="The day the balances were taken over from the previous system (the cut-over).",
    )
    reference = fields.Char(string="Previous System Reference", help="The member's id in the previous system.")
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        check_company=True,
        index="btree_not_null",
        help="An existing contact to enrol; left empty, posting creates the contact from the name and phones.",
    )
    name = fields.Char(string="Member Name")
    phone = fields.Char()
    mobile = fields.Char()
    email = fields.Char()
    birthday = fields.Date()
    member_number = fields.Char(required=True, help="The member number of the previous system, kept as it was.")
    member_since = fields.Date(required=True, help="The day she joined, in the previous system.")
    consultant_id = fields.Many2one("res.users", domain="[('share', '=', False)]")
    tier_id = fields.Many2one(
        "clinic.membership.tier",
        check_company=True,
        help="Her tier in the previous system; left empty, the lowest tier.",
    )
    tier_locked_until = fields.Date(
        help="The periodic evaluation does not downgrade her before this date (her spend in the previous "
        "system is not in the invoices it reads)."
    )
    opening_points = fields.Integer(help="Points she holds at the cut-over.")
    points_expiry_date = fields.Date(help="When her opening points expire; empty: the clinic's points validity.")
    member_id = fields.Many2one("res.partner", readonly=True, copy=False)
    points_move_id = fields.Many2one("clinic.points.move", string="Opening Points Row", readonly=True, copy=False)
    posted_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    _sql_constraints = [
        ("opening_points_positive", "CHECK(opening_points >= 0)", "Opening points cannot be negative."),
    ]

    @api.depends("member_number", "name", "partner_id")
    def _compute_display_name(self):
        for row in self:
            row.display_name = f"{row.member_number or ''} {row.partner_id.name or row.name or ''}".strip()

    def write(self, vals):
        if self.filtered(lambda row: row.state == "posted") and not self.env.su:
            raise UserError(self.env._("A posted opening balance is the trace of the migration: it never changes."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(row.state == "posted" for row in self):
            raise UserError(self.env._("A posted opening balance is the trace of the migration: it is kept."))

    # ------------------------------------------------------------------ posting

    def _check_can_post(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise AccessError(self.env._("Only a Clinic Manager brings members over from a previous system."))
        self.check_access("write")
        if not self:
            raise UserError(self.env._("Select the opening balances to post."))
        self._lock_rows()
        seen, contacts = set(), set()
        for row in self:
            row._check_postable()
            key = (row.company_id.id, row.member_number.strip())
            if key in seen:
                raise UserError(self.env._("Member number %s is given twice.", row.member_number))
            if row.partner_id and row.partner_id.id in contacts:
                raise UserError(self.env._("%s is given twice.", row.partner_id.display_name))
            seen.add(key)
            contacts.add(row.partner_id.id)
        self._check_numbers_free()

    def _lock_rows(self):
        """Two managers posting the same rows wait for each other; the second then finds them posted
        (Odoo retries her request on fresh data after the first commits)."""
        self.flush_recordset()
        self.env.cr.execute(
            SQL("SELECT id FROM clinic_member_opening WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", self.ids)
        )
        self.invalidate_recordset(["state"])

    def _check_postable(self):
        """The rules one row follows; a clear message naming the row, never a traceback."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.state != "draft":
            raise UserError(self.env._("Opening balance %s is already posted.", self.display_name))
        if not (self.member_number or "").strip():
            raise UserError(self.env._("Opening balance %s needs the member number.", self.display_name))
        if not self.partner_id and not (self.name or "").strip():
            raise UserError(self.env._("Opening balance %s needs a contact or a name.", self.display_name))
        for date_field in ("member_since", "date"):
            value = self[date_field]
            if not value or value > today or value < EARLIEST_BUSINESS_DATE:
                raise UserError(
                    self.env._(
                        "%(field)s of %(row)s must be a day between %(earliest)s and today.",
                        field=self._fields[date_field]._description_string(self.env),
                        row=self.display_name,
                        earliest=fields.Date.to_string(EARLIEST_BUSINESS_DATE),
                    )
                )
        if self.member_since > self.date:
            raise UserError(self.env._("%s joined after the opening date.", self.display_name))
        if self.partner_id:
            self.partner_id._check_can_enrol()
        if self.tier_id and self.tier_id.company_id != self.company_id:
            raise UserError(self.env._("The tier of %s belongs to another company.", self.display_name))

    def _check_numbers_free(self):
        numbers = {row.member_number.strip() for row in self}
        taken = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("member_number", "in", list(numbers)), ("member_company_id", "in", self.company_id.ids)])
        )
        if taken:
            raise UserError(self.env._("Member number %s is already another member's.", taken[0].member_number))
        lost = (
            self.env["clinic.member.card.loss"]
            .sudo()
            .search([("lost_number", "in", list(numbers)), ("company_id", "in", self.company_id.ids)], limit=1)
        )
        if lost:
            raise UserError(
                self.env._("Member number %s is a card reported lost: give the member another.", lost.lost_number)
            )

    def action_post(self):
        self._check_can_post()
        for company, rows in self.grouped("company_id").items():
            rows.with_company(company)._do_post()
        return True

    def _do_post(self):
        """Enrol the members and record their opening balances, with privilege raised: the manager and
        every row were checked above, and members, tiers and ledger rows are the application's to write."""
        tiers = self.env["clinic.membership.tier"]._tiers_by_company(self.env.company)
        if not tiers:
            raise UserError(
                self.env._("Configure the membership tiers of %s before bringing members over.", self.env.company.name)
            )
        self._create_missing_contacts()
        for row in self:
            row.member_id.sudo().write(row._prepare_member_vals())
        for tier, rows in self.grouped(lambda row: row.tier_id or tiers[0]).items():
            rows.sudo().member_id._clinic_set_tier(tier, "opening")
        self._record_opening_points()
        self.sudo().write({"state": "posted", "posted_by_id": self.env.uid})

    def _create_missing_contacts(self):
        """The contact of each row: the one given, or a new one made from the row's name and phones."""
        new_rows = self.filtered(lambda row: not row.partner_id)
        created = self.env["res.partner"].create(
            [
                {
                    "name": row.name.strip(),
                    "phone": row.phone,
                    "mobile": row.mobile,
                    "email": row.email,
                    "birthday": row.birthday,
                    "company_id": False,
                }
                for row in new_rows
            ]
        )
        for row, partner in zip(new_rows, created, strict=True):
            row.sudo().member_id = partner
        for row in self - new_rows:
            row.sudo().member_id = row.partner_id

    def _prepare_member_vals(self):
        return {
            "is_member": True,
            "member_company_id": self.company_id.id,
            "member_number": self.member_number.strip(),
            "member_since": self.member_since,
            "member_left_date": False,
            "consultant_id": self.consultant_id.id,
            "tier_locked_until": self.tier_locked_until,
        }

    def _record_opening_points(self):
        rows = self.filtered(lambda row: row.opening_points > 0)
        moves = self.env["clinic.points.move"]._clinic_record(
            [
                {
                    "partner_id": row.member_id.id,
                    "company_id": row.company_id.id,
                    "date": row.date,
                    "move_type": "opening",
                    "points": row.opening_points,
                    "expiry_date": row.points_expiry_date,
                    "source_ref": row.reference or row.member_number,
                    "reason": self.env._("Opening points brought over from the previous system."),
                }
                for row in rows
            ]
        )
        for row, move in zip(rows, moves, strict=True):
            row.sudo().points_move_id = move
