import base64
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

REASONS = [
    ("cooling_off", "Cooling-off period"),
    ("treatment_cancelled", "Treatment cancelled by the clinic"),
    ("service_not_provided", "Service not provided"),
    ("clinic_relocation_closure", "Clinic relocation or closure"),
    ("dissatisfied", "Dissatisfied"),
    ("other", "Other"),
]
DISPUTE_CHANNELS = [
    ("consumer_association", "Consumer association (消费者协会)"),
    ("12315", "12315 hotline / platform"),
    ("court", "Court"),
]
COOLING_OFF_DUE_DAYS = 5  # Beijing's rules: a cooling-off refund is paid within 5 days


class ClinicRefundRequest(models.Model):
    _name = "clinic.refund.request"
    _description = "Refund Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "tier.validation"]
    _order = "request_date desc, id desc"

    _state_from = ["to_approve"]
    _state_to = ["approved"]
    _cancel_state = "cancelled"
    _tier_validation_manual_config = False

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one("res.partner", string="Member", required=True, tracking=True, index=True)
    contract_id = fields.Many2one(
        "clinic.prepaid.contract",
        required=True,
        tracking=True,
        domain="[('partner_id', '=', partner_id), ('state', '=', 'active')]",
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="contract_id.currency_id", store=True)
    user_id = fields.Many2one(
        "res.users", string="Requested by", required=True, default=lambda self: self.env.user, readonly=True
    )
    reason = fields.Selection(REASONS, required=True, tracking=True)
    description = fields.Text()
    request_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("paid", "Paid"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    evidence_ids = fields.One2many("clinic.refund.evidence", "request_id")
    amount_refundable = fields.Monetary(
        compute="_compute_quote", store=True, readonly=True, help="What the refund policy gives back."
    )
    fee_amount = fields.Monetary(compute="_compute_quote", store=True, readonly=True)
    breakdown = fields.Html(compute="_compute_quote", store=True, readonly=True, sanitize=False)
    policy_rule = fields.Selection(
        [("cooling_off", "Cooling-off"), ("clinic_at_fault", "Clinic at fault"), ("standard", "Contract terms")],
        compute="_compute_quote",
        store=True,
    )
    amount_requested = fields.Monetary(compute="_compute_amount_requested", store=True, readonly=False, tracking=True)
    date_due = fields.Date(string="Due Date", compute="_compute_date_due", store=True, readonly=False, tracking=True)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    overdue_notified = fields.Boolean(readonly=True, copy=False)
    rejection_reason = fields.Text(readonly=True, copy=False, tracking=True)
    stored_value_move_ids = fields.One2many("clinic.stored.value.move", "refund_request_id", string="Refund Rows")
    payment_id = fields.Many2one("account.payment", readonly=True, copy=False)
    date_paid = fields.Date(readonly=True, copy=False)
    dispute_channel = fields.Selection(DISPUTE_CHANNELS, tracking=True)
    dispute_reference = fields.Char(tracking=True)
    dispute_outcome = fields.Text(tracking=True)
    dispute_open = fields.Boolean(compute="_compute_dispute_open", store=True)

    _sql_constraints = [
        ("amount_requested_positive", "CHECK(amount_requested >= 0)", "The amount requested cannot be negative."),
    ]

    # ------------------------------------------------------------------ tier validation

    # What the workflow itself, deadlines and disputes write while or after the request is reviewed.
    _WORKFLOW_FIELDS = [
        "state",
        "rejection_reason",
        "overdue_notified",
        "payment_id",
        "date_paid",
        "date_due",
        "dispute_channel",
        "dispute_reference",
        "dispute_outcome",
        "description",
    ]

    @api.model
    def _get_under_validation_exceptions(self):
        return [*super()._get_under_validation_exceptions(), *self._WORKFLOW_FIELDS]

    @api.model
    def _get_after_validation_exceptions(self):
        return [*super()._get_after_validation_exceptions(), *self._WORKFLOW_FIELDS]

    # ------------------------------------------------------------------ quote

    @api.depends("contract_id", "reason", "request_date")
    def _compute_quote(self):
        # contract, reason and date cannot change after submission: the quote is frozen with them
        for request in self:
            if not request.contract_id or not request.reason or not request.request_date:
                request.update({"amount_refundable": 0.0, "fee_amount": 0.0, "breakdown": False, "policy_rule": False})
                continue
            quote = request.contract_id._refund_quote(request.reason, request.request_date)
            request.update(
                {
                    "amount_refundable": quote.amount_refundable,
                    "fee_amount": quote.fee_amount,
                    "policy_rule": quote.rule,
                    "breakdown": request._render_breakdown(quote),
                }
            )

    @api.depends("amount_refundable")
    def _compute_amount_requested(self):
        for request in self:
            if request.state in ("draft", False):
                request.amount_requested = request.amount_refundable

    def _render_breakdown(self, quote):
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td><td>%s</td></tr>")
            % (self._line_label(line), self._format_amount(line.amount), self._line_basis(line))
            for line in quote.lines
        )
        total = Markup("<tr class='fw-bold'><td>%s</td><td class='text-end'>%s</td><td/></tr>") % (
            self.env._("Refundable"),
            self._format_amount(quote.amount_refundable),
        )
        head = Markup("<thead><tr><th>%s</th><th class='text-end'>%s</th><th>%s</th></tr></thead>") % (
            self.env._("Step"),
            self.env._("Amount"),
            self.env._("Basis"),
        )
        return Markup("<table class='table table-sm o_clinic_refund_breakdown'>%s<tbody>%s%s</tbody></table>") % (
            head,
            rows,
            total,
        )

    def _format_amount(self, amount):
        return escape(f"{self.currency_id.symbol or ''} {amount:,.2f}")

    def _line_label(self, line):
        return {
            "cooling_off": self.env._("Full principal (cooling-off)"),
            "clinic_at_fault": self.env._("Unused principal (clinic at fault)"),
            "unused_principal": self.env._("Unused principal"),
            "list_price": self.env._("Consumed services at list price"),
            "bonus_forfeit": self.env._("Bonus consumed, charged to principal"),
            "bonus_prorata": self.env._("Consumption split between principal and bonus"),
            "floor": self.env._("Refund cannot be negative"),
            "fee": self.env._("Refund fee"),
        }[line.code]

    def _line_basis(self, line):
        basis = line.basis
        texts = {
            "cooling_off": lambda: self.env._(
                "Requested within %(days)s days of signing (%(signed)s), nothing consumed; no fee.",
                days=basis["days"],
                signed=basis["signed"],
            ),
            "clinic_at_fault": lambda: self.env._(
                "The clinic is at fault: unused principal, no fee, no repricing (消费者权益保护法实施条例 art. 22)."
            ),
            "unused_principal": lambda: self.env._("Principal paid %(paid)s, less what was used.", paid=basis["paid"]),
            "list_price": lambda: self.env._(
                "Consumed services at list price %(list)s instead of %(charged)s charged.",
                list=basis["list"],
                charged=basis["charged"],
            ),
            "bonus_forfeit": lambda: self.env._(
                "Bonus policy forfeit: the %(bonus)s of bonus used is paid by the principal.",
                bonus=basis["bonus_consumed"],
            ),
            "bonus_prorata": lambda: self.env._(
                "Bonus policy pro rata: %(consumed)s consumed x %(paid)s / (%(paid)s + %(bonus)s) = "
                "%(principal)s of principal.",
                consumed=basis["consumed"],
                paid=basis["paid"],
                bonus=basis["bonus"],
                principal=basis["principal_consumed"],
            ),
            "floor": lambda: self.env._("Deductions exceed the unused principal."),
            "fee": lambda: self.env._(
                "%(percent)s%% of %(base)s%(capped)s.",
                percent=basis["percent"],
                base=basis["base"],
                capped=self.env._(" (capped by the legal maximum)") if basis["capped"] else "",
            ),
        }
        return texts[line.code]()

    # ------------------------------------------------------------------ deadlines and disputes

    @api.depends("reason", "request_date", "company_id")
    def _compute_date_due(self):
        for request in self:
            if not request.request_date:
                request.date_due = False
                continue
            days = (
                COOLING_OFF_DUE_DAYS
                if request.reason == "cooling_off"
                else (request.company_id or self.env.company).clinic_refund_due_days
            )
            request.date_due = request.request_date + timedelta(days=days)

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.is_overdue = bool(
                request.state in ("to_approve", "approved") and request.date_due and request.date_due < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue requests."))
        domain = [("state", "in", ("to_approve", "approved")), ("date_due", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("dispute_channel", "dispute_outcome")
    def _compute_dispute_open(self):
        for request in self:
            request.dispute_open = bool(request.dispute_channel and not request.dispute_outcome)

    @api.model
    def _cron_flag_overdue(self):
        """Open an activity for the managers on each overdue request, once. Idempotent."""
        managers = self.env.ref("clinic_membership.group_clinic_manager").users.filtered(lambda u: not u.share)
        for request in self.search([("is_overdue", "=", True), ("overdue_notified", "=", False)]):
            for manager in managers.filtered(lambda u, r=request: r.company_id in u.company_ids):
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=self.env._("Overdue refund %s", request.name),
                    note=self.env._("This refund was due on %s.", request.date_due),
                )
            request.overdue_notified = True

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        for request in requests:
            request._check_contract_partner()
            request.name = (
                self.env["ir.sequence"].with_company(request.company_id).next_by_code("clinic.refund.request")
            )
        return requests

    def write(self, vals):
        frozen = {"contract_id", "partner_id", "reason", "request_date", "amount_requested"} & set(vals)
        if frozen and any(request.state != "draft" for request in self):
            raise UserError(self.env._("The amounts and terms of a refund request cannot change once it is submitted."))
        result = super().write(vals)
        if {"contract_id", "partner_id"} & set(vals):
            self._check_contract_partner()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(request.state not in ("draft", "cancelled") for request in self):
            raise UserError(self.env._("Only draft or cancelled refund requests can be deleted."))

    def _check_contract_partner(self):
        for request in self:
            if request.contract_id.partner_id.commercial_partner_id != request.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s belongs to %(owner)s, not to %(member)s.",
                        contract=request.contract_id.name,
                        owner=request.contract_id.partner_id.name,
                        member=request.partner_id.name,
                    )
                )

    # ------------------------------------------------------------------ workflow

    def _refresh_quote(self):
        """Quote again on the ledger as it is now (it may have moved since the request was drafted)."""
        for request in self:
            requested, quoted = request.amount_requested, request.amount_refundable
            request._compute_quote()
            # an amount the user typed is kept (and checked); the default follows the new quote
            if request.currency_id.compare_amounts(requested, quoted) != 0:
                request.amount_requested = requested
            else:
                request.amount_requested = request.amount_refundable

    def action_submit(self):
        self._refresh_quote()
        for request in self:
            request._check_submittable()
            request.state = "to_approve"
        self.request_validation()
        self._schedule_approver_activities()
        return True

    def _check_submittable(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("Only a draft refund request can be submitted."))
        kinds = set(self.evidence_ids.filtered("datas").mapped("evidence_type"))
        if not {"contract", "payment_voucher"} <= kinds:
            raise ValidationError(
                self.env._("Attach at least the contract and one payment voucher before submitting the request.")
            )
        currency = self.currency_id
        if currency.compare_amounts(self.amount_requested, 0.0) <= 0:
            raise ValidationError(self.env._("There is nothing to refund on contract %s.", self.contract_id.name))
        if currency.compare_amounts(self.amount_requested, self.amount_refundable) > 0:
            raise ValidationError(
                self.env._(
                    "%(requested)s is requested, but the contract's terms give back at most %(refundable)s.",
                    requested=self.amount_requested,
                    refundable=self.amount_refundable,
                )
            )

    def _validate_tier(self, tiers=False):
        """One step per approver: the requester approves nothing, nobody approves two steps."""
        self.ensure_one()
        if self.env.user == self.user_id:
            raise UserError(self.env._("You filed refund %s: someone else must approve it.", self.name))
        if self.review_ids.filtered(lambda r: r.status == "approved" and r.done_by == self.env.user):
            raise UserError(
                self.env._("You already approved a step of refund %s: the next step needs another approver.", self.name)
            )
        pending = self.review_ids.filtered(lambda r: r.status in ("pending", "waiting")).sorted("sequence")
        if not pending or self.env.user not in pending[0].reviewer_ids:
            raise UserError(self.env._("You are not an approver of the current step of refund %s.", self.name))
        tiers = pending[0]
        result = super()._validate_tier(tiers)
        self._close_own_approval_activity()
        if self.validated and self.state == "to_approve":
            self.state = "approved"
            self.message_post(body=self.env._("Refund approved: %s to pay.", self.amount_requested))
        else:
            self._schedule_approver_activities()
        return result

    def reject_tier(self):
        """A rejection always says why: the reviewer's comment becomes the rejection reason."""
        self.ensure_one()
        reviews = self.review_ids.filtered(
            lambda r: r.status in ("pending", "waiting") and self.env.user in r.reviewer_ids
        )
        if not reviews:
            raise UserError(self.env._("You are not an approver of the current step of refund %s.", self.name))
        return self._add_comment("reject", reviews)

    def _rejected_tier(self, tiers=False):
        result = super()._rejected_tier(tiers)
        self._close_own_approval_activity()
        if self.rejected and self.state == "to_approve":
            comments = self.review_ids.filtered(lambda r: r.status == "rejected").mapped("comment")
            self.write({"state": "rejected", "rejection_reason": "\n".join(c for c in comments if c) or False})
            self.activity_unlink(["mail.mail_activity_data_todo"])
        return result

    def _schedule_approver_activities(self):
        """A to-do for each approver of the next step (never the requester)."""
        for request in self.filtered(lambda r: r.state == "to_approve"):
            reviews = request.review_ids.filtered(lambda r: r.status in ("pending", "waiting")).sorted("sequence")
            if not reviews:
                continue
            next_reviews = reviews.filtered(lambda r, s=reviews[0].sequence: r.sequence == s)
            users = next_reviews.reviewer_ids - request.user_id
            existing = request.activity_ids.filtered(lambda a: a.activity_type_id.category != "upload_file").user_id
            for user in users - existing:
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    date_deadline=request.date_due,
                    summary=self.env._("Approve refund %s", request.name),
                )

    def _close_own_approval_activity(self):
        self.activity_ids.filtered(lambda a: a.user_id == self.env.user).action_feedback(
            feedback=self.env._("Reviewed")
        )

    def action_cancel(self):
        for request in self:
            if request.state in ("paid", "cancelled"):
                raise UserError(self.env._("Refund %s can no longer be cancelled.", request.name))
        self.write({"state": "cancelled"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_reset_to_draft(self):
        for request in self:
            if request.state not in ("rejected", "cancelled"):
                raise UserError(self.env._("Only a rejected or cancelled request goes back to draft."))
        self.mapped("review_ids").unlink()
        self.write({"state": "draft", "rejection_reason": False})
        self._compute_quote()
        return True

    def action_print(self):
        return self.env.ref("clinic_refund.action_report_refund_request").report_action(self)

    # ------------------------------------------------------------------ paying

    def _pay(self, journal, date=None):
        """Post the refund (outbound payment), its fee and what the terms forfeit; close an empty contract."""
        self.ensure_one()
        if not self.env.user.has_group("clinic_membership.group_clinic_accountant"):
            raise UserError(self.env._("Only a Clinic Accountant can pay a refund."))
        if self.state == "paid":
            raise UserError(self.env._("Refund %s is already paid.", self.name))
        if self.state != "approved":
            raise UserError(self.env._("Refund %s must be approved before it is paid.", self.name))
        contract = self.contract_id.sudo()
        contract._lock_stored_value()
        currency = self.currency_id
        date = date or fields.Date.context_today(self)
        refund, fee = self.amount_requested, self.fee_amount
        if currency.compare_amounts(refund + fee, contract.balance_principal) > 0:
            raise UserError(
                self.env._(
                    "Contract %(contract)s holds %(balance)s of principal, less than the %(amount)s to refund "
                    "and charge.",
                    contract=contract.name,
                    balance=contract.balance_principal,
                    amount=refund + fee,
                )
            )
        payment = self._create_refund_payment(journal, refund, date)
        Row = self.env["clinic.stored.value.move"].sudo()
        rows = Row._create_and_post(
            {
                "contract_id": contract.id,
                "move_type": "refund",
                "date": date,
                "amount_principal": -refund,
                "payment_id": payment.id,
                "account_move_id": payment.move_id.id,
                "refund_request_id": self.id,
            }
        )
        if not currency.is_zero(fee):
            rows |= Row._create_and_post(
                {
                    "contract_id": contract.id,
                    "move_type": "fee",
                    "date": date,
                    "amount_principal": -fee,
                    "refund_request_id": self.id,
                }
            )
        forfeit_principal = currency.round(contract.balance_principal)
        if not currency.is_zero(forfeit_principal) or not currency.is_zero(contract.balance_bonus):
            rows |= Row._create_and_post(
                {
                    "contract_id": contract.id,
                    "move_type": "forfeit",
                    "date": date,
                    "amount_principal": -forfeit_principal,
                    "amount_bonus": -contract.balance_bonus,
                    "refund_request_id": self.id,
                    "reason": self.env._("Forfeited under the contract's terms on refund %s.", self.name),
                }
            )
        contract._action_write({"state": "closed"})
        self.write({"state": "paid", "payment_id": payment.id, "date_paid": date})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.message_post(
            body=self.env._("Refund paid by %(user)s: %(amount)s.", user=self.env.user.name, amount=refund)
        )
        return rows

    def _create_refund_payment(self, journal, amount, date):
        company = self.company_id
        if journal.type not in ("bank", "cash") or journal.company_id != company:
            raise UserError(self.env._("Choose a bank or cash journal of %s.", company.name))
        method_line = journal._get_available_payment_method_lines("outbound")[:1]
        if not method_line:
            raise UserError(self.env._("Journal %s has no outgoing payment method.", journal.name))
        company._clinic_check_stored_value_accounting()
        payment = (
            self.env["account.payment"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": self.contract_id.partner_id.id,
                    "amount": amount,
                    "currency_id": self.currency_id.id,
                    "journal_id": journal.id,
                    "payment_method_line_id": method_line.id,
                    "date": date,
                    "memo": self.env._(
                        "Refund %(request)s - %(contract)s", request=self.name, contract=self.contract_id.name
                    ),
                    "destination_account_id": company.clinic_stored_value_account_id.id,
                    "company_id": company.id,
                }
            )
        )
        payment.action_post()
        return payment

    # ------------------------------------------------------------------ demo data

    @api.model
    def _create_demo_requests(self):
        """A draft, a request waiting for approval, a paid refund and a rejected one under dispute."""
        contracts = self.env["clinic.prepaid.contract"].search(
            [("state", "=", "active"), ("company_id", "=", self.env.ref("base.main_company").id)], order="id"
        )
        if len(contracts) < 3 or self.search_count([], limit=1):
            return
        users = {
            key: self.env.ref(f"clinic_membership.user_clinic_{key}", raise_if_not_found=False)
            for key in ("frontdesk", "manager", "director", "accountant")
        }
        if not all(users.values()):
            return
        evidence = [
            (
                0,
                0,
                {
                    "evidence_type": kind,
                    "filename": f"{kind}.pdf",
                    "datas": base64.b64encode(b"%PDF-1.4 demo " + kind.encode()),
                },
            )
            for kind in ("contract", "payment_voucher", "communication")
        ]
        Request = self.with_user(users["frontdesk"]).with_context(tracking_disable=True)

        def request(contract, reason, description):
            return Request.create(
                {
                    "partner_id": contract.partner_id.id,
                    "contract_id": contract.id,
                    "reason": reason,
                    "description": description,
                    "evidence_ids": evidence,
                }
            )

        rejected = request(contracts[0], "other", "会员搬家, 希望退款。")
        rejected.action_submit()
        reviews = rejected.review_ids.filtered(lambda r: r.status in ("pending", "waiting"))
        reviews.write({"comment": "会员已消费的疗程不在退款范围内。"})  # what the reject wizard does
        rejected.with_user(users["manager"])._rejected_tier(reviews)
        rejected.write({"dispute_channel": "12315", "dispute_reference": "12315-2026-0815"})
        request(contracts[0], "dissatisfied", "会员对疗程效果不满意, 申请退还剩余储值。")
        waiting = request(contracts[1], "treatment_cancelled", "医生停诊, 预约的疗程取消。")
        waiting.action_submit()
        waiting.with_user(users["manager"]).validate_tier()
        bank = self.env["account.journal"].search(
            [("company_id", "=", contracts[2].company_id.id), ("type", "=", "bank")], limit=1
        )
        paid = request(contracts[2], "dissatisfied", "会员决定不再继续疗程。")
        paid.action_submit()
        paid.with_user(users["manager"]).validate_tier()
        if paid.state == "to_approve":
            paid.with_user(users["director"]).validate_tier()
        if bank and paid.state == "approved":
            paid.with_user(users["accountant"])._pay(bank)
