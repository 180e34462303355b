import base64
import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# PIPL (个人信息保护法) art. 50 asks a personal information handler to act on a person's request
# "promptly" (及时) and sets no number of days; GB/T 35273-2020 §8.7 says 15 working days. We keep
# calendar days, 15 of them, which is never later than 15 working days: simpler to count, and safe.
DEADLINE_DAYS = 15
# What a user gives a request; its number, channel, dates, state, file and outcome are the actions'.
DATA_REQUEST_USER_FIELDS = ("partner_id", "kind", "note", "refusal_reason")
MANAGER_GROUP = "clinic_membership.group_clinic_manager"


class ClinicDataRequest(models.Model):
    """A member's request about her personal information (个人信息保护法 arts. 44-47).

    ``export``: a copy of her personal information in one JSON file (art. 45); ``erasure``: her
    personal information deleted, i.e. anonymised (art. 47), while the accounting documents, ledgers
    and signed contracts the law requires the clinic to keep stay as they are. Filed by the front
    desk (``desk``) or by the member in the portal (``portal``, through its route only); a clinic
    manager processes or refuses it (``_check_can_*`` then ``_do_*``, privilege raised once checked).
    """

    _name = "clinic.data.request"
    _inherit = ["clinic.guarded.mixin", "mail.thread"]
    _description = "Personal Information Request"
    _order = "date_requested desc, id desc"
    _clinic_user_fields = DATA_REQUEST_USER_FIELDS

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('is_member', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [("export", "Copy of my personal information"), ("erasure", "Erase my personal information")],
        string="Request",
        required=True,
        default="export",
    )
    channel = fields.Selection(
        [("desk", "At the front desk"), ("portal", "By the member, in the portal")],
        string="Received",
        required=True,
        readonly=True,
        default="desk",
    )
    date_requested = fields.Datetime(string="Requested On", required=True, readonly=True, default=fields.Datetime.now)
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        index=True,
        help="15 calendar days after the request (个人信息保护法 art. 50: promptly; GB/T 35273-2020 §8.7).",
    )
    state = fields.Selection(
        [("new", "New"), ("done", "Done"), ("refused", "Refused"), ("cancelled", "Cancelled")],
        required=True,
        readonly=True,
        default="new",
        tracking=True,
        copy=False,
    )
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue")
    note = fields.Text(string="Notes")
    outcome = fields.Text(readonly=True, copy=False)
    refusal_reason = fields.Text(copy=False, tracking=True)
    # her whole file: the managers who make it and the member herself (record rule), not every desk
    export_file = fields.Binary(
        attachment=True,
        readonly=True,
        copy=False,
        groups="clinic_membership.group_clinic_manager,base.group_portal",
    )
    export_filename = fields.Char(readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)

    @api.depends("date_requested")
    def _compute_date_deadline(self):
        for request in self:
            request.date_deadline = request.date_requested and (
                fields.Datetime.context_timestamp(request, request.date_requested).date()
                + timedelta(days=DEADLINE_DAYS)
            )

    @api.depends("date_deadline", "state")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.is_overdue = request.state == "new" and request.date_deadline and request.date_deadline < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search overdue requests with = or != and true or false."))
        overdue = [("state", "=", "new"), ("date_deadline", "<", fields.Date.context_today(self))]
        return overdue if (operator == "=") == value else ["!", "&", *overdue]

    def _clinic_complete_create_vals(self, vals):
        partner = self.env["res.partner"].browse(vals.get("partner_id"))
        company = partner.sudo().member_company_id or self.env.company
        vals.setdefault("company_id", company.id)
        vals["name"] = self.env["ir.sequence"].sudo().with_company(company).next_by_code("clinic.data.request") or "/"
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group("clinic_membership.group_clinic_user"):
            raise AccessError(self.env._("Members ask for their personal information in the portal."))
        requests = super().create(vals_list)
        for request in requests:
            request._check_member()
        return requests

    def _check_member(self):
        self.ensure_one()
        partner = self.partner_id
        if partner.is_company or partner.parent_id or not partner.sudo().member_number:
            raise UserError(self.env._("%s is not a member: requests are filed for a member.", partner.display_name))

    def _action_write(self, vals):
        """What the actions set (state, file, outcome, who and when): with privilege raised, once checked."""
        return self.sudo().write(vals)

    # ------------------------------------------------------------------ the portal

    @api.model
    def _clinic_portal_create(self, kind):
        """The member's own request, from the portal: always for her, never for another partner."""
        partner = self.env.user.partner_id.commercial_partner_id
        if self.env.user._is_public() or not partner.is_member:
            raise AccessError(self.env._("Only a member asks for her personal information."))
        if kind not in ("export", "erasure"):
            raise UserError(self.env._("%s is not one of the allowed values.", kind))
        if self.sudo().search_count([("partner_id", "=", partner.id), ("kind", "=", kind), ("state", "=", "new")]):
            raise UserError(self.env._("You already have such a request under way: the clinic answers it shortly."))
        return self.sudo().create({"partner_id": partner.id, "kind": kind, "channel": "portal"})

    def _clinic_portal_export(self):
        """The export file of the portal user's own finished request (None: not hers, or none)."""
        self.ensure_one()
        partner = self.env.user.partner_id.commercial_partner_id
        own = self.search([("id", "=", self.id), ("partner_id", "=", partner.id)])  # ACLs and record rules apply
        if not own or own.sudo().partner_id != partner or own.state != "done" or not own.sudo().export_file:
            return None
        return own.sudo()

    # ------------------------------------------------------------------ process

    def action_process(self):
        self._check_can_process()
        for request in self:
            request._do_process()
        return True

    def _check_can_process(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a Clinic Manager or Director processes personal information requests."))
        for request in self:
            request._check_is_new()
            if request.kind == "erasure":
                request.partner_id.sudo()._clinic_check_can_anonymise()

    def _check_is_new(self):
        if self.state != "new":
            raise UserError(self.env._("Request %s was already answered.", self.name))

    def _do_process(self):
        self.ensure_one()
        if self.kind == "export":
            self._do_export()
        else:
            self._do_erase()

    def _do_export(self):
        partner = self.partner_id.sudo().with_context(lang=self.partner_id.lang or self.env.lang)
        data = {
            "request": self.name,
            "date": fields.Datetime.to_string(fields.Datetime.now()),
            "company": self.company_id.name,
            **partner._clinic_personal_data(),
        }
        content = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
        self._action_write(
            {
                "export_file": base64.b64encode(content),
                "export_filename": f"{self.name.replace('/', '-')}.json",
                **self._done_vals(self.env._("The member's personal information was exported to one JSON file.")),
            }
        )

    def _do_erase(self):
        partner = self.partner_id.sudo()
        partner._clinic_anonymise()
        # copies exported before hold what was just erased
        self.sudo().search([("partner_id", "=", partner.id), ("export_file", "!=", False)]).write(
            {"export_file": False, "export_filename": False}
        )
        self._action_write(
            self._done_vals(
                self.env._(
                    "The member's personal information was erased. Kept as the law requires: invoices, journal "
                    "entries, payments, the stored-value and points ledgers, signed contracts and agreements."
                )
            )
        )

    def _done_vals(self, outcome):
        return {"state": "done", "outcome": outcome, "done_by_id": self.env.user.id, "date_done": fields.Datetime.now()}

    # ------------------------------------------------------------------ refuse, cancel

    def action_refuse(self, reason=None):
        self._check_can_refuse(reason)
        self._do_refuse(reason)
        return True

    def _check_can_refuse(self, reason):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a Clinic Manager or Director refuses personal information requests."))
        for request in self:
            request._check_is_new()
            if not (reason if isinstance(reason, str) else request.refusal_reason or "").strip():
                raise UserError(self.env._("Write the reason of the refusal first: the member is told why."))

    def _do_refuse(self, reason):
        for request in self:
            request._action_write(
                {
                    "state": "refused",
                    "refusal_reason": reason if isinstance(reason, str) else request.refusal_reason,
                    "done_by_id": self.env.user.id,
                    "date_done": fields.Datetime.now(),
                }
            )

    def action_cancel(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a Clinic Manager or Director cancels personal information requests."))
        for request in self:
            request._check_is_new()
        self._action_write({"state": "cancelled"})
        return True
