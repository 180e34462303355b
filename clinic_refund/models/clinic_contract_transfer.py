from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang


class ClinicContractTransfer(models.Model):
    """A member transfers her prepaid contract to another person (法释〔2025〕4号 art. 11): the transfer
    notice is signed (on paper or electronically, as contracts are) and dated; from its date the
    transferee holds the contract, its stored value, packages and refund rights. The stored-value
    ledger moves the balance from one member to the other on the liability account; the rows before it
    keep the first holder, so the history stays hers and readable."""

    _name = "clinic.contract.transfer"
    _description = "Prepaid Contract Transfer"
    _inherit = ["clinic.guarded.mixin", "clinic.signature.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    contract_id = fields.Many2one(
        "clinic.prepaid.contract", required=True, index=True, check_company=True, domain="[('state', '=', 'active')]"
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Transferor",
        compute="_compute_partner_id",
        store=True,
        precompute=True,
        readonly=True,
        index=True,
        help="The member who holds the contract.",
    )
    to_partner_id = fields.Many2one("res.partner", string="Transferee", required=True, index=True, tracking=True)
    date_transfer = fields.Date(
        string="Transfer Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The day the signed transfer notice reached the clinic: from then on the transferee holds the "
        "contract (法释〔2025〕4号 art. 11).",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Waiting for Signature"),
            ("signed", "Signed"),
            ("done", "Transferred"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    amount_principal = fields.Monetary(string="Principal Transferred", readonly=True, copy=False)
    amount_bonus = fields.Monetary(string="Bonus Transferred", readonly=True, copy=False)
    stored_value_move_ids = fields.One2many("clinic.stored.value.move", "transfer_id", string="Ledger Rows")

    _DRAFT_FIELDS = ("contract_id", "to_partner_id", "date_transfer")

    def _clinic_writable_fields(self):
        if any(transfer.state != "draft" for transfer in self):
            return set()
        return set(self._DRAFT_FIELDS)

    @api.model_create_multi
    def create(self, vals_list):
        transfers = super().create(vals_list)
        transfers._check_transfer_parties()
        return transfers

    @api.depends("contract_id")
    def _compute_partner_id(self):
        # the holder when the notice is drafted: the contract cannot change once it is sent for signature
        for transfer in self:
            transfer.partner_id = transfer.contract_id.partner_id

    def _clinic_complete_create_vals(self, vals):
        contract = self.env["clinic.prepaid.contract"].browse(vals.get("contract_id"))
        vals["name"] = (
            self.env["ir.sequence"]
            .with_company(contract.company_id or self.env.company)
            .next_by_code("clinic.contract.transfer")
            or "/"
        )
        return vals

    def write(self, vals):
        result = super().write(vals)
        if {"contract_id", "to_partner_id"} & set(vals):
            self._check_transfer_parties()
        return result

    def _action_write(self, vals):
        """What the transfer's actions set (state, signature, amounts): with privilege raised, once checked."""
        return self.sudo().write(vals)

    # ------------------------------------------------------------------ checks

    def _check_transfer_parties(self):
        for transfer in self:
            to_partner, holder = transfer.to_partner_id, transfer.contract_id.partner_id
            if to_partner.commercial_partner_id == holder.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(holder)s already holds contract %(contract)s: a transfer goes to another person.",
                        holder=holder.name,
                        contract=transfer.contract_id.name,
                    )
                )
            if not to_partner.active:
                raise ValidationError(
                    self.env._(
                        "%s is archived: restore the contact before transferring a contract to it.", to_partner.name
                    )
                )
            if to_partner.is_company:
                raise ValidationError(
                    self.env._("%s is a company: a contract is transferred to a person.", to_partner.name)
                )

    def _check_contract_transferable(self):
        for transfer in self:
            contract = transfer.contract_id
            if contract.state != "active":
                raise UserError(self.env._("Only an active contract can be transferred (%s).", contract.name))
            contract._check_not_frozen()
            if transfer.date_transfer > fields.Date.context_today(transfer):
                raise UserError(self.env._("A transfer cannot take effect on a future date."))
            if contract.date_signed and transfer.date_transfer < contract.date_signed:
                raise UserError(self.env._("A contract cannot be transferred before it was signed."))
            transfer._check_unlimited_plan_transfer()

    def _check_unlimited_plan_transfer(self):
        """法释〔2025〕4号 art. 11 para. 2: an unlimited plan is one member's right. Transferred once, it is not
        transferred again within its validity (several members using what one was to use); other packages and
        stored value are not concerned."""
        contract = self.contract_id.sudo()
        plans = contract.package_line_ids.filtered(
            lambda plan: (
                plan.package_kind == "unlimited" and plan.date_expiry and plan.date_expiry >= self.date_transfer
            )
        )
        earlier = self.sudo().search(
            [("contract_id", "=", contract.id), ("state", "=", "done"), ("id", "!=", self.id)], limit=1
        )
        if plans and earlier:
            raise UserError(
                self.env._(
                    "Contract %(contract)s holds the unlimited plan %(plan)s, valid until %(date)s, and was already "
                    "transferred (%(transfer)s): transferred again within its validity, one member's unlimited "
                    "sessions would be used by several, and the transfer does not bind the clinic "
                    "(法释〔2025〕4号 art. 11 para. 2).",
                    contract=contract.name,
                    plan=plans[0].package_id.name,
                    date=plans[0].date_expiry,
                    transfer=earlier.name,
                )
            )

    def _check_can_be_signed(self):
        for transfer in self:
            if transfer.state not in ("draft", "sent"):
                raise UserError(self.env._("Transfer %s is already signed.", transfer.name))
        self._check_contract_transferable()

    def _signature_report_xmlid(self):
        return "clinic_refund.action_report_contract_transfer"

    def _signature_signer(self):
        return self.partner_id

    def _signature_portal_url(self):
        return "/my"

    def _check_can_confirm(self):
        if not self.env.user.has_group("clinic_membership.group_clinic_user"):
            raise UserError(self.env._("Only the clinic's staff record a transfer."))
        for transfer in self:
            if transfer.state != "signed" or transfer.signature_tampered:
                raise UserError(
                    self.env._("Transfer %s takes effect once its notice is signed (and unaltered).", transfer.name)
                )
            if transfer.contract_id.partner_id != transfer.partner_id:
                raise UserError(
                    self.env._("Contract %s changed hands since this notice was made.", transfer.contract_id.name)
                )
        self._check_contract_transferable()

    # ------------------------------------------------------------------ actions

    def action_confirm(self):
        """The signed notice takes effect: the ledger moves the balance, the transferee holds the contract."""
        self._check_can_confirm()
        for transfer in self:
            transfer._do_transfer()
        return True

    def _do_transfer(self):
        contract = self.contract_id
        contract._lock_stored_value()  # the balances are read under the wallet's lock, as a payment's
        principal, bonus = contract.balance_principal, contract.balance_bonus
        self.env["clinic.stored.value.move"]._post_rows(self._prepare_transfer_rows(principal, bonus))
        contract.sudo()._clinic_change_holder(self.to_partner_id)
        self._action_write({"state": "done", "amount_principal": principal, "amount_bonus": bonus})
        self.to_partner_id.sudo()._clinic_enrol_transferee(contract.company_id)
        message = self.env._(
            "Contract %(contract)s transferred from %(from)s to %(to)s on %(date)s (%(transfer)s), with "
            "%(principal)s of principal and %(bonus)s of bonus.",
            contract=contract.name,
            **{"from": self.partner_id.name},
            to=self.to_partner_id.name,
            date=fields.Date.to_string(self.date_transfer),
            transfer=self.name,
            principal=formatLang(self.env, principal, currency_obj=contract.currency_id),
            bonus=formatLang(self.env, bonus, currency_obj=contract.currency_id),
        )
        contract.message_post(body=message)
        self.message_post(body=message)

    def _prepare_transfer_rows(self, principal, bonus):
        """Out of the transferor's balance, into the transferee's: one entry moves the liability."""
        currency = self.currency_id
        if currency.is_zero(principal) and currency.is_zero(bonus):
            return []
        common = {
            "contract_id": self.contract_id.id,
            "move_type": "transfer",
            "date": self.date_transfer,
            "transfer_id": self.id,
        }
        return [
            {**common, "partner_id": self.partner_id.id, "amount_principal": -principal, "amount_bonus": -bonus},
            {**common, "partner_id": self.to_partner_id.id, "amount_principal": principal, "amount_bonus": bonus},
        ]

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(transfer.state not in ("draft", "cancelled") for transfer in self):
            raise UserError(self.env._("A transfer sent for signature, signed or done is kept: cancel it instead."))

    def action_cancel(self):
        for transfer in self:
            if transfer.state == "done":
                raise UserError(
                    self.env._("Transfer %s has taken effect: transfer the contract back instead.", transfer.name)
                )
            transfer._cancel_pending_sign_request()
        self._action_write({"state": "cancelled"})
        return True

    def action_upload_scan(self):
        self.ensure_one()
        self._check_can_be_signed()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Upload the Signed Transfer Notice"),
            "res_model": "clinic.contract.scan.upload",
            "view_mode": "form",
            "target": "new",
            "context": {"default_transfer_id": self.id},
        }
