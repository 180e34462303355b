import hashlib
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

SETTLEMENT_BASES = [
    ("agreement", "Negotiated agreement"),
    ("consumer_association", "Consumer association mediation"),
    ("12315", "Market regulator (12315) mediation"),
    ("court", "Court judgment"),
]
PAYMENT_METHODS = [
    ("bank_transfer", "Bank transfer"),
    ("cash", "Cash"),
    ("original_route", "Back the way it was paid"),
]


class ClinicRefundSettlement(models.Model):
    """What a refund dispute was settled at, and the document that binds it: the settlement
    agreement (协商退款协议) the member signs, or the decision of an outside body (consumer
    association, 12315, a court) attached in its place. Made by a Clinic Manager's proposal only
    (``_propose_for``); nothing on it is written directly."""

    _name = "clinic.refund.settlement"
    _description = "Refund Settlement"
    _inherit = ["clinic.guarded.mixin", "clinic.signature.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _clinic_user_fields = ()

    request_id = fields.Many2one("clinic.refund.request", required=True, readonly=True, index=True, ondelete="restrict")
    partner_id = fields.Many2one(related="request_id.partner_id", store=True)
    contract_id = fields.Many2one(related="request_id.contract_id", store=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    currency_id = fields.Many2one(related="request_id.currency_id", store=True)
    user_id = fields.Many2one("res.users", string="Proposed by", readonly=True)
    basis = fields.Selection(SETTLEMENT_BASES, required=True, readonly=True, default="agreement")
    amount = fields.Monetary(string="Agreed Amount", readonly=True)
    amount_quoted = fields.Monetary(string="Contract Terms Give", readonly=True)
    reason = fields.Text(readonly=True)
    payment_method = fields.Selection(PAYMENT_METHODS, required=True, readonly=True, default="bank_transfer")
    date_due = fields.Date(string="Paid By", required=True, readonly=True)
    decision_reference = fields.Char(readonly=True, help="Number of the mediation record or of the judgment.")
    state = fields.Selection(
        [("draft", "Proposed"), ("sent", "Sent for Signature"), ("signed", "Signed"), ("cancelled", "Superseded")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    signed_file = fields.Binary(string="Signed Agreement or Decision")

    @api.depends("request_id.name", "basis")
    def _compute_display_name(self):
        labels = dict(self._fields["basis"]._description_selection(self.env))
        for settlement in self:
            settlement.display_name = f"{labels.get(settlement.basis, '')} {settlement.request_id.name or ''}".strip()

    def _action_write(self, vals):
        """What the document's actions set (states, quotes, results): written with privilege raised,
        once the action has checked who may do it; a user's write never gives these fields."""
        return self.sudo().write(vals)

    def _basis_label(self):
        self.ensure_one()
        return dict(self._fields["basis"]._description_selection(self.env))[self.basis]

    # ------------------------------------------------------------------ negotiation

    @api.model
    def _action_propose_for(self, request):
        """The form in which a Clinic Manager settles ``request`` at a negotiated amount."""
        self._check_can_negotiate(request)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Settle at a Negotiated Amount"),
            "res_model": "clinic.refund.settlement.propose",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": request.id},
        }

    @api.model
    def _check_can_negotiate(self, request):
        request.ensure_one()
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise UserError(self.env._("Only a Clinic Manager settles a refund at a negotiated amount."))
        if request.state not in ("draft", "to_approve", "rejected"):
            raise UserError(
                self.env._("Refund %s is approved or closed: its amount can no longer be negotiated.", request.name)
            )

    @api.model
    def _propose_for(self, request, vals):
        """Settle ``request`` at ``vals['amount']`` (basis, reason, payment method, date due): a new
        settlement replaces any earlier proposal, and the approvals start again on the amount now
        to be paid."""
        self._check_can_negotiate(request)
        self._check_proposal(request, vals)
        was_submitted = request.state == "to_approve"
        request.settlement_id.filtered(lambda s: s.state != "cancelled")._cancel()
        settlement = self.sudo().create(
            {**vals, "request_id": request.id, "user_id": self.env.user.id, "amount_quoted": request.amount_refundable}
        )
        self._reopen_request(request, settlement)
        request.message_post(body=settlement._proposal_message())
        if was_submitted:
            request.action_submit()
        return settlement

    @api.model
    def _check_proposal(self, request, vals):
        currency, contract = request.currency_id, request.contract_id
        amount = vals.get("amount") or 0.0
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(self.env._("A negotiated refund is a positive amount."))
        if currency.compare_amounts(amount, contract.balance_principal) > 0:
            raise ValidationError(
                self.env._(
                    "%(amount)s is more than the %(principal)s of principal still on contract %(contract)s: "
                    "a refund never pays back more than the member paid in and did not use.",
                    amount=request._money(amount),
                    principal=request._money(contract.balance_principal),
                    contract=contract.name,
                )
            )
        if not (vals.get("reason") or "").strip():
            raise ValidationError(self.env._("Say why the refund is settled at this amount."))
        if not vals.get("date_due") or vals["date_due"] < fields.Date.context_today(self):
            raise ValidationError(self.env._("The date by which the refund is paid cannot be in the past."))
        if vals.get("basis", "agreement") != "agreement" and not (vals.get("decision_reference") or "").strip():
            raise ValidationError(self.env._("Give the number of the mediation record or of the judgment."))

    @api.model
    def _reopen_request(self, request, settlement):
        """The request goes back to draft to pay ``settlement``'s amount: its approvals are dropped."""
        if request.state != "draft":
            request.review_ids.sudo().unlink()
            request.activity_unlink(["mail.mail_activity_data_todo"])
        request._action_write(
            {
                "state": "draft",
                "rejection_reason": False,
                "settlement_id": settlement.id,
                "amount_requested": settlement.amount,
            }
        )

    def _proposal_message(self):
        self.ensure_one()
        request = self.request_id
        return self.env._(
            "%(user)s proposed to settle at %(amount)s (%(basis)s); the contract's terms give %(quoted)s. "
            "Reason: %(reason)s",
            user=self.env.user.name,
            amount=request._money(self.amount),
            basis=self._basis_label(),
            quoted=request._money(self.amount_quoted),
            reason=self.reason,
        )

    def _check_settled_amount(self):
        """The request pays the amount agreed, and its contract still holds that much principal."""
        self.ensure_one()
        request = self.request_id
        currency, contract = request.currency_id, request.contract_id
        if currency.compare_amounts(request.amount_requested, self.amount) != 0:
            raise ValidationError(
                self.env._(
                    "Refund %(request)s is settled at %(agreed)s: it cannot pay %(requested)s.",
                    request=request.name,
                    agreed=request._money(self.amount),
                    requested=request._money(request.amount_requested),
                )
            )
        if currency.compare_amounts(self.amount, contract.balance_principal) > 0:
            raise ValidationError(
                self.env._(
                    "Contract %(contract)s now holds %(principal)s of principal, less than the %(agreed)s agreed.",
                    contract=contract.name,
                    principal=request._money(contract.balance_principal),
                    agreed=request._money(self.amount),
                )
            )

    # ------------------------------------------------------------------ signing

    def _is_decision(self):
        return self.basis != "agreement"

    def _signature_earliest_date(self):
        """Nobody settles a refund before the member asked for it."""
        return max(super()._signature_earliest_date(), self.request_id.request_date or date.min)

    def _check_can_be_signed(self):
        # the member's electronic signature comes back through sign_oca as superuser
        if not self.env.su and not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise UserError(self.env._("Only a Clinic Manager sends a settlement for signature or files it signed."))
        for settlement in self:
            if settlement.state not in ("draft", "sent"):
                raise UserError(self.env._("%s is no longer waiting for a signature.", settlement.display_name))
            if settlement.request_id.state in ("paid", "cancelled"):
                raise UserError(
                    self.env._("Refund %s is closed: its settlement is no longer signed.", settlement.request_id.name)
                )

    def _signature_report_xmlid(self):
        return "clinic_refund.action_report_refund_settlement"

    def _signature_portal_url(self):
        # the member follows her refund requests on her contract's page
        return f"/my/prepaid-contracts/{self.contract_id.id}"

    def _signature_portal_label(self):
        return self._signature_in_signer_language().env._("Back to my refund request")

    def action_send_for_signature(self):
        self.ensure_one()
        if self._is_decision():
            raise UserError(
                self.env._("An outside decision is not signed by the member: upload the decision document instead.")
            )
        return super().action_send_for_signature()

    def action_upload_scan(self):
        self.ensure_one()
        self._check_can_be_signed()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Upload the Decision") if self._is_decision() else self.env._("Upload Signed Agreement"),
            "res_model": "clinic.contract.scan.upload",
            "view_mode": "form",
            "target": "new",
            "context": {"default_settlement_id": self.id},
        }

    def action_print(self):
        return self.env.ref(self._signature_report_xmlid()).report_action(self)

    def _check_binding(self):
        """A settlement binds once signed (or its decision attached) and its file is still the one signed."""
        self.ensure_one()
        if self.state != "signed":
            what = self.env._("decision document") if self._is_decision() else self.env._("signed agreement")
            raise UserError(
                self.env._(
                    "Refund %(request)s is settled at %(amount)s: it is paid once its %(what)s is on file.",
                    request=self.request_id.name,
                    amount=self.request_id._money(self.amount),
                    what=what,
                )
            )
        if self.signature_tampered or hashlib.sha256(self._stored_signed_bytes()).hexdigest() != self.signed_sha256:
            raise UserError(
                self.env._(
                    "The signed file of %s has been altered since it was signed: it does not bind.", self.display_name
                )
            )

    def _cancel(self):
        self._cancel_pending_sign_request()
        self._action_write({"state": "cancelled"})
