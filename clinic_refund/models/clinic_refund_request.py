import base64
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

from ..tools.refund_policy import compute_interest, interest_kind, quote_from_data, quote_to_data
from .clinic_interest_rate import RATE_KINDS

REASONS = [
    ("cooling_off", "Cooling-off period"),
    ("treatment_cancelled", "Treatment cancelled by the clinic"),
    ("service_not_provided", "Service not provided"),
    ("clinic_relocation_closure", "Clinic relocation or closure"),
    ("health_changed", "Health changed materially"),
    ("force_majeure", "Force majeure"),
    ("minor_void", "Contract of a minor voided by her guardian"),
    ("dissatisfied", "Dissatisfied"),
    ("other", "Other"),
]
DISPUTE_CHANNELS = [
    ("consumer_association", "Consumer association (消费者协会)"),
    ("12315", "12315 hotline / platform"),
    ("court", "Court"),
]
INTEREST_KINDS = [("agreed", "Rate agreed in the contract"), *RATE_KINDS]
COOLING_OFF_DUE_DAYS = 5  # Beijing's rules: a cooling-off refund is paid within 5 days


class ClinicRefundRequest(models.Model):
    _name = "clinic.refund.request"
    _description = "Refund Request"
    _inherit = ["clinic.guarded.mixin", "mail.thread", "mail.activity.mixin", "clinic.tier.validation"]
    _order = "request_date desc, id desc"
    # Its tier.review rows change only through approve / reject by a reviewer of the current step.
    _clinic_guarded_reviews = True

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
        readonly=True,
        tracking=True,
        copy=False,
    )
    evidence_ids = fields.One2many("clinic.refund.evidence", "request_id")
    amount_refundable = fields.Monetary(
        compute="_compute_quote", store=True, readonly=True, help="What the refund policy gives back."
    )
    fee_amount = fields.Monetary(compute="_compute_quote", store=True, readonly=True)
    quote_data = fields.Json(compute="_compute_quote", store=True, readonly=True, copy=False)
    breakdown = fields.Html(
        compute="_compute_breakdown",
        sanitize=False,
        help="The quote in words, in the reader's language (the quote itself is frozen at submission).",
    )
    policy_rule = fields.Selection(
        [
            ("cooling_off", "Cooling-off"),
            ("clinic_at_fault", "Clinic at fault"),
            ("no_fault", "Neither party at fault"),
            ("void", "Contract void"),
            ("standard", "Contract terms"),
        ],
        compute="_compute_quote",
        store=True,
    )
    amount_requested = fields.Monetary(compute="_compute_amount_requested", store=True, readonly=False, tracking=True)
    interest_kind = fields.Selection(
        INTEREST_KINDS,
        string="Interest Rate Basis",
        compute="_compute_interest_terms",
        store=True,
        help="法释〔2025〕4号 art. 16: the contract's rate, else the one-year LPR in force at signing when the "
        "clinic is the cause, else the one-year deposit benchmark rate then in force.",
    )
    interest_rate = fields.Float(
        string="Interest Rate (%/year)", digits=(6, 2), compute="_compute_interest_terms", store=True
    )
    interest_rate_missing = fields.Boolean(compute="_compute_interest_terms", store=True)
    interest_days = fields.Integer(compute="_compute_interest")
    amount_interest = fields.Monetary(
        string="Interest",
        compute="_compute_interest",
        help="Interest on the amount returned, from the day the request reached the clinic to the day it is paid "
        "(to today while unpaid): it grows until the refund is paid (法释〔2025〕4号 arts. 15-17).",
    )
    amount_total_due = fields.Monetary(string="Total with Interest", compute="_compute_interest")
    amount_interest_paid = fields.Monetary(readonly=True, copy=False)
    date_due = fields.Date(string="Due Date", compute="_compute_date_due", store=True, tracking=True)
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
    backdate_reason = fields.Text(
        string="Why Dated Earlier",
        tracking=True,
        help="A request dated before the day it is filed (the day the member asked) says why, "
        "with a communication record as evidence; only a Clinic Manager dates it so.",
    )
    approver_ids = fields.Many2many(
        "res.users",
        string="Can Approve Now",
        compute="_compute_approver_ids",
        help="Who may decide the current approval step (never the requester, never an approver of an earlier step).",
    )
    days_to_due = fields.Integer(string="Days Left", compute="_compute_is_overdue")
    settlement_id = fields.Many2one(
        "clinic.refund.settlement",
        readonly=True,
        copy=False,
        tracking=True,
        help="The amount negotiated with the member (or set by an outside decision) and the document that binds it.",
    )
    agreed_amount = fields.Monetary(related="settlement_id.amount", string="Negotiated Amount")
    agreed_reason = fields.Text(related="settlement_id.reason", string="Why This Amount")
    settlement_basis = fields.Selection(related="settlement_id.basis")
    settlement_state = fields.Selection(related="settlement_id.state", string="Settlement Status")
    agreement_signed_sha256 = fields.Char(related="settlement_id.signed_sha256", string="Agreement SHA-256")

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
                request.update({"amount_refundable": 0.0, "fee_amount": 0.0, "quote_data": False, "policy_rule": False})
                continue
            quote = request.contract_id._refund_quote(request.reason, request.request_date)
            request.update(
                {
                    "amount_refundable": quote.amount_refundable,
                    "fee_amount": quote.fee_amount,
                    "policy_rule": quote.rule,
                    "quote_data": quote_to_data(quote),
                }
            )

    @api.depends("contract_id", "reason", "request_date")
    def _compute_interest_terms(self):
        # frozen with the quote: contract, reason and date cannot change after submission
        for request in self:
            contract = request.contract_id
            if not contract or not request.reason:
                request.update({"interest_kind": False, "interest_rate": 0.0, "interest_rate_missing": False})
                continue
            kind = interest_kind(request.reason, contract.interest_rate)
            if kind == "agreed":
                rate = contract.interest_rate
            else:
                day = contract.date_signed or request.request_date or fields.Date.context_today(request)
                rate = self.env["clinic.interest.rate"]._rate_on(kind, day).rate
            request.update({"interest_kind": kind, "interest_rate": rate, "interest_rate_missing": not rate})

    @api.depends("amount_requested", "interest_rate", "request_date", "date_paid", "amount_interest_paid", "state")
    def _compute_interest(self):
        today = fields.Date.context_today(self)
        for request in self:
            days, interest = request._interest_until(request.date_paid or today)
            if request.state == "paid":
                interest = request.amount_interest_paid
            request.update(
                {
                    "interest_days": days,
                    "amount_interest": interest,
                    "amount_total_due": (request.currency_id or self.env.company.currency_id).round(
                        request.amount_requested + interest
                    ),
                }
            )

    def _interest_until(self, day):
        """(days, interest) on the amount returned from the day the request reached the clinic to ``day``."""
        currency = self.currency_id or self.env.company.currency_id
        if not self.request_date or not day or self.state == "cancelled":
            return 0, 0.0
        return compute_interest(self.amount_requested, self.interest_rate, self.request_date, day, currency.rounding)

    def _check_interest_rate(self):
        if self.interest_rate_missing:
            day = self.contract_id.date_signed or self.request_date
            self.env["clinic.interest.rate"]._check_rate_on(self.interest_kind, day)

    @api.depends("amount_refundable", "settlement_id")
    def _compute_amount_requested(self):
        for request in self:
            if request.state in ("draft", False):
                request.amount_requested = (
                    request.settlement_id.amount if request.settlement_id else request.amount_refundable
                )

    @api.depends("quote_data", "currency_id", "settlement_id.amount", "settlement_id.reason", "amount_interest")
    @api.depends_context("lang")
    def _compute_breakdown(self):
        for request in self:
            data = request.quote_data
            breakdown = request._render_breakdown(quote_from_data(data)) if data else Markup("")
            if request.settlement_id:
                breakdown += request._render_settlement()
            request.breakdown = breakdown or False

    def _render_breakdown(self, quote):
        """The quote as a letter to the member: a note on the rule, then one line per step in words."""
        return self.env["ir.qweb"]._render("clinic_refund.refund_request_breakdown", self._breakdown_values(quote))

    def _breakdown_values(self, quote):
        return {
            "notes": [self._note_text(code, basis) for code, basis in quote.notes],
            "lines": [
                {
                    "label": self._line_label(line),
                    "amount": self._money(line.amount),
                    "basis": self._line_basis(line),
                    "law": self._line_law(line.code),
                }
                for line in quote.lines
                if not self._is_silent_line(line)
            ],
            "amount_refundable": self._money(quote.amount_refundable),
            "interest": self._interest_breakdown_values(),
        }

    def _interest_breakdown_values(self):
        """The interest line: days x rate on the amount returned, to the day paid (today while unpaid)."""
        if not self.interest_kind or self.interest_rate_missing or self.state == "cancelled":
            return False
        rate = formatLang(self.env, self.interest_rate, digits=2)
        basis = {
            "agreed": self.env._("the rate agreed in the contract"),
            "lpr": self.env._("the one-year LPR in force when the contract was signed (the clinic is the cause)"),
            "deposit": self.env._("the one-year deposit benchmark rate in force when the contract was signed"),
        }[self.interest_kind]
        until = self.date_paid or fields.Date.context_today(self)
        return {
            "label": self.env._("Interest"),
            "amount": self._money(self.amount_interest),
            "basis": self.env._(
                "%(amount)s x %(rate)s%% a year (%(basis)s) x %(days)s days / 365, from %(start)s, when the request "
                "reached the clinic, to %(until)s%(paid)s.",
                amount=self._money(self.amount_requested),
                rate=rate,
                basis=basis,
                days=self.interest_days,
                start=fields.Date.to_string(self.request_date),
                until=fields.Date.to_string(until),
                paid=self.env._(", the day it was paid") if self.date_paid else self.env._(": it grows until paid"),
            ),
            "law": self._line_law("interest"),
            "total": self._money(self.amount_total_due),
        }

    def _line_law(self, code):
        """The rule behind each line, as a court reads it."""
        return {
            "cooling_off": self.env._("Contract terms, more favourable than 法释〔2025〕4号 art. 14 (its para. 2)"),
            "cooling_off_payments": self.env._("法释〔2025〕4号 art. 14"),
            "minor_void": self.env._("法释〔2025〕4号 art. 10"),
            "clinic_at_fault": self.env._("消费者权益保护法实施条例 art. 22; 法释〔2025〕4号 arts. 13, 15, 18"),
            "unused_principal": self.env._("法释〔2025〕4号 art. 15 para. 1"),
            "list_price": self.env._("法释〔2025〕4号 art. 19"),
            "package_list_price": self.env._("法释〔2025〕4号 arts. 19, 20"),
            "unlimited_time_used": self.env._("法释〔2025〕4号 art. 22"),
            "list_price_prorata": self.env._("法释〔2025〕4号 arts. 8, 19; 民法典 art. 498"),
            "bonus_forfeit": self.env._("法释〔2025〕4号 art. 19 para. 1"),
            "bonus_prorata": self.env._("法释〔2025〕4号 art. 18 para. 1 (2) and para. 2"),
            "bonus_left": self.env._("法释〔2025〕4号 arts. 15, 21"),
            "floor": self.env._("法释〔2025〕4号 art. 20"),
            "fee": self.env._("法释〔2025〕4号 art. 15 paras. 2 and 3"),
            "interest": self.env._("法释〔2025〕4号 arts. 15, 16, 17"),
        }[code]

    def _is_silent_line(self, line):
        """A pro rata correction of nothing says nothing to the member (a ¥0.00 line only confused her)."""
        return line.code == "bonus_prorata" and (self.currency_id or self.env.company.currency_id).is_zero(line.amount)

    def _render_settlement(self):
        """The negotiated amount beside the rules' quote, and the difference."""
        return self.env["ir.qweb"]._render(
            "clinic_refund.refund_request_breakdown_settlement", self._settlement_breakdown_values()
        )

    def _settlement_breakdown_values(self):
        settlement = self.settlement_id
        difference = self.currency_id.round(settlement.amount - settlement.amount_quoted)
        return {
            "amount_quoted": self._money(settlement.amount_quoted),
            "settled_label": self.env._("Settled at (%s)", settlement._basis_label()),
            "amount": self._money(settlement.amount),
            "differs": not self.currency_id.is_zero(difference),
            "above_terms": difference > 0,
            "difference": self._money(abs(difference)),
            "reason_text": self.env._("Why this amount: %s", settlement.reason or ""),
        }

    def _money(self, amount):
        """An amount in the currency's format and the user's language (¥ 7,283.34)."""
        return escape(formatLang(self.env, amount, currency_obj=self.currency_id or self.env.company.currency_id))

    def _note_text(self, code, basis):
        if code == "cooling_off_missed" and basis["too_late"]:
            return self.env._(
                "Not a cooling-off refund: it was asked %(days)s days after signing, and the contract allows "
                "%(limit)s days. The contract's terms apply.",
                days=basis["days"],
                limit=basis["limit"],
            )
        return self.env._(
            "Not a cooling-off refund: services worth %(consumed)s were already used. The contract's terms apply.",
            consumed=self._money(basis["consumed"]),
        )

    def _line_label(self, line):
        return {
            "cooling_off": self.env._("Full principal (cooling-off)"),
            "clinic_at_fault": self.env._("Unused principal (clinic at fault)"),
            "minor_void": self.env._("Prepayment less what was delivered (contract void)"),
            "unused_principal": self.env._("Unused principal"),
            "list_price": self.env._("Services used, repriced at list price"),
            "package_list_price": self.env._("Package sessions used, repriced at the single-session price"),
            "unlimited_time_used": self.env._("Unlimited plan: time used, not refunded"),
            "list_price_prorata": self.env._("Principal's share of the list-price difference"),
            "bonus_forfeit": self.env._("Bonus used, forfeited"),
            "bonus_prorata": self.env._("Consumption split between principal and bonus"),
            "bonus_left": self.env._("Bonus left, not refunded"),
            "floor": self.env._("Refund cannot be negative"),
            "fee": self.env._("Reasonable costs claimed by the clinic (refund fee)"),
            "cooling_off_payments": self.env._("Payments of the last seven days, in full"),
        }[line.code]

    def _payment_text(self, payment):
        return self.env._("%(amount)s on %(date)s", amount=self._money(payment["amount"]), date=payment["date"])

    def _unused_principal_text(self, basis):
        if basis.get("recent"):
            text = self.env._(
                "You paid %(paid)s; this is what is left of it, less the recent payments above (%(recent)s), which "
                "paid for nothing used yet: what you used is counted from your earliest payments first.",
                paid=self._money(basis["paid"]),
                recent=self._money(basis["recent"]),
            )
        else:
            text = self.env._("You paid %(paid)s; this is what is left of it.", paid=self._money(basis["paid"]))
        for package in basis.get("packages", ()):
            text += " " + self.env._(
                "%(package)s: %(left)s sessions left at %(unit)s, %(value)s.",
                package=package["name"],
                left=package["left"],
                unit=self._money(package["unit_price"]),
                value=self._money(package["value"]),
            )
        return text

    def _unlimited_time_text(self, basis):
        """Art. 22: the plan's price comes back pro rata to the time left, whether it was used or not."""
        return self.env._(
            "%(package)s, unlimited sessions from %(start)s to %(end)s (%(total)s days) for %(price)s. "
            "%(ended)s: %(elapsed)s days of the plan had run, %(left)s days were left. The time that ran is not "
            "refunded, used or not: %(price)s x %(elapsed)s / %(total)s = %(amount)s.",
            package=basis["package"],
            start=basis["start"],
            end=basis["end"],
            total=basis["total"],
            price=self._money(basis["price"]),
            ended=(
                self.env._("The clinic stopped serving it on %s", basis["until"])
                if basis["stopped"]
                else self.env._("The contract ends on %s, the day the refund was asked", basis["until"])
            ),
            elapsed=basis["elapsed"],
            left=basis["left"],
            amount=self._money(basis["price"] * basis["elapsed"] / basis["total"] if basis["total"] else 0.0),
        )

    def _line_basis(self, line):
        basis, money = line.basis, self._money
        texts = {
            "cooling_off": lambda: self.env._(
                "Asked within %(days)s days of signing (%(signed)s) and nothing used: everything paid comes back, "
                "with no fee.",
                days=basis["days"],
                signed=basis["signed"],
            ),
            "clinic_at_fault": lambda: self.env._(
                "The clinic is at fault: all unused principal comes back, with no fee and no repricing "
                "(消费者权益保护法实施条例 art. 22)."
            ),
            "unused_principal": lambda: self._unused_principal_text(basis),
            "minor_void": lambda: self.env._(
                "The contract a minor made without her legal guardian is void at the guardian's request: of the "
                "%(paid)s paid, all that was not delivered comes back, at the price charged, with no fee.",
                paid=money(basis["paid"]),
            ),
            "package_list_price": lambda: self.env._(
                "%(package)s: %(sessions)s sessions used; at the single-session price of %(unit)s they are worth "
                "%(list)s, against %(charged)s paid for them: the difference of %(difference)s is deducted"
                "%(capped)s.",
                package=basis["package"],
                sessions=basis["sessions"],
                unit=money(basis["list_unit"]),
                list=money(basis["list"]),
                charged=money(basis["charged"]),
                difference=money(basis["difference"]),
                capped=self.env._(", up to what is left of the package's price") if basis["capped"] else "",
            ),
            "unlimited_time_used": lambda: self._unlimited_time_text(basis),
            "list_price": lambda: self.env._(
                "The services used are worth %(list)s at list price against %(charged)s charged (both without tax): "
                "the difference of %(difference)s is deducted.",
                list=money(basis["list"]),
                charged=money(basis["charged"]),
                difference=money(basis["difference"]),
            ),
            "list_price_prorata": lambda: self.env._(
                "The services used are worth %(list)s at list price against %(charged)s charged (both without tax). "
                "Of the %(difference)s difference, the principal bears its share %(paid)s / (%(paid)s + %(bonus)s), "
                "like the consumption itself: where the terms read two ways, the reading that favours the consumer "
                "applies (民法典 art. 498).",
                list=money(basis["list"]),
                charged=money(basis["charged"]),
                difference=money(basis["difference"]),
                paid=money(basis["paid"]),
                bonus=money(basis["bonus"]),
            ),
            "bonus_forfeit": lambda: self.env._(
                "Bonus policy forfeit: the %(bonus)s of bonus you used is not a gift on a refund, it is paid back "
                "from the principal.",
                bonus=money(basis["bonus_consumed"]),
            ),
            "bonus_prorata": lambda: self.env._(
                "Bonus policy pro rata: of the %(consumed)s used, the principal's share is %(consumed)s x %(paid)s / "
                "(%(paid)s + %(bonus)s) = %(principal)s; the ledger is corrected to that share.",
                consumed=money(basis["consumed"]),
                paid=money(basis["paid"]),
                bonus=money(basis["bonus"]),
                principal=money(basis["principal_consumed"]),
            ),
            "floor": lambda: self.env._("The deductions are more than the unused principal: the refund stays at zero."),
            "fee": lambda: self.env._(
                "The clinic's claim of its reasonable costs: %(percent)s%% of %(base)s%(capped)s. Commissions paid "
                "to staff are never part of it; there is none on a cooling-off refund, when the clinic is at fault, "
                "or for force majeure or a change of circumstances.",
                percent=basis["percent"],
                base=money(basis["base"]),
                capped=self.env._(" (capped by the legal maximum)") if basis["capped"] else "",
            ),
            "bonus_left": lambda: self.env._(
                "The %(bonus)s of bonus left on the card was a gift, not a payment: it is not paid out and lapses "
                "with the contract.",
                bonus=money(basis["bonus"]),
            ),
            "cooling_off_payments": lambda: self.env._(
                "Asked within %(days)s days of the day each was paid (%(payments)s): the principal of these "
                "payments comes back without a reason and without a fee.",
                days=basis["days"],
                payments=", ".join(self._payment_text(payment) for payment in basis["payments"]),
            ),
        }
        return texts[line.code]()

    # ------------------------------------------------------------------ deadlines and disputes

    @api.depends("reason", "request_date", "company_id", "settlement_id.date_due")
    def _compute_date_due(self):
        for request in self:
            if request.settlement_id:
                request.date_due = request.settlement_id.date_due
                continue
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
            request.days_to_due = (request.date_due - today).days if request.date_due else 0

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
            request._action_write({"overdue_notified": True})

    # ------------------------------------------------------------------ ORM

    # What staff write directly: the request while it is a draft; its description and the outside
    # dispute path at any time. State, quote, reviews, payment and rejection move through actions.
    _DRAFT_FIELDS = (
        "partner_id",
        "contract_id",
        "reason",
        "request_date",
        "amount_requested",
        "evidence_ids",
        "backdate_reason",
    )
    _FREE_FIELDS = ("description", "dispute_channel", "dispute_reference", "dispute_outcome")

    def _clinic_writable_fields(self):
        if any(request.state != "draft" for request in self):
            return set(self._FREE_FIELDS)
        return set(self._DRAFT_FIELDS + self._FREE_FIELDS)

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests._check_contract_partner()
        requests._check_member_active()
        requests._check_backdating()
        requests._attach_held_evidence()
        return requests

    def _clinic_complete_create_vals(self, vals):
        contract = self.env["clinic.prepaid.contract"].browse(vals.get("contract_id"))
        company = contract.company_id or self.env.company
        vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("clinic.refund.request")
        return vals

    def write(self, vals):
        result = super().write(vals)
        if {"contract_id", "partner_id"} & set(vals):
            self._check_contract_partner()
            self._check_member_active()
        if {"request_date", "backdate_reason"} & set(vals):
            self._check_backdating()
        return result

    # ------------------------------------------------------------------ back-dating

    def _filing_date(self):
        self.ensure_one()
        return (
            fields.Date.context_today(self, self.create_date) if self.create_date else fields.Date.context_today(self)
        )

    def _check_backdating(self):
        """The request date is the day the member asked; a day before the filing needs a manager and a reason."""
        for request in self:
            filed = request._filing_date()
            if request.request_date >= filed:
                continue
            if not self.env.su and not self.env.user.has_group("clinic_membership.group_clinic_manager"):
                raise UserError(
                    self.env._(
                        "Only a Clinic Manager can date a refund request before the day it is filed (%s).", filed
                    )
                )
            if not (request.backdate_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why refund request %s is dated before the day it is filed: when and how the member asked.",
                        request.name,
                    )
                )
            request.message_post(
                body=self.env._(
                    "Dated %(date)s, %(days)s days before it was filed, by %(user)s: %(reason)s",
                    date=request.request_date,
                    days=(filed - request.request_date).days,
                    user=self.env.user.name,
                    reason=request.backdate_reason,
                )
            )

    def _is_backdated(self):
        self.ensure_one()
        return self.request_date < self._filing_date()

    # ------------------------------------------------------------------ evidence the clinic holds

    def _attach_held_evidence(self):
        """The signed contract and the top-up receipts the clinic already holds join a new request."""
        Evidence = self.env["clinic.refund.evidence"].sudo()
        for request in self:
            kinds = set(request.evidence_ids.mapped("evidence_type"))
            vals_list = []
            contract = request.contract_id.sudo()
            signed = contract._stored_signed_bytes() if contract.signed_sha256 else b""
            if "contract" not in kinds and signed:
                vals_list.append(
                    {
                        "request_id": request.id,
                        "evidence_type": "contract",
                        "name": self.env._("Signed contract %s", contract.name),
                        "datas": base64.b64encode(signed),
                        "filename": contract.signed_filename or f"{contract.name.replace('/', '_')}.pdf",
                    }
                )
            payments = contract.move_ids.filtered(lambda row: row.move_type == "topup").payment_id
            if "payment_voucher" not in kinds and payments:
                vals_list.append(
                    {
                        "request_id": request.id,
                        "evidence_type": "payment_voucher",
                        "name": self.env._("Top-up receipts of %s", contract.name),
                        "datas": base64.b64encode(request._render_topup_receipts(payments)),
                        "filename": f"{contract.name.replace('/', '_')}-receipts.html",
                    }
                )
            Evidence.create(vals_list)

    def _render_topup_receipts(self, payments):
        html, _type = (
            self.env["ir.actions.report"]
            .sudo()
            ._render_qweb_html("account.action_report_payment_receipt", payments.ids)
        )
        return html

    def _action_write(self, vals):
        """What the document's actions set (states, quotes, results): written with privilege raised,
        once the action has checked who may do it; a user's write never gives these fields."""
        return self.sudo().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(request.state not in ("draft", "cancelled") for request in self):
            raise UserError(self.env._("Only draft or cancelled refund requests can be deleted."))
        if self.settlement_id:
            raise UserError(
                self.env._("A refund request with a settlement proposal is kept with it: cancel the request instead.")
            )

    def unlink(self):
        self.review_ids.sudo().unlink()
        return super().unlink()

    @api.constrains("request_date", "contract_id")
    def _check_request_date(self):
        """The day the member asked: never in the future, never before the contract was signed."""
        today = fields.Date.context_today(self)
        for request in self:
            if request.request_date > today:
                raise ValidationError(self.env._("A refund request cannot be dated in the future."))
            signed = request.contract_id.date_signed
            if signed and request.request_date < signed:
                raise ValidationError(
                    self.env._("A refund request cannot be dated before its contract was signed (%s).", signed)
                )

    def _check_member_active(self):
        """No refund is filed for an archived contact: restore it first (and see why it was archived)."""
        for request in self:
            member = request.partner_id
            if not member.active or not member.commercial_partner_id.active:
                raise ValidationError(
                    self.env._("%s is archived: restore the contact before filing a refund request.", member.name)
                )

    @api.constrains("reason", "contract_id")
    def _check_minor_void(self):
        """Only the contract a minor made without her guardian's signature is void (法释〔2025〕4号 art. 10)."""
        for request in self.filtered(lambda r: r.reason == "minor_void"):
            contract = request.contract_id.sudo()
            signed_by_guardian = (
                contract.guardian_id and (contract.signed_by or "").strip() == contract.guardian_id.name
            )
            if not contract.partner_id._clinic_is_minor_on(contract.date_signed) or signed_by_guardian:
                raise ValidationError(
                    self.env._(
                        "Contract %s was not made by a minor without her legal guardian: it is not void "
                        "(法释〔2025〕4号 art. 10).",
                        contract.name,
                    )
                )

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
        for request in self.sudo():
            requested, quoted = request.amount_requested, request.amount_refundable
            request._compute_quote()
            request._compute_interest_terms()  # a rate a manager added since the draft counts
            # an amount the user typed is kept (and checked); the default follows the new quote
            if request.settlement_id:
                request.amount_requested = request.settlement_id.amount
            elif request.currency_id.compare_amounts(requested, quoted) != 0:
                request.amount_requested = requested
            else:
                request.amount_requested = request.amount_refundable

    def action_submit(self):
        for request in self:
            if request.state != "draft":
                raise UserError(self.env._("Only a draft refund request can be submitted."))
        if len(self.contract_id) < len(self):
            raise UserError(self.env._("Submit one refund request per contract at a time."))
        # Under the wallet's lock, as spending: a payment made at the same moment is either in the
        # quote, or waits and then finds the contract frozen (the freeze writes the contract's row).
        self.contract_id._lock_stored_value()
        self._refresh_quote()
        for request in self:
            request._check_submittable()
            request._check_no_other_refund_under_way()
        self._action_write({"state": "to_approve"})
        self.sudo().request_validation()
        self._schedule_approver_activities()
        return True

    def request_validation(self):
        """Reviews are requested by submitting (or restarting) the request, never on their own."""
        if not self.env.su:
            raise UserError(self.env._("Submit the refund request to ask for its approval."))
        return super().request_validation()

    def _check_no_other_refund_under_way(self):
        """One refund at a time per contract: a second one would be quoted on value the first takes."""
        self.ensure_one()
        under_way = self.contract_id.open_refund_request_id
        if under_way and under_way != self:
            raise UserError(
                self.env._(
                    "Contract %(contract)s already has a refund under way (%(request)s): it must be paid, "
                    "rejected or cancelled before another request is submitted.",
                    contract=self.contract_id.name,
                    request=under_way.name,
                )
            )

    def _check_submittable(self):
        self.ensure_one()
        kinds = set(self.evidence_ids.filtered("datas").mapped("evidence_type"))
        if not {"contract", "payment_voucher"} <= kinds:
            raise ValidationError(
                self.env._("Attach at least the contract and one payment voucher before submitting the request.")
            )
        if self._is_backdated() and "communication" not in kinds:
            raise ValidationError(
                self.env._(
                    "Refund request %s is dated before the day it was filed: attach the communication record "
                    "that shows when the member asked.",
                    self.name,
                )
            )
        currency = self.currency_id
        if currency.compare_amounts(self.amount_requested, 0.0) <= 0:
            raise ValidationError(self.env._("There is nothing to refund on contract %s.", self.contract_id.name))
        self._check_interest_rate()
        if self.settlement_id:
            self.settlement_id._check_settled_amount()
        elif currency.compare_amounts(self.amount_requested, self.amount_refundable) > 0:
            raise ValidationError(
                self.env._(
                    "%(requested)s is requested, but the contract's terms give back at most %(refundable)s.",
                    requested=formatLang(self.env, self.amount_requested, currency_obj=currency),
                    refundable=formatLang(self.env, self.amount_refundable, currency_obj=currency),
                )
            )

    def _current_step_reviews(self):
        """The open reviews of the step to decide now (the lowest sequence still open)."""
        self.ensure_one()
        pending = self.sudo().review_ids.filtered(lambda r: r.status in ("pending", "waiting")).sorted("sequence")
        return pending.filtered(lambda r, s=pending[:1].sequence: r.sequence == s)

    def _check_can_review(self):
        """The requester and the negotiator of the amount approve nothing, nobody approves two steps, only a
        reviewer of the current step decides."""
        self.ensure_one()
        if self.state != "to_approve":
            raise UserError(self.env._("Refund %s is not waiting for an approval.", self.name))
        if self.env.user == self.user_id:
            raise UserError(self.env._("You filed refund %s: someone else must approve it.", self.name))
        if self.env.user == self._negotiator():
            raise UserError(
                self.env._("You negotiated the amount of refund %s: someone else must approve it.", self.name)
            )
        reviews = self._current_step_reviews()
        if not reviews or self.env.user not in reviews.reviewer_ids:
            raise UserError(self.env._("You are not an approver of the current step of refund %s.", self.name))
        return reviews

    def _validate_tier(self, tiers=False):
        self.ensure_one()
        self.contract_id._lock_stored_value()
        reviews = self._check_can_review()
        if self.sudo().review_ids.filtered(lambda r: r.status == "approved" and r.done_by == self.env.user):
            raise UserError(
                self.env._("You already approved a step of refund %s: the next step needs another approver.", self.name)
            )
        self._check_later_steps_stay_approvable(reviews)
        result = super(ClinicRefundRequest, self.sudo())._validate_tier(reviews.sudo())
        self._close_own_approval_activity()
        self._close_decided_approval_activities()
        if self.validated:
            self._action_write({"state": "approved"})
            self.message_post(body=self.env._("Refund approved: %s to pay.", self._money(self.amount_requested)))
            self._schedule_payment_activities()
        else:
            self._schedule_approver_activities()
        return result

    def reject_tier(self):
        """A rejection always says why: the reviewer's comment becomes the rejection reason (the dialog's
        button says Reject, not OCA's Comment)."""
        self.ensure_one()
        action = self._add_comment("reject", self._check_can_review())
        view = self.env.ref("clinic_refund.comment_wizard_view_form_reject_refund")
        action.update(
            {"name": self.env._("Reject Refund %s", self.name), "views": [(view.id, "form")], "view_id": view.id}
        )
        return action

    def _add_tier_validation_buttons(self, node, params):
        """Only a Clinic Manager is shown Restart Validation (the method refuses everyone else). OCA adds
        these buttons after Odoo has applied the view's groups, on each call: the user is checked here."""
        new_node = super()._add_tier_validation_buttons(node, params)
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            for button in new_node.xpath("//button[@name='restart_validation']"):
                button.getparent().remove(button)
        return new_node

    def _negotiator(self):
        """Who proposed the settled amount under approval (a negotiated amount is approved by someone else)."""
        settlement = self.sudo().settlement_id
        return settlement.user_id if settlement and settlement.state != "cancelled" else self.env["res.users"]

    def _step_approvers(self, reviews, approved_by):
        """Who may decide the step of ``reviews``: its reviewers, never the requester, the negotiator of the
        amount, nor an earlier approver."""
        return reviews.reviewer_ids - self.user_id - self._negotiator() - approved_by

    def _check_later_steps_stay_approvable(self, reviews):
        """Four eyes: approving this step must leave someone to approve every later step."""
        open_reviews = self.sudo().review_ids.filtered(lambda r: r.status in ("pending", "waiting"))
        approved_by = self.sudo().review_ids.filtered(lambda r: r.status == "approved").done_by | self.env.user
        for sequence in sorted(set(open_reviews.mapped("sequence")) - set(reviews.mapped("sequence"))):
            later = open_reviews.filtered(lambda r, s=sequence: r.sequence == s)
            if not self._step_approvers(later, approved_by):
                raise UserError(
                    self.env._(
                        "If you approve this step of refund %(request)s, nobody is left to approve the step "
                        "“%(step)s”: leave this one to another approver.",
                        request=self.name,
                        step=later[0].name,
                    )
                )

    @api.depends("review_ids.status", "state")
    @api.depends_context("uid")
    def _compute_approver_ids(self):
        for request in self:
            if request.state != "to_approve":
                request.approver_ids = False
                continue
            reviews = request._current_step_reviews()
            approved_by = request.sudo().review_ids.filtered(lambda r: r.status == "approved").done_by
            request.approver_ids = request._step_approvers(reviews, approved_by)

    def _rejected_tier(self, tiers=False):
        self.ensure_one()
        reviews = self._check_can_review()
        result = super(ClinicRefundRequest, self.sudo())._rejected_tier(reviews.sudo())
        self._close_own_approval_activity()
        if self.rejected:
            comments = self.sudo().review_ids.filtered(lambda r: r.status == "rejected").mapped("comment")
            self._action_write({"state": "rejected", "rejection_reason": "\n".join(c for c in comments if c) or False})
            self.activity_unlink(["mail.mail_activity_data_todo"])
        return result

    @api.model
    def _update_counter(self, review_counter):
        # moves the next step's reviews to pending: the workflow's own write
        return super(ClinicRefundRequest, self.sudo())._update_counter(review_counter)

    def restart_validation(self):
        """A Clinic Manager restarts a stuck approval: the reviews and the approvers' to-dos are made anew."""
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise UserError(self.env._("Only a Clinic Manager can restart the approval of a refund."))
        for request in self:
            if request.state != "to_approve":
                raise UserError(self.env._("Only a refund waiting for approval can restart its approval."))
        super(ClinicRefundRequest, self.sudo()).restart_validation()
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.sudo().request_validation()
        self._schedule_approver_activities()
        self.message_post(body=self.env._("Approval restarted by %s.", self.env.user.name))
        return True

    def _schedule_approver_activities(self):
        """A to-do for each approver of the next step (never the requester, never an earlier approver)."""
        for request in self.filtered(lambda r: r.state == "to_approve"):
            users = request.approver_ids
            existing = request.activity_ids.filtered(lambda a: a.activity_type_id.category != "upload_file").user_id
            for user in users - existing:
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    date_deadline=request.date_due,
                    summary=self.env._("Approve refund %s", request.name),
                )

    def _schedule_payment_activities(self):
        """The accountants get a to-do to pay an approved refund, due by its statutory date."""
        accountants = self.env.ref("clinic_membership.group_clinic_accountant").users.filtered(
            lambda user: not user.share and self.company_id in user.company_ids
        )
        for accountant in accountants - self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=accountant.id,
                date_deadline=self.date_due,
                summary=self.env._("Pay refund %s", self.name),
            )

    def _close_decided_approval_activities(self):
        """Once a step is decided, the to-dos of its other reviewers go (they have nothing left to decide)."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        approvers = self.approver_ids if self.state == "to_approve" and not self.validated else self.env["res.users"]
        self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == todo and a.user_id not in approvers
        ).action_feedback(feedback=self.env._("Decided by %s", self.env.user.name))

    def _close_own_approval_activity(self):
        self.activity_ids.filtered(lambda a: a.user_id == self.env.user).action_feedback(
            feedback=self.env._("Reviewed")
        )

    def action_cancel(self):
        for request in self:
            if request.state in ("paid", "cancelled"):
                raise UserError(self.env._("Refund %s can no longer be cancelled.", request.name))
        self._action_write({"state": "cancelled"})
        self.settlement_id.filtered(lambda s: s.state != "cancelled")._cancel()
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_reset_to_draft(self):
        for request in self:
            if request.state not in ("rejected", "cancelled"):
                raise UserError(self.env._("Only a rejected or cancelled request goes back to draft."))
        self.review_ids.sudo().unlink()
        self._action_write({"state": "draft", "rejection_reason": False})
        self.sudo()._compute_quote()
        return True

    def action_print(self):
        return self.env.ref("clinic_refund.action_report_refund_request").report_action(self)

    # ------------------------------------------------------------------ negotiated settlement
    # The settlement owns its negotiation (clinic.refund.settlement): the request's buttons open it.

    def action_propose_settlement(self):
        self.ensure_one()
        return self.env["clinic.refund.settlement"]._action_propose_for(self)

    def _propose_settlement(self, vals):
        """Settle the refund at ``vals['amount']``: see ``clinic.refund.settlement._propose_for``."""
        self.ensure_one()
        return self.env["clinic.refund.settlement"]._propose_for(self, vals)

    def action_view_settlement(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "clinic.refund.settlement",
            "res_id": self.settlement_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ paying

    def _fee_charged(self):
        """A settled refund is all the member gets back: no fee on top, the rest is forfeited."""
        return 0.0 if self.settlement_id else self.fee_amount

    def _check_can_pay(self):
        self.ensure_one()
        if not self.env.user.has_group("clinic_membership.group_clinic_accountant"):
            raise UserError(self.env._("Only a Clinic Accountant can pay a refund."))
        if self.state == "paid":
            raise UserError(self.env._("Refund %s is already paid.", self.name))
        if self.state != "approved" or not self.validated:
            raise UserError(self.env._("Refund %s must be approved before it is paid.", self.name))
        self._check_interest_rate()
        if self.settlement_id:
            self.settlement_id._check_binding()
            self.settlement_id._check_settled_amount()

    def _pay(self, journal, date=None):
        """Post the refund (outbound payment), its fee and what the terms forfeit; close the contract."""
        self._check_can_pay()
        contract = self.contract_id
        contract._lock_stored_value()  # the rows are prepared from the balances: read under the lock
        date = date or fields.Date.context_today(self)
        refund = self.amount_requested
        _days, interest = self._interest_until(date)
        rows = self.env["clinic.stored.value.move"]._post_rows(self._prepare_refund_rows(journal, date, interest))
        contract.sudo()._action_write({"state": "closed"})
        payment = rows.filtered(lambda row: row.move_type == "refund").payment_id
        self._action_write(
            {"state": "paid", "payment_id": payment.id, "date_paid": date, "amount_interest_paid": interest}
        )
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.message_post(
            body=self.env._(
                "Refund paid by %(user)s: %(amount)s, and %(interest)s of interest.",
                user=self.env.user.name,
                amount=self._money(refund),
                interest=self._money(interest),
            )
        )
        return rows

    def _prepare_refund_rows(self, journal, date, interest=0.0):
        """The refund paid out with its interest, the fee the clinic keeps, and what is left forfeited
        under the terms."""
        contract, currency = self.contract_id, self.currency_id
        refund, fee = self.amount_requested, self._fee_charged()
        common = {"contract_id": contract.id, "date": date, "refund_request_id": self.id}
        rows = []
        principal, bonus = contract.balance_principal, contract.balance_bonus
        resplit = currency.round(refund + fee - principal)
        if currency.compare_amounts(resplit, 0.0) > 0:
            # The quote re-split consumption pro rata: the ledger took more principal than the terms say
            # (principal first, say). That principal comes back from the bonus before it is refunded.
            rows.append(
                {
                    **common,
                    "move_type": "adjust",
                    "amount_principal": resplit,
                    "amount_bonus": -resplit,
                    "adjust_account_id": contract.company_id.clinic_stored_value_bonus_account_id.id,
                    "reason": self.env._(
                        "Re-split of the consumption between principal and bonus under the contract's terms, "
                        "for refund %s.",
                        self.name,
                    ),
                }
            )
            principal, bonus = principal + resplit, bonus - resplit
        rows += [
            {
                **common,
                "move_type": "refund",
                "amount_principal": -refund,
                "amount_interest": interest,
                "journal_id": journal.id,
                "reason": self.env._("Refund %(request)s - %(contract)s", request=self.name, contract=contract.name),
            }
        ]
        if not currency.is_zero(fee):
            rows.append({**common, "move_type": "fee", "amount_principal": -fee})
        principal_left = currency.round(principal - refund - fee)
        time_rows = self._prepare_time_used_rows(common, principal_left)
        rows += time_rows
        principal_left = currency.round(principal_left + sum(row["amount_principal"] for row in time_rows))
        if not currency.is_zero(principal_left) or not currency.is_zero(bonus):
            rows.append(
                {
                    **common,
                    "move_type": "forfeit",
                    "amount_principal": -principal_left,
                    "amount_bonus": -currency.round(bonus),
                    "reason": self.env._("Forfeited under the contract's terms on refund %s.", self.name),
                }
            )
        return rows

    def _prepare_time_used_rows(self, common, principal_left):
        """The time an unlimited plan ran before the refund (法释〔2025〕4号 art. 22) was delivered: its value is
        the revenue of the plan's treatment, not a forfeit. One row per plan, Dr liability, Cr the treatment's
        income account, never more than the principal the refund leaves."""
        currency = self.currency_id
        quote = quote_from_data(self.quote_data) if self.quote_data else None
        lines = [line for line in (quote.lines if quote else []) if line.code == "unlimited_time_used"]
        plans = {plan.id: plan for plan in self.contract_id.sudo().package_line_ids}
        rows = []
        for line in lines:
            plan = plans.get(line.basis.get("key"))
            if not plan:
                continue
            amount = currency.round(min(-line.amount, principal_left))
            if currency.compare_amounts(amount, 0.0) <= 0:
                continue
            company = self.contract_id.company_id
            income = (
                plan.product_id.product_tmpl_id.with_company(company)._get_product_accounts()["income"]
                or company.clinic_stored_value_forfeit_account_id
            )
            rows.append(
                {
                    **common,
                    "move_type": "adjust",
                    "amount_principal": -amount,
                    "amount_bonus": 0.0,
                    "adjust_account_id": income.id,
                    "reason": self.env._(
                        "%(package)s: %(elapsed)s of %(total)s days of the unlimited plan delivered before refund "
                        "%(request)s (法释〔2025〕4号 art. 22).",
                        package=plan.package_id.name,
                        elapsed=line.basis["elapsed"],
                        total=line.basis["total"],
                        request=self.name,
                    ),
                }
            )
            principal_left = currency.round(principal_left - amount)
        return rows
