import base64

from odoo import api, fields, models
from odoo.addons.clinic_membership.models.clinic_guarded_mixin import MAX_FILE_BYTES
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero
from odoo.tools.misc import formatLang

from ..tools.refund_policy import ContractTerms, LedgerRow, PackageTerms, compute_refund
from .clinic_contract_template import BONUS_POLICIES, CONSUMED_PRICING, CONSUMPTION_ORDERS

# Terms that drive refunds: a manager's, and frozen once the contract leaves draft.
TERM_FIELDS = (
    "template_id",
    "terms",
    "terms_version",
    "cooling_off_days",
    "refund_fee_percent",
    "bonus_policy",
    "consumed_pricing",
    "consumption_order",
    "interest_rate",
)
# What a draft contract's parties agree on: frozen once it is sent for signature.
DRAFT_FIELDS = (
    "partner_id",
    "company_id",
    "currency_id",
    "amount_principal",
    "amount_bonus",
    "package_line_ids",
    "guardian_id",
    "prior_service_elsewhere",
    "prior_service_evidence",
    "prior_service_evidence_name",
    *TERM_FIELDS,
)
# What staff may change at any time. Everything else (number, state, signature, balances) only
# changes through the contract's actions and the stored value journal.
FREE_FIELDS = ("user_id", "note")


class ClinicPrepaidContract(models.Model):
    _name = "clinic.prepaid.contract"
    _description = "Prepaid Contract"
    _inherit = ["clinic.guarded.mixin", "clinic.signature.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent for Signature"),
            ("signed", "Signed"),
            ("active", "Active"),
            ("closed", "Closed"),
            ("terminated", "Terminated"),
        ],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
    )
    template_id = fields.Many2one(
        "clinic.contract.template",
        string="Contract Template",
        check_company=True,
        default=lambda self: self._default_template(),
    )
    terms_version = fields.Char(compute="_compute_terms", store=True, readonly=False)
    terms = fields.Html(compute="_compute_terms", store=True, readonly=False, sanitize=True)
    cooling_off_days = fields.Integer(string="Cooling-off Days", compute="_compute_terms", store=True, readonly=False)
    refund_fee_percent = fields.Float(
        string="Refund Fee (%)", digits=(5, 2), compute="_compute_terms", store=True, readonly=False
    )
    bonus_policy = fields.Selection(BONUS_POLICIES, compute="_compute_terms", store=True, readonly=False)
    consumed_pricing = fields.Selection(CONSUMED_PRICING, compute="_compute_terms", store=True, readonly=False)
    consumption_order = fields.Selection(CONSUMPTION_ORDERS, compute="_compute_terms", store=True, readonly=False)
    interest_rate = fields.Float(
        string="Refund Interest Rate (%/year)",
        digits=(6, 2),
        compute="_compute_terms",
        store=True,
        readonly=False,
        help="Agreed rate of interest on a refunded prepayment; empty: the legal rate (法释〔2025〕4号 art. 16).",
    )
    member_is_minor = fields.Boolean(
        string="Member Under 18",
        compute="_compute_member_is_minor",
        help="The member is under 18 on the day of signing (today while unsigned): her legal guardian signs "
        "(法释〔2025〕4号 art. 10).",
    )
    guardian_id = fields.Many2one(
        "res.partner",
        string="Legal Guardian",
        help="The minor member's legal guardian (法定代理人), who signs the contract for her "
        "(法释〔2025〕4号 art. 10).",
    )
    prior_service_elsewhere = fields.Boolean(
        string="Had This Service Elsewhere",
        help="The member declared at signing that she had already received the same service from another clinic: "
        "her payments have no seven-day cooling-off (法释〔2025〕4号 art. 14 (2)). Attach her declaration.",
    )
    prior_service_evidence = fields.Binary(string="Declaration", attachment=True)
    prior_service_evidence_name = fields.Char(string="Declaration File Name")
    prior_service_here = fields.Boolean(
        string="Had This Service Here",
        compute="_compute_prior_service_here",
        help="The member had a posted invoice of one of the contract's treatments before signing "
        "(法释〔2025〕4号 art. 14 (1)).",
    )
    amount_principal = fields.Monetary(
        string="Prepaid Principal", tracking=True, help="The amount the member agrees to prepay."
    )
    amount_bonus = fields.Monetary(
        string="Bonus", tracking=True, help="Value granted on top of the principal (赠送金额)."
    )
    balance_principal = fields.Monetary(
        string="Principal Balance", compute="_compute_balances", store=True, tracking=True
    )
    balance_bonus = fields.Monetary(string="Bonus Balance", compute="_compute_balances", store=True)
    paid_principal = fields.Monetary(
        string="Principal Paid In",
        compute="_compute_balances",
        store=True,
        help="Top-ups received on this contract: never more than the prepaid principal it was signed for.",
    )
    paid_bonus = fields.Monetary(string="Bonus Granted", compute="_compute_balances", store=True)
    package_line_ids = fields.One2many("clinic.contract.package.line", "contract_id", string="Treatment Packages")
    amount_packages = fields.Monetary(
        string="Packages Price",
        compute="_compute_packages",
        store=True,
        help="What the treatment packages of this contract cost: part of its prepaid principal.",
    )
    balance_packages = fields.Monetary(
        string="Sessions Value Left",
        compute="_compute_packages",
        store=True,
        help="The paid value of the sessions not used yet: spent only by redeeming them.",
    )
    refund_request_ids = fields.One2many("clinic.refund.request", "contract_id", string="Refund Requests")
    open_refund_request_id = fields.Many2one(
        "clinic.refund.request",
        string="Refund Under Way",
        compute="_compute_open_refund_request_id",
        store=True,
        copy=False,
        index="btree_not_null",
        help="A submitted refund request freezes the stored value until it is paid, rejected or cancelled.",
    )
    move_ids = fields.One2many("clinic.stored.value.move", "contract_id", string="Stored Value Rows")
    move_count = fields.Integer(compute="_compute_move_count", string="Row Count")
    signed_file = fields.Binary(string="Signed Contract")
    note = fields.Text(string="Internal Note", groups="clinic_membership.group_clinic_user")
    can_edit_terms = fields.Boolean(compute="_compute_can_edit_terms", help="Refund terms are a Clinic Manager's.")

    _sql_constraints = [
        ("name_company_uniq", "UNIQUE(company_id, name)", "A contract number is used once per company."),
        (
            "balances_not_negative",
            "CHECK(balance_principal >= 0 AND balance_bonus >= 0)",
            "A prepaid contract's balance can never go below zero.",
        ),
    ]

    # ------------------------------------------------------------------ defaults and computes

    @api.model
    def _default_template(self):
        return self.env["clinic.contract.template"].search(
            [("company_id", "in", [False, self.env.company.id])], limit=1
        )

    @api.depends("template_id")
    def _compute_terms(self):
        for contract in self:
            template = contract.template_id.with_context(lang=contract.partner_id.lang or self.env.lang)
            contract.terms_version = template.version
            contract.terms = template.terms
            contract.cooling_off_days = template.cooling_off_days if template else 7
            contract.refund_fee_percent = template.refund_fee_percent
            contract.bonus_policy = template.bonus_policy or "prorata"
            contract.consumed_pricing = template.consumed_pricing or "actual"
            contract.consumption_order = template.consumption_order or "prorata"
            contract.interest_rate = template.interest_rate

    @api.depends("partner_id.birthday", "date_signed")
    def _compute_member_is_minor(self):
        today = fields.Date.context_today(self)
        for contract in self:
            contract.member_is_minor = contract.partner_id._clinic_is_minor_on(contract.date_signed or today)

    @api.constrains("guardian_id", "partner_id")
    def _check_guardian(self):
        for contract in self.filtered("guardian_id"):
            guardian = contract.guardian_id
            if guardian.commercial_partner_id == contract.partner_id.commercial_partner_id:
                raise ValidationError(self.env._("A member cannot be her own legal guardian."))
            if guardian._clinic_is_minor_on(contract.date_signed or fields.Date.context_today(contract)):
                raise ValidationError(self.env._("%s is under 18: a legal guardian is an adult.", guardian.name))

    def _check_guardian_signed(self):
        """A minor's contract is signed by her legal guardian (法释〔2025〕4号 art. 10): without it, it is not
        activated."""
        for contract in self.filtered("member_is_minor"):
            if not contract.guardian_id:
                raise UserError(
                    self.env._(
                        "%(member)s is under 18: name her legal guardian on contract %(contract)s, who signs it "
                        "(法释〔2025〕4号 art. 10).",
                        member=contract.partner_id.name,
                        contract=contract.name,
                    )
                )
            signer = (contract.sudo().signed_by or "").strip()
            if contract.state in ("signed", "active") and signer != contract.guardian_id.name:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s of a member under 18 must be signed by her legal guardian "
                        "%(guardian)s, not %(signer)s (法释〔2025〕4号 art. 10).",
                        contract=contract.name,
                        guardian=contract.guardian_id.name,
                        signer=signer or "-",
                    )
                )

    def _signature_signer(self):
        """A minor member's contract is signed by her legal guardian."""
        return self.guardian_id if self.member_is_minor and self.guardian_id else self.partner_id

    @api.depends("partner_id", "date_signed", "package_line_ids.product_id")
    def _compute_prior_service_here(self):
        """The contract's services are its packages' treatments: a card of stored value names no service,
        so only its declaration excludes it (the reading that favours the member, art. 8)."""
        for contract in self:
            products = contract.sudo().package_line_ids.product_id
            contract.prior_service_here = bool(products and contract.date_signed) and bool(
                self.env["account.move.line"]
                .sudo()
                .search_count(
                    [
                        ("move_id.move_type", "=", "out_invoice"),
                        ("parent_state", "=", "posted"),
                        ("move_id.commercial_partner_id", "=", contract.partner_id.commercial_partner_id.id),
                        ("company_id", "=", contract.company_id.id),
                        ("product_id", "in", products.ids),
                        ("date", "<", contract.date_signed),
                    ],
                    limit=1,
                )
            )

    @api.constrains("prior_service_elsewhere", "prior_service_evidence")
    def _check_prior_service_evidence(self):
        for contract in self:
            if contract.prior_service_elsewhere and not contract.prior_service_evidence:
                raise ValidationError(
                    self.env._(
                        "Contract %s: attach the member's declaration that she had the same service elsewhere.",
                        contract.name,
                    )
                )

    @api.depends("move_ids.amount_principal", "move_ids.amount_bonus", "move_ids.move_type")
    def _compute_balances(self):
        Rows = self.env["clinic.stored.value.move"].sudo()
        sums = {
            contract: (principal, bonus)
            for contract, principal, bonus in Rows._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["amount_principal:sum", "amount_bonus:sum"]
            )
        }
        paid_in = {
            contract: (principal, bonus)
            for contract, principal, bonus in Rows._read_group(
                [
                    ("contract_id", "in", self.ids),
                    "|",
                    ("move_type", "in", ("topup", "opening")),
                    "&",
                    ("move_type", "=", "reversal"),
                    ("reversed_id.move_type", "in", ("topup", "opening")),
                ],
                ["contract_id"],
                ["amount_principal:sum", "amount_bonus:sum"],
            )
        }
        for contract in self:
            principal, bonus = sums.get(contract, (0.0, 0.0))
            paid_principal, paid_bonus = paid_in.get(contract, (0.0, 0.0))
            round_ = contract.currency_id.round
            contract.update(
                {
                    "balance_principal": round_(principal),
                    "balance_bonus": round_(bonus),
                    "paid_principal": round_(paid_principal),
                    "paid_bonus": round_(paid_bonus),
                }
            )

    @api.depends(
        "package_line_ids.price_total",
        "package_line_ids.amount_remaining",
        "package_line_ids.amount_used",
        "paid_principal",
    )
    def _compute_packages(self):
        for contract in self:
            lines = contract.package_line_ids
            round_ = contract.currency_id.round
            contract.amount_packages = round_(sum(lines.mapped("price_total")))
            # sessions are reserved for what was paid in of them
            contract.balance_packages = round_(
                min(
                    sum(lines.mapped("amount_remaining")),
                    max(contract.paid_principal - sum(lines.mapped("amount_used")), 0.0),
                )
            )

    @api.onchange("package_line_ids")
    def _onchange_package_line_ids(self):
        """The packages are part of the principal: it covers them at least."""
        packages = sum(self.package_line_ids.mapped("price_total"))
        if self.currency_id.compare_amounts(self.amount_principal, packages) < 0:
            self.amount_principal = packages

    def _principal_free(self):
        """Principal that pays any treatment: what is not reserved for the packages' sessions."""
        self.ensure_one()
        return max(self.currency_id.round(self.balance_principal - self.balance_packages), 0.0)

    def _stored_value_free(self):
        """Stored value that pays any treatment: principal not reserved for sessions, and the bonus."""
        self.ensure_one()
        return self.currency_id.round(self._principal_free() + self.balance_bonus)

    def _checkout_warning(self):
        """Why this contract pays nothing at the desk today, in the desk's words (empty: it pays)."""
        self.ensure_one()
        if self.open_refund_request_id:
            return self.env._(
                "%(contract)s is frozen: refund %(request)s is under way.",
                contract=self.name,
                request=self.open_refund_request_id.name,
            )
        if self.currency_id.is_zero(self._stored_value_free()) and not self.currency_id.is_zero(self.balance_packages):
            return self.env._(
                "%(contract)s holds %(amount)s for its package sessions only: redeem them with Redeem Sessions.",
                contract=self.name,
                amount=formatLang(self.env, self.balance_packages, currency_obj=self.currency_id),
            )
        if self.currency_id.is_zero(self._stored_value_free()):
            return self.env._("%s has no stored value left.", self.name)
        return ""

    @api.depends("refund_request_ids.state")
    def _compute_open_refund_request_id(self):
        requests = self._open_refund_requests()
        for contract in self:
            contract.open_refund_request_id = requests.filtered(lambda r, c=contract: r.contract_id == c)[:1]

    def _open_refund_requests(self):
        return (
            self.env["clinic.refund.request"]
            .sudo()
            .search([("contract_id", "in", self.ids), ("state", "in", ("to_approve", "approved"))])
        )

    @api.depends_context("uid")
    def _compute_can_edit_terms(self):
        self.can_edit_terms = self.env.user.has_group("clinic_membership.group_clinic_manager")

    @api.depends("move_ids")
    def _compute_move_count(self):
        counts = dict(
            self.env["clinic.stored.value.move"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.move_count = counts.get(contract, 0)

    # ------------------------------------------------------------------ constraints

    @api.constrains("currency_id", "company_id")
    def _check_currency(self):
        for contract in self:
            if contract.currency_id != contract.company_id.currency_id:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s must be in %(currency)s, the currency of %(company)s: "
                        "stored value is accounted in the company's currency.",
                        contract=contract.display_name,
                        currency=contract.company_id.currency_id.name,
                        company=contract.company_id.name,
                    )
                )

    @api.constrains("amount_principal", "amount_bonus", "cooling_off_days", "refund_fee_percent", "interest_rate")
    def _check_amounts(self):
        for contract in self:
            for label, amount in (
                (self.env._("prepaid principal"), contract.amount_principal),
                (self.env._("bonus"), contract.amount_bonus),
            ):
                if float_compare(amount, 0.0, precision_rounding=contract.currency_id.rounding) < 0:
                    raise ValidationError(self.env._("The %s of a contract cannot be negative.", label))
            if contract.cooling_off_days < 0:
                raise ValidationError(self.env._("The cooling-off period cannot be negative."))
            if not 0 <= contract.refund_fee_percent <= 100:
                raise ValidationError(self.env._("The refund fee must be between 0 and 100 percent."))
            if not 0 <= contract.interest_rate <= 100:
                raise ValidationError(self.env._("The refund interest rate must be between 0 and 100 percent a year."))

    @api.constrains("terms", "refund_fee_percent")
    def _check_void_terms(self):
        """A contract's own terms are checked as its template's (法释〔2025〕4号 art. 9): what the member signs."""
        for contract in self:
            self.env["clinic.contract.template"]._clinic_check_void_terms([contract.terms], contract.refund_fee_percent)

    # ------------------------------------------------------------------ ORM

    def _clinic_writable_fields(self):
        if any(contract.state != "draft" for contract in self):
            return set(FREE_FIELDS)
        if self.env.user.has_group("clinic_membership.group_clinic_manager"):
            return set(FREE_FIELDS + DRAFT_FIELDS)
        return set(FREE_FIELDS + DRAFT_FIELDS) - set(TERM_FIELDS) | {"template_id"}

    def _clinic_creatable_fields(self):
        return self.browse()._clinic_writable_fields()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            # staff contracts take their refund terms from the template, as the form shows them
            vals_list = [
                {key: value for key, value in vals.items() if key not in TERM_FIELDS[1:]} for vals in vals_list
            ]
        contracts = super().create(vals_list)
        contracts._check_member_active()
        return contracts

    def _clinic_complete_create_vals(self, vals):
        company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("clinic.prepaid.contract") or "/"
        return vals

    def write(self, vals):
        frozen_fields = set(vals) & set(DRAFT_FIELDS)
        # a signed transfer notice changes the holder, and only the holder (clinic.contract.transfer)
        if frozen_fields and not (self.env.su and frozen_fields == {"partner_id"}):
            frozen = self.filtered(lambda c: c.state != "draft")
            if frozen:
                raise UserError(
                    self.env._(
                        "The terms, amounts and member of contract %s are frozen once it has been sent for signature.",
                        frozen[0].name,
                    )
                )
        result = super().write(vals)
        if "partner_id" in vals:
            self._check_member_active()
        return result

    def action_new_transfer(self):
        """A transfer of this contract to another person, to fill in and have signed."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Transfer %s", self.name),
            "res_model": "clinic.contract.transfer",
            "view_mode": "form",
            "context": {"default_contract_id": self.id},
        }

    def _clinic_change_holder(self, partner):
        """The transferee holds the contract from now on (clinic.contract.transfer._do_transfer)."""
        self.sudo().write({"partner_id": partner.id})

    def _check_member_active(self):
        for contract in self:
            if not contract.partner_id.active:
                raise ValidationError(
                    self.env._(
                        "%s is archived: restore the contact before making a contract.", contract.partner_id.name
                    )
                )

    def _action_write(self, vals):
        """What the document's actions set (states, quotes, results): written with privilege raised,
        once the action has checked who may do it; a user's write never gives these fields."""
        return self.sudo().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(contract.state != "draft" or contract.move_ids for contract in self):
            raise UserError(
                self.env._("Only draft contracts without stored value can be deleted; terminate the others.")
            )

    # ------------------------------------------------------------------ signing

    def _check_can_be_signed(self):
        self._check_guardian_signed()
        for contract in self:
            if contract.state not in ("draft", "sent"):
                raise UserError(self.env._("Contract %s is already signed.", contract.name))
            if float_is_zero(contract.amount_principal, precision_rounding=contract.currency_id.rounding):
                raise UserError(
                    self.env._("Set the prepaid principal of contract %s before signing it.", contract.name)
                )
            if contract.currency_id.compare_amounts(contract.amount_principal, contract.amount_packages) < 0:
                raise UserError(
                    self.env._(
                        "The prepaid principal of contract %(contract)s (%(principal)s) does not cover its "
                        "treatment packages (%(packages)s).",
                        contract=contract.name,
                        principal=formatLang(self.env, contract.amount_principal, currency_obj=contract.currency_id),
                        packages=formatLang(self.env, contract.amount_packages, currency_obj=contract.currency_id),
                    )
                )

    def _signature_report_xmlid(self):
        return "clinic_refund.action_report_prepaid_contract"

    def _signature_portal_url(self):
        return f"/my/prepaid-contracts/{self.id}"

    def _signature_portal_label(self):
        return self._signature_in_signer_language().env._("Back to my contract")

    def _signature_request_name(self):
        # the member's list of documents to sign, in her language
        return self._signature_in_signer_language().env._("Prepaid contract %s", self.name)

    # ------------------------------------------------------------------ state actions

    def action_upload_scan(self):
        self.ensure_one()
        self._check_can_be_signed()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Upload Signed Contract"),
            "res_model": "clinic.contract.scan.upload",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_activate(self):
        for contract in self:
            if contract.state != "signed":
                raise UserError(self.env._("Only a signed contract can be activated."))
            if contract.signature_tampered:
                raise UserError(self.env._("The signed file of contract %s has been altered.", contract.name))
        self._check_guardian_signed()
        self._action_write({"state": "active"})
        return True

    def action_reset_to_draft(self):
        for contract in self:
            if contract.state != "sent":
                raise UserError(self.env._("Only a contract waiting for its signature can go back to draft."))
            contract._cancel_pending_sign_request()
        self._action_write({"state": "draft"})
        return True

    def action_close(self):
        """Close a used-up contract; any bonus left is forfeited (sub-ledger only)."""
        self._check_manager()
        for contract in self:
            if contract.state != "active":
                raise UserError(self.env._("Only an active contract can be closed."))
            if not float_is_zero(contract.balance_principal, precision_rounding=contract.currency_id.rounding):
                raise UserError(
                    self.env._(
                        "Contract %(contract)s still holds %(amount)s of principal: refund it before "
                        "closing the contract.",
                        contract=contract.name,
                        amount=formatLang(self.env, contract.balance_principal, currency_obj=contract.currency_id),
                    )
                )
        self._lock_stored_value()
        self.env["clinic.stored.value.move"]._post_rows(
            [
                {
                    "contract_id": contract.id,
                    "move_type": "forfeit",
                    "amount_bonus": -contract.balance_bonus,
                    "reason": self.env._("Bonus forfeited when the contract was closed."),
                }
                for contract in self
                if not contract.currency_id.is_zero(contract.balance_bonus)
            ]
        )
        self._action_write({"state": "closed"})
        return True

    def action_terminate(self):
        self._check_manager()
        for contract in self:
            if contract.state in ("closed", "terminated"):
                raise UserError(self.env._("Contract %s is already ended.", contract.name))
            rounding = contract.currency_id.rounding
            if not float_is_zero(contract.balance_principal, precision_rounding=rounding) or not float_is_zero(
                contract.balance_bonus, precision_rounding=rounding
            ):
                raise UserError(
                    self.env._("Contract %s still holds stored value: refund or close it first.", contract.name)
                )
            contract._cancel_pending_sign_request()
        self._action_write({"state": "terminated"})
        return True

    def _check_manager(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise UserError(self.env._("Only a Clinic Manager can close or terminate a prepaid contract."))

    def action_topup(self):
        self.ensure_one()
        self._check_spendable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Top Up Stored Value"),
            "res_model": "clinic.stored.value.topup",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_refund.clinic_stored_value_move_action")
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id, "create": False}
        return action

    def action_print_contract(self):
        return self.env.ref("clinic_refund.action_report_prepaid_contract").report_action(self)

    def action_print_statement(self):
        """The contract's statement (对账单, 法释〔2025〕4号 art. 25): every row of its stored value and sessions."""
        return self.env.ref("clinic_refund.action_report_contract_statement").report_action(self)

    def _statement_lines(self):
        """The statement's rows (法释〔2025〕4号 art. 25): every posted stored-value row of the contract (top-ups,
        payments, package sessions, refunds, adjustments...), oldest first, with the running balance.

        Read for whoever may read the contract (its member in the portal, the clinic's staff); what a row
        says to staff only (its reason, who recorded it) is not printed.
        """
        self.ensure_one()
        self.check_access("read")
        currency = self.currency_id
        types = dict(self.env["clinic.stored.value.move"]._fields["move_type"]._description_selection(self.env))
        rows = self.sudo().move_ids.filtered(lambda row: row.state == "posted").sorted(lambda row: (row.date, row.id))
        if self.env.user.share:
            # a member reads her own rows: a contract transferred to her starts at the transfer, the first
            # holder's history stays the first holder's (its rows net to zero at the transfer)
            member = self.env.user.commercial_partner_id
            rows = rows.filtered(lambda row: row.partner_id.commercial_partner_id == member)
        principal = bonus = 0.0
        lines = []
        for row in rows:
            principal = currency.round(principal + row.amount_principal)
            bonus = currency.round(bonus + row.amount_bonus)
            lines.append(
                {
                    "date": row.date,
                    "number": row.name,
                    "type": types.get(row.move_type, row.move_type),
                    "description": self._statement_description(row),
                    "sessions": row.sessions,
                    "principal": row.amount_principal,
                    "bonus": row.amount_bonus,
                    "balance_principal": principal,
                    "balance_bonus": bonus,
                    "balance": currency.round(principal + bonus),
                }
            )
        return lines

    def _statement_description(self, row):
        """What a statement row was for, in the member's words: the service, package, refund or payment."""
        if row.package_line_id:
            description = row.package_line_id.package_id.name
        elif row.reversed_id:
            description = self.env._("Reverses %s", row.reversed_id.name)
        elif row.invoice_id:
            products = row.invoice_id.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            names = "、".join(dict.fromkeys(products.mapped(lambda line: line.product_id.name or line.name or "")))
            description = f"{names} ({row.invoice_id.name})" if names else row.invoice_id.name
        elif row.refund_request_id:
            description = self.env._("Refund request %s", row.refund_request_id.name)
        elif row.move_type == "opening":
            description = self.env._("Brought over from the previous system")
        elif row.journal_id:
            description = self.env._("Paid through %s", row.journal_id.name)
        else:
            description = ""
        return description

    # ------------------------------------------------------------------ stored value

    def _check_not_frozen(self):
        """A submitted refund request freezes the stored value its quote was made on."""
        requests = self._open_refund_requests()  # read now, not from a cache of earlier in the transaction
        for contract in self:
            request = requests.filtered(lambda r, c=contract: r.contract_id == c)[:1]
            if request:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s has a refund under way (%(request)s): its stored value cannot move "
                        "until the refund is paid, rejected or cancelled.",
                        contract=contract.name,
                        request=request.name,
                    )
                )

    def _check_topup_within_signed(self, principal, bonus):
        """Top-ups never exceed the principal and bonus signed for: more value needs a new contract."""
        self.ensure_one()
        currency = self.currency_id
        if currency.compare_amounts(self.paid_principal + principal, self.amount_principal) > 0 or (
            currency.compare_amounts(self.paid_bonus + bonus, self.amount_bonus) > 0
        ):
            raise UserError(
                self.env._(
                    "Contract %(contract)s was signed for %(principal)s paid and %(bonus)s bonus; %(paid)s and "
                    "%(granted)s are already in. More stored value needs a new signed contract.",
                    contract=self.name,
                    principal=formatLang(self.env, self.amount_principal, currency_obj=currency),
                    bonus=formatLang(self.env, self.amount_bonus, currency_obj=currency),
                    paid=formatLang(self.env, self.paid_principal, currency_obj=currency),
                    granted=formatLang(self.env, self.paid_bonus, currency_obj=currency),
                )
            )

    def _check_spendable(self):
        """Stored value moves in (top-up) or out (payment) only on a signed, active, intact, unfrozen contract."""
        self._check_not_frozen()
        for contract in self:
            if contract.state != "active" or not contract.signed_sha256:
                raise UserError(
                    self.env._(
                        "Contract %s is not an active signed contract: stored value needs a signed, "
                        "active prepaid contract.",
                        contract.name,
                    )
                )
            if contract.signature_tampered:
                raise UserError(self.env._("The signed file of contract %s has been altered.", contract.name))

    def _lock_stored_value(self):
        """Lock the contracts' wallet rows until the end of the transaction.

        A concurrent transaction spending the same balance waits here; once the first one commits,
        PostgreSQL (repeatable read) makes it fail with a serialization error and Odoo retries it
        on fresh data, so a balance is never spent twice (when the last retry fails too, the user is
        told to try again: ``ir.http._handle_error`` of clinic_membership). Everything that moves or
        freezes stored value writes the contract's row (balances, the refund under way), so that
        the transaction waiting here always starts again on what the first one did.
        """
        if not self:
            return
        self.flush_recordset()
        self.env.cr.execute(
            "SELECT id FROM clinic_prepaid_contract WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
            [tuple(self.ids)],
        )
        self.invalidate_recordset(
            [
                "balance_principal",
                "balance_bonus",
                "paid_principal",
                "paid_bonus",
                "balance_packages",
                "state",
                "open_refund_request_id",
            ]
        )

    def _split_consumption(self, amount):
        """(principal, bonus) to take for ``amount``, following the contract's consumption order."""
        self.ensure_one()
        currency = self.currency_id
        principal, bonus = self._principal_free(), self.balance_bonus
        if currency.compare_amounts(amount, principal + bonus) > 0:
            if not currency.is_zero(self.balance_packages):
                raise UserError(
                    self.env._(
                        "Contract %(contract)s holds %(available)s of stored value free to spend (its packages' "
                        "sessions are redeemed on their own), less than the %(amount)s to pay.",
                        contract=self.name,
                        available=formatLang(self.env, principal + bonus, currency_obj=currency),
                        amount=formatLang(self.env, amount, currency_obj=currency),
                    )
                )
            raise UserError(
                self.env._(
                    "Contract %(contract)s holds %(available)s of stored value, less than the %(amount)s to pay.",
                    contract=self.name,
                    available=formatLang(self.env, principal + bonus, currency_obj=currency),
                    amount=formatLang(self.env, amount, currency_obj=currency),
                )
            )
        if self.consumption_order == "principal_first":
            from_principal = min(amount, principal)
        elif self.consumption_order == "bonus_first":
            from_principal = amount - min(amount, bonus)
        else:
            from_principal = currency.round(amount * principal / (principal + bonus))
        from_principal = currency.round(min(max(from_principal, amount - bonus), principal))
        return from_principal, currency.round(amount - from_principal)

    def _consume_stored_value(self, amount, invoice, date=None, package_line=None, sessions=0):
        """Pay ``invoice`` with ``amount`` of this contract's stored value; returns the posted row.

        With ``package_line``, the amount pays ``sessions`` of that package, from its own principal.
        """
        self.ensure_one()
        StoredValue = self.env["clinic.stored.value.move"]
        amount = StoredValue._check_precision(self.currency_id, amount)
        if self.currency_id.compare_amounts(amount, 0.0) <= 0:
            raise UserError(self.env._("The amount to pay from stored value must be positive."))
        self._check_invoice_payable(invoice, amount)  # said first: the invoice's company, currency, member
        self._lock_stored_value()  # the split reads the balances: under the lock _post_rows checks them with
        self._check_not_frozen()  # said before "not enough": a refund under way is why nothing can be spent
        principal, bonus = (amount, 0.0) if package_line else self._split_consumption(amount)
        return StoredValue._post_rows(
            [
                {
                    "contract_id": self.id,
                    "move_type": "consume",
                    "date": date or fields.Date.context_today(self),
                    "amount_principal": -principal,
                    "amount_bonus": -bonus,
                    "invoice_id": invoice.id,
                    "package_line_id": package_line.id if package_line else False,
                    "sessions": -sessions,
                }
            ]
        )

    def _check_invoice_payable(self, invoice, amount):
        if invoice.move_type != "out_invoice" or invoice.state != "posted":
            raise UserError(self.env._("Only a posted customer invoice can be paid from stored value."))
        if invoice.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "Contract %(contract)s belongs to %(company)s, invoice %(invoice)s to another company.",
                    contract=self.name,
                    company=self.company_id.name,
                    invoice=invoice.name,
                )
            )
        if invoice.currency_id != self.currency_id:
            raise UserError(
                self.env._(
                    "Contract %(contract)s is in %(currency)s but invoice %(invoice)s is in %(invoice_currency)s.",
                    contract=self.name,
                    currency=self.currency_id.name,
                    invoice=invoice.name,
                    invoice_currency=invoice.currency_id.name,
                )
            )
        if invoice.commercial_partner_id != self.partner_id.commercial_partner_id:
            raise UserError(
                self.env._(
                    "Invoice %(invoice)s is not for %(partner)s, the member of contract %(contract)s.",
                    invoice=invoice.name,
                    partner=self.partner_id.display_name,
                    contract=self.name,
                )
            )
        if invoice.currency_id.compare_amounts(amount, invoice.amount_residual) > 0:
            raise UserError(
                self.env._(
                    "Invoice %(invoice)s only has %(residual)s left to pay.",
                    invoice=invoice.name,
                    residual=formatLang(self.env, invoice.amount_residual, currency_obj=invoice.currency_id),
                )
            )

    # ------------------------------------------------------------------ demo data

    # ------------------------------------------------------------------ refunds

    def _clinic_portal_can_ask_refund(self):
        """A member asks for a refund of an active contract with no request under way."""
        self.ensure_one()
        contract = self.sudo()
        return contract.state == "active" and not contract.refund_request_ids.filtered(
            lambda request: request.state in ("draft", "to_approve", "approved")
        )

    def _clinic_portal_ask_refund(self, reason, description, files):
        """The member's own request, as a draft for the front desk (with its to-do); never submitted here.

        Called for the member whose access to this contract the portal checked; ``files`` are
        (name, bytes) the member attached.
        """
        self.ensure_one()
        if not self._clinic_portal_can_ask_refund():
            raise UserError(self.env._("A refund of contract %s is already being handled.", self.name))
        assignee = self.user_id or self.partner_id.consultant_id or self.env.ref("base.user_admin")
        # What the clinic reads of the request (its chatter, to-do, file names) is in the language of
        # the staff who handle it, not the member's.
        staff = self.with_context(lang=assignee.sudo().lang or self.env.lang)
        Request = staff.env["clinic.refund.request"]
        vals = {
            "partner_id": self.partner_id.id,
            "contract_id": self.id,
            "reason": reason,
            "description": description or False,
            "request_date": fields.Date.context_today(self),
            "user_id": (self.user_id or self.env.user).id,
            "evidence_ids": [
                fields.Command.create(
                    {
                        "evidence_type": "other",
                        "name": staff.env._("Sent by the member: %s", name[:200]),
                        "datas": base64.b64encode(content),
                        "filename": name[:200],
                    }
                )
                for name, content in files
                if content
            ],
        }
        if not reason:
            raise UserError(self.env._("Choose the reason of your refund request."))
        Request._clinic_check_values({key: vals[key] for key in ("reason", "description")})
        for name, content in files:
            if len(content) > MAX_FILE_BYTES:
                raise UserError(self.env._("%s is larger than 25 MB.", name))
            Request.env["clinic.refund.evidence"]._clinic_check_values({"filename": name[:200]})
        request = Request.sudo().create(vals)
        request.message_post(body=staff.env._("Asked by the member in the portal."))
        request.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=assignee.id,
            date_deadline=request.date_due,
            summary=staff.env._("Refund asked in the portal: complete and submit %s", request.name),
        )
        return self.env["clinic.refund.request"].browse(request.ids)

    def _refund_quote(self, reason, request_date):
        """What the refund policy engine gives back for ``reason`` on ``request_date``."""
        self.ensure_one()
        terms = ContractTerms(
            date_signed=self.date_signed or request_date,
            cooling_off_days=self.cooling_off_days,
            refund_fee_percent=self.refund_fee_percent,
            bonus_policy=self.bonus_policy,
            consumed_pricing=self.consumed_pricing,
            payment_cooling_off_excluded=self.prior_service_elsewhere or self.prior_service_here,
        )
        packages = [
            PackageTerms(
                line.id,
                line.package_id.name,
                line.sessions_total,
                line.price_total,
                line.unit_price,
                kind=line.package_kind or "sessions",
                date_start=line.date_signed,
                date_end=line.date_expiry,
                date_stopped=line.date_service_stopped,
                visits=line.sessions_used if line.package_kind == "unlimited" else 0,
            )
            for line in self.sudo().package_line_ids
        ]
        return compute_refund(
            terms,
            self._refund_ledger_rows(),
            reason=reason,
            request_date=request_date,
            rounding=self.currency_id.rounding,
            fee_cap_percent=self.company_id.clinic_refund_fee_cap_percent,
            packages=packages,
        )

    def _refund_ledger_rows(self):
        """The posted stored-value rows as the engine reads them: reversals carry the type they reverse."""
        rows = []
        # the quote reads invoices that front-desk staff filing a request may not open themselves
        for move in self.sudo().move_ids.filtered(lambda m: m.state == "posted"):
            kind = move.reversed_id.move_type if move.move_type == "reversal" else move.move_type
            list_amount = 0.0
            if kind == "consume":
                invoice = (move.reversed_id or move).invoice_id
                list_amount = (move.amount_principal + move.amount_bonus) * _list_price_ratio(invoice)
            rows.append(
                LedgerRow(
                    kind,
                    move.amount_principal,
                    move.amount_bonus,
                    list_amount,
                    package=move.package_line_id.id or None,
                    sessions=move.sessions,
                    date=(move.reversed_id or move).date,
                )
            )
        return rows


def _list_price_ratio(invoice):
    """List value of an invoice's services over what was charged for them, both without tax (1 when unknown).

    The list price goes through the line's own taxes, so that a price that includes VAT and one
    that does not are compared on the same basis as the untaxed amount charged.
    """
    lines = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product" and line.product_id)
    charged = sum(lines.mapped("price_subtotal"))
    listed = sum(
        line.tax_ids.compute_all(
            line.product_id.lst_price, invoice.currency_id, line.quantity, line.product_id, invoice.partner_id
        )["total_excluded"]
        for line in lines
    )
    return listed / charged if charged > 0 and listed > 0 else 1.0
