from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang


class ClinicCheckout(models.TransientModel):
    """Today's treatments of a member on one screen: tier prices, points, stored value, the rest.

    Confirming posts the invoice, redeems the points as its discount, pays from stored value and
    registers the rest (or leaves it open), each part through its own flow; one transaction, so
    that a refusal anywhere leaves nothing half-written.
    """

    _name = "clinic.checkout"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Checkout"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, domain="[('is_member', '=', True)]", check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    tier_id = fields.Many2one(related="partner_id.tier_id")
    line_ids = fields.One2many("clinic.checkout.line", "checkout_id", string="Treatments")
    amount_total = fields.Monetary(string="Total", compute="_compute_amounts")
    points_balance = fields.Integer(related="partner_id.points_balance")
    points_to_redeem = fields.Integer(string="Points to Redeem")
    points_value = fields.Monetary(string="Points Discount", compute="_compute_amounts")
    contract_id = fields.Many2one(
        "clinic.prepaid.contract",
        string="Prepaid Contract",
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('state', '=', 'active'), ('company_id', '=', company_id)]",
    )
    contract_warning = fields.Char(
        compute="_compute_contract_warning", help="Why the member's prepaid contract cannot pay today."
    )
    stored_value_available = fields.Monetary(compute="_compute_amounts")
    stored_value_amount = fields.Monetary(
        string="From Stored Value", compute="_compute_stored_value_amount", store=True, readonly=False, precompute=True
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Rest Paid Into",
        default=lambda self: self._default_journal_id(),
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="Bank or cash journal of what stored value and points do not pay; empty: the rest stays to pay.",
    )
    amount_rest = fields.Monetary(string="Rest to Pay", compute="_compute_amounts")
    rest_warning = fields.Char(compute="_compute_rest_warning")
    package_line_ids = fields.Many2many(
        "clinic.contract.package.line",
        string="Package Sessions",
        compute="_compute_package_line_ids",
        help="Sessions of the member's packages: redeemed on their own, not paid at this checkout.",
    )

    @api.depends("partner_id", "company_id")
    def _compute_package_line_ids(self):
        for checkout in self:
            checkout.package_line_ids = self.env["clinic.contract.package.line"].search(
                [
                    ("partner_id", "child_of", checkout.partner_id.commercial_partner_id.id),
                    ("contract_id.state", "=", "active"),
                    ("sessions_remaining", ">", 0),
                    ("company_id", "=", checkout.company_id.id),
                ]
            )

    @api.model
    def _default_journal_id(self):
        """Cash, where most of what stored value and points leave is paid at the desk."""
        return self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(self.env.company), ("type", "=", "cash")],
            order="sequence, id",
            limit=1,
        )

    def _member_contracts(self):
        self.ensure_one()
        return self.env["clinic.prepaid.contract"].search(
            [
                ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                ("state", "=", "active"),
                ("company_id", "=", self.company_id.id),
            ],
            order="id",
        )

    @api.depends("partner_id", "company_id")
    def _compute_contract_id(self):
        """The contract that pays the most today: never one frozen by a refund under way, nor one whose
        value is all reserved for its packages' sessions."""
        for checkout in self:
            payable = checkout._member_contracts().filtered(
                lambda c: not c.open_refund_request_id and not c.currency_id.is_zero(c._stored_value_free())
            )
            checkout.contract_id = payable.sorted(lambda c: c._stored_value_free(), reverse=True)[:1]

    @api.depends("contract_id", "partner_id", "company_id")
    def _compute_contract_warning(self):
        for checkout in self:
            contracts = checkout.contract_id or checkout._member_contracts()
            checkout.contract_warning = "; ".join(filter(None, (c._checkout_warning() for c in contracts)))

    @api.depends("line_ids.price_total", "points_to_redeem", "contract_id", "stored_value_amount")
    def _compute_amounts(self):
        for checkout in self:
            currency = checkout.currency_id
            checkout.amount_total = currency.round(sum(checkout.line_ids.mapped("price_total")))
            checkout.points_value = currency.round(checkout.points_to_redeem * checkout.company_id.clinic_point_value)
            contract = checkout.contract_id
            checkout.stored_value_available = contract._stored_value_free() if contract else 0.0
            checkout.amount_rest = currency.round(
                checkout.amount_total - checkout.points_value - checkout.stored_value_amount
            )

    @api.depends("amount_rest", "journal_id")
    def _compute_rest_warning(self):
        for checkout in self:
            rest_open = checkout.currency_id.compare_amounts(checkout.amount_rest, 0.0) > 0 and not checkout.journal_id
            checkout.rest_warning = (
                self.env._(
                    "No payment journal: %s stays to pay on the invoice, which will be only partly paid.",
                    formatLang(self.env, checkout.amount_rest, currency_obj=checkout.currency_id),
                )
                if rest_open
                else ""
            )

    @api.depends("line_ids.price_total", "points_to_redeem", "contract_id")
    def _compute_stored_value_amount(self):
        for checkout in self:
            due = sum(checkout.line_ids.mapped("price_total")) - checkout.points_to_redeem * (
                checkout.company_id.clinic_point_value
            )
            contract = checkout.contract_id
            available = contract._stored_value_free() if contract else 0.0
            checkout.stored_value_amount = checkout.currency_id.round(max(min(due, available), 0.0))

    # ------------------------------------------------------------------ confirmation

    def _check_can_checkout(self):
        self.ensure_one()
        currency = self.currency_id
        if not self.partner_id.is_member:
            raise UserError(self.env._("%s is not a member: enrol the client first.", self.partner_id.display_name))
        self._check_member_active()
        if not self.line_ids:
            raise UserError(self.env._("Add the treatments to check out."))
        for line in self.line_ids:
            if line.quantity <= 0 or currency.compare_amounts(line.price_unit, 0.0) < 0:
                raise ValidationError(
                    self.env._("%s: quantity and price must be positive.", line.product_id.display_name)
                )
        if self.points_to_redeem < 0 or currency.compare_amounts(self.stored_value_amount, 0.0) < 0:
            raise ValidationError(self.env._("Points and stored value used cannot be negative."))
        if currency.compare_amounts(self.amount_rest, 0.0) < 0:
            raise ValidationError(
                self.env._(
                    "Points (%(points)s) and stored value (%(stored)s) are more than the total of %(total)s.",
                    points=formatLang(self.env, self.points_value, currency_obj=currency),
                    stored=formatLang(self.env, self.stored_value_amount, currency_obj=currency),
                    total=formatLang(self.env, self.amount_total, currency_obj=currency),
                )
            )
        if not currency.is_zero(self.stored_value_amount) and not self.contract_id:
            raise UserError(self.env._("Choose the prepaid contract to pay from."))

    def _check_member_active(self):
        member = self.partner_id
        if not member.active or not member.commercial_partner_id.active:
            raise UserError(self.env._("%s is archived: restore the contact before checking out.", member.display_name))

    def action_confirm(self):
        self.ensure_one()
        self._check_can_checkout()
        invoice = self._create_invoice()
        if self.points_to_redeem:
            invoice._clinic_add_points_discount(self.partner_id.commercial_partner_id, self.points_to_redeem)
        invoice.action_post()
        if not self.currency_id.is_zero(self.stored_value_amount):
            self.contract_id._consume_stored_value(self.stored_value_amount, invoice)
        if self.journal_id and not invoice.currency_id.is_zero(invoice.amount_residual):
            self._register_rest(invoice)
        return invoice._get_records_action()

    def _benefit_allocation(self):
        """{line: (benefit, free quantity)}: what the member's tier benefits give free today, to the lines
        in their order, never more than she has left (read again when the invoice is posted, under her lock)."""
        self.ensure_one()
        member = self.partner_id.commercial_partner_id
        if not member.is_member or member.member_company_id != self.company_id:
            return {}
        today = fields.Date.context_today(self)
        left = {}
        allocation = {}
        for line in self.line_ids.filtered(lambda line: line.product_id and line.quantity > 0):
            if line.product_id not in left:
                quota = member._clinic_benefit_quota(line.product_id, today)
                left[line.product_id] = (quota["benefit"], quota["left"])
            benefit, available = left[line.product_id]
            free = min(available, int(line.quantity))
            if free > 0:
                allocation[line] = (benefit, free)
                left[line.product_id] = (benefit, available - free)
        return allocation

    def _create_invoice(self):
        """The invoice of the lines: what a benefit gives free on its own line at 0.00 naming the benefit
        (computed here again, never taken from the screen), the rest at the line's price."""
        allocation = self._benefit_allocation()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "invoice_date": fields.Date.context_today(self),
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": line.product_id.id,
                            "quantity": line.quantity - allocation.get(line, (None, 0))[1],
                            "price_unit": line.price_unit,
                            "sequence": 10 * index,
                        }
                    )
                    for index, line in enumerate(self.line_ids, start=1)
                    if line.quantity > allocation.get(line, (None, 0))[1]
                ],
            }
        )
        for index, line in enumerate(self.line_ids, start=1):
            if line in allocation:
                invoice._clinic_add_benefit_line(line.product_id, allocation[line][1], sequence=10 * index - 5)
        return invoice

    def _register_rest(self, invoice):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"journal_id": self.journal_id.id, "payment_date": invoice.invoice_date}
        )._create_payments()
