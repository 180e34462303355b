from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# What an administrator corrects on a member when it was recorded wrong (a typing error at
# enrolment, data brought over from another system): fields that only the application sets.
CORRECTABLE_FIELDS = ("member_number", "member_since")


class ClinicMemberCorrection(models.TransientModel):
    """An administrator's traced correction of a member's number or date of joining."""

    _name = "clinic.member.correction"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Correct Member Data"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, domain=[("is_member", "=", True)])
    member_number = fields.Char(compute="_compute_current_values", store=True, readonly=False, precompute=True)
    member_since = fields.Date(compute="_compute_current_values", store=True, readonly=False, precompute=True)
    reason = fields.Text(required=True, help="Why the recorded value was wrong: kept in the member's history.")

    @api.depends("partner_id")
    def _compute_current_values(self):
        for wizard in self:
            wizard.member_number = wizard.partner_id.member_number
            wizard.member_since = wizard.partner_id.member_since

    def _check_can_correct(self):
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only an administrator corrects a member's number or date of joining."))
        if not self.partner_id.is_member:
            raise UserError(self.env._("%s is not a member.", self.partner_id.display_name))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why the recorded value was wrong."))
        if not (self.member_number or "").strip():
            raise UserError(self.env._("A member keeps a member number."))
        if self._number_taken():
            raise UserError(self.env._("Member number %s is already another member's.", self.member_number))
        if self.env["clinic.member.card.loss"]._find_lost_number(
            self.member_number.strip(), self.partner_id.member_company_id
        ):
            # a lost card's number never identifies anyone again
            raise UserError(
                self.env._("Member number %s is a card reported lost: give the member another.", self.member_number)
            )
        if not self.member_since or self.member_since > fields.Date.context_today(self):
            raise UserError(self.env._("A member joined on a day that has come."))

    def _number_taken(self):
        return bool(
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("member_number", "=", self.member_number.strip()),
                    ("member_company_id", "=", self.partner_id.member_company_id.id),
                    ("id", "!=", self.partner_id.id),
                ],
                limit=1,
            )
        )

    def action_confirm(self):
        self.ensure_one()
        self._check_can_correct()
        changes = {name: self[name] for name in CORRECTABLE_FIELDS if self[name] != self.partner_id[name]}
        if changes:
            self._do_correct(changes)
        return {"type": "ir.actions.act_window_close"}

    def _do_correct(self, changes):
        """Write the corrected fields with privilege raised (the administrator was checked above), and
        leave the trace in the member's history: who, what was recorded, what is now, and why."""
        member = self.partner_id
        before = {name: member[name] for name in changes}
        member.sudo().write(changes)
        items = Markup().join(
            Markup("<li>%s: %s → %s</li>")
            % (member._fields[name]._description_string(self.env), before[name] or "", changes[name])
            for name in changes
        )
        member.message_post(
            body=escape(
                self.env._(
                    "Member data corrected by %(user)s, because: %(reason)s",
                    user=self.env.user.name,
                    reason=self.reason,
                )
            )
            + Markup("<ul>%s</ul>") % items
        )
