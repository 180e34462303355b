from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

# Days before a package's booking validity ends that the member is told.
EXPIRY_NOTICE_DAYS = 30


class ClinicContractPackageLine(models.Model):
    """A treatment package bought under a prepaid contract: its sessions, price and what is left.

    Price and sessions are those of the day of sale (frozen once the contract leaves draft);
    the sessions used are derived from the stored-value rows that paid them, never typed.
    """

    _name = "clinic.contract.package.line"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Treatment Package of a Contract"
    _order = "contract_id desc, sequence, id"
    _check_company_auto = True
    _rec_names_search = ["package_id.name", "contract_id.name", "partner_id.name"]

    contract_id = fields.Many2one(
        "clinic.prepaid.contract", required=True, ondelete="cascade", index=True, check_company=True
    )
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(related="contract_id.partner_id", string="Member", store=True, index=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    contract_state = fields.Selection(related="contract_id.state", string="Contract Status")
    date_signed = fields.Date(related="contract_id.date_signed", string="Sold On", store=True)
    package_id = fields.Many2one("clinic.treatment.package", required=True, check_company=True)
    product_id = fields.Many2one(
        "product.product", string="Treatment", compute="_compute_from_package", store=True, precompute=True
    )
    sessions_total = fields.Integer(string="Sessions", compute="_compute_from_package", store=True, precompute=True)
    price_total = fields.Monetary(string="Package Price", compute="_compute_from_package", store=True, precompute=True)
    unit_price = fields.Monetary(
        string="Price per Session",
        compute="_compute_from_package",
        store=True,
        precompute=True,
        help="What one session costs in this package: the package price over its sessions (the last "
        "session takes the rounding cents).",
    )
    validity_months = fields.Integer(compute="_compute_from_package", store=True, precompute=True)
    package_kind = fields.Selection(
        [("sessions", "Sessions"), ("unlimited", "Unlimited Sessions for N Months")],
        string="Kind",
        compute="_compute_from_package",
        store=True,
        precompute=True,
    )
    date_service_stopped = fields.Date(
        string="Service Stopped On",
        copy=False,
        help="Unlimited plans: the day the clinic stopped serving the plan, if it did. A refund then gives back "
        "the price pro rata to the time left after that day (法释〔2025〕4号 art. 22 para. 2).",
    )
    visit_ids = fields.One2many("account.move", "clinic_package_line_id", string="Visits")
    date_expiry = fields.Date(
        string="Book By",
        compute="_compute_date_expiry",
        store=True,
        help="Last day to book sessions at the package price. Unused sessions stay refundable after it.",
    )
    move_ids = fields.One2many("clinic.stored.value.move", "package_line_id", string="Sessions Paid")
    sessions_used = fields.Integer(compute="_compute_usage", store=True)
    sessions_remaining = fields.Integer(string="Sessions Left", compute="_compute_usage", store=True)
    amount_used = fields.Monetary(string="Value Used", compute="_compute_usage", store=True)
    amount_remaining = fields.Monetary(
        string="Value Left",
        compute="_compute_usage",
        store=True,
        help="The paid value of the sessions not used yet: deferred revenue, part of the stored-value liability.",
    )
    expiry_notice_date = fields.Date(string="Expiry Notice Sent", readonly=True, copy=False)
    is_expired = fields.Boolean(compute="_compute_is_expired", string="Booking Period Over")

    # ------------------------------------------------------------------ computes

    @api.depends("package_id")
    def _compute_from_package(self):
        # depends on the package only (not its price): what was sold stays what it was
        for line in self:
            package = line.package_id
            line.product_id = package.product_id
            line.sessions_total = package.sessions
            line.price_total = package.price
            line.unit_price = package.unit_price
            line.validity_months = package.validity_months
            line.package_kind = package.package_kind or "sessions"
            if line.package_kind == "unlimited":
                line.sessions_total = 0

    @api.depends("contract_id.date_signed", "validity_months")
    def _compute_date_expiry(self):
        for line in self:
            signed = line.contract_id.date_signed
            line.date_expiry = (
                signed + relativedelta(months=line.validity_months, days=-1)
                if signed and line.validity_months
                else False
            )

    @api.depends(
        "move_ids.sessions",
        "move_ids.amount_principal",
        "sessions_total",
        "price_total",
        "visit_ids.state",
        "visit_ids.invoice_line_ids.quantity",
    )
    def _compute_usage(self):
        # in an onchange (the checkout's list of packages), the lines are new records of the stored ones
        sums = {
            line: (sessions, principal)
            for line, sessions, principal in self.env["clinic.stored.value.move"]
            .sudo()
            ._read_group(
                [("package_line_id", "in", self._origin.ids)],
                ["package_line_id"],
                ["sessions:sum", "amount_principal:sum"],
            )
        }
        for line in self:
            sessions, principal = sums.get(line._origin, (0, 0.0))
            round_ = line.currency_id.round if line.currency_id else round
            line.sessions_used = -sessions
            line.sessions_remaining = line.sessions_total + sessions
            line.amount_used = round_(-principal)
            line.amount_remaining = round_(line.price_total + principal)
            if line.package_kind == "unlimited":
                # visits of an unlimited plan move no money: they are its posted visit invoices (at 0.00)
                visits = line._origin.sudo().visit_ids.filtered(lambda move: move.state == "posted")
                line.sessions_used = int(sum(visits.invoice_line_ids.mapped("quantity")))
                line.sessions_remaining = 0

    @api.constrains("date_service_stopped")
    def _check_date_service_stopped(self):
        for line in self.filtered("date_service_stopped"):
            if line.package_kind != "unlimited":
                raise ValidationError(
                    self.env._("Only an unlimited plan records the day the clinic stopped serving it.")
                )
            if line.date_signed and not line.date_signed <= line.date_service_stopped <= line.date_expiry:
                raise ValidationError(
                    self.env._(
                        "%(package)s runs from %(start)s to %(end)s: the service cannot have stopped on %(date)s.",
                        package=line.display_name,
                        start=line.date_signed,
                        end=line.date_expiry,
                        date=line.date_service_stopped,
                    )
                )
            if line.date_service_stopped > fields.Date.context_today(line):
                raise ValidationError(self.env._("The day the service stopped cannot be in the future."))

    @api.depends("date_expiry")
    @api.depends_context("tz")
    def _compute_is_expired(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.is_expired = bool(line.date_expiry and line.date_expiry < today)

    @api.depends("package_id.name", "contract_id.name")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(package)s (%(contract)s)", package=line.package_id.name or "", contract=line.contract_id.name or ""
            )

    # ------------------------------------------------------------------ ORM: packages are chosen in draft only

    def _clinic_writable_fields(self):
        if all(line.contract_id.state == "draft" for line in self):
            return {"package_id", "sequence"}
        return {"date_service_stopped"}

    def _clinic_creatable_fields(self):
        return {"contract_id", "package_id", "sequence"}

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self.env.su:
            lines._check_contract_draft()
        return lines

    def write(self, vals):
        if not self.env.su and vals and set(vals) == {"date_service_stopped"}:
            self._check_can_record_service_stop()
        elif not self.env.su and vals:
            self._check_contract_draft()
        return super().write(vals)

    def _check_can_record_service_stop(self):
        """A manager records the day the clinic stopped serving an unlimited plan, before its refund is asked."""
        if not self.env.user.has_group("clinic_membership.group_clinic_manager"):
            raise UserError(self.env._("Only a manager records the day the clinic stopped serving a plan."))
        for line in self:
            if line.package_kind != "unlimited" or line.contract_id.state != "active":
                raise UserError(
                    self.env._(
                        "%s is not an unlimited plan of an active contract: there is no service stop to record.",
                        line.display_name,
                    )
                )
            line.contract_id._check_not_frozen()

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        self._check_contract_draft()

    def _check_contract_draft(self):
        for line in self:
            if line.contract_id.state != "draft" or line.move_ids:
                raise UserError(
                    self.env._(
                        "The packages of contract %s are frozen once it has been sent for signature.",
                        line.contract_id.name,
                    )
                )

    # ------------------------------------------------------------------ redemption

    def _check_can_redeem(self, quantity, partner=None):
        """Refusals of a redemption, in the words the front desk reads them."""
        self.ensure_one()
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise ValidationError(self.env._("The number of sessions to redeem must be a positive whole number."))
        contract = self.contract_id
        if partner and partner.commercial_partner_id != contract.partner_id.commercial_partner_id:
            raise UserError(
                self.env._(
                    "Package %(package)s belongs to %(owner)s, not to %(member)s.",
                    package=self.display_name,
                    owner=contract.partner_id.display_name,
                    member=partner.display_name,
                )
            )
        if contract.state != "active":
            raise UserError(
                self.env._(
                    "Contract %(contract)s is %(state)s: sessions are redeemed on an active contract only.",
                    contract=contract.name,
                    state=dict(contract._fields["state"]._description_selection(self.env))[contract.state],
                )
            )
        contract._check_spendable()
        if contract.currency_id.compare_amounts(contract.paid_principal, contract.amount_packages) < 0:
            raise UserError(
                self.env._(
                    "The packages of contract %(contract)s are not paid yet (%(paid)s of %(price)s): top it up first.",
                    contract=contract.name,
                    paid=formatLang(self.env, contract.paid_principal, currency_obj=contract.currency_id),
                    price=formatLang(self.env, contract.amount_packages, currency_obj=contract.currency_id),
                )
            )
        if self.package_kind != "unlimited" and quantity > self.sessions_remaining:
            raise UserError(
                self.env._(
                    "%(package)s has %(left)s sessions left, fewer than the %(quantity)s to redeem.",
                    package=self.display_name,
                    left=self.sessions_remaining,
                    quantity=quantity,
                )
            )
        if self.is_expired:
            raise UserError(
                self.env._(
                    "Sessions of %(package)s were to be booked by %(date)s: that price is over. The %(left)s "
                    "sessions left stay refundable under the contract's terms.",
                    package=self.display_name,
                    date=self.date_expiry,
                    left=self.sessions_remaining,
                )
                if self.package_kind != "unlimited"
                else self.env._(
                    "%(package)s was an unlimited plan until %(date)s: it cannot be used after that day.",
                    package=self.display_name,
                    date=self.date_expiry,
                )
            )
        if self.package_kind == "unlimited" and self.date_service_stopped:
            raise UserError(
                self.env._(
                    "The clinic stopped serving %(package)s on %(date)s.",
                    package=self.display_name,
                    date=self.date_service_stopped,
                )
            )

    def _check_practitioner(self, practitioner):
        """The practitioner gives treatments in the contract's company (a client may send any user)."""
        if practitioner and (
            not practitioner.clinic_is_practitioner or self.company_id not in practitioner.sudo().company_ids
        ):
            raise UserError(self.env._("%s is not a practitioner of this clinic.", practitioner.sudo().display_name))

    def _redemption_prices(self, quantity):
        """[(sessions, price per session)] of a redemption: the last session of the package takes the
        rounding cents, so that all of them add up to the package price exactly."""
        self.ensure_one()
        if quantity < self.sessions_remaining:
            return [(quantity, self.unit_price)]
        currency = self.currency_id
        last = currency.round(self.amount_remaining - self.unit_price * (quantity - 1))
        if quantity == 1 or currency.compare_amounts(last, self.unit_price) == 0:
            return [(quantity, last)] if quantity == 1 else [(quantity, self.unit_price)]
        return [(quantity - 1, self.unit_price), (1, last)]

    def _redeem_sessions(self, quantity, practitioner=None, partner=None):
        """Invoice ``quantity`` sessions at the package's price and pay them from the contract."""
        self.ensure_one()
        self._check_can_redeem(quantity, partner)
        self.contract_id._lock_stored_value()
        self.invalidate_recordset(["sessions_used", "sessions_remaining", "amount_used", "amount_remaining"])
        self._check_can_redeem(quantity, partner)  # on what the lock lets us see
        self._check_practitioner(practitioner)
        if self.package_kind == "unlimited":
            return self._record_visit(quantity, practitioner)
        prices = self._redemption_prices(quantity)
        amount = self.currency_id.round(sum(count * price for count, price in prices))
        invoice = self._create_redemption_invoice(prices, practitioner)
        invoice.action_post()
        if self.currency_id.compare_amounts(invoice.amount_total, amount) != 0:
            raise UserError(
                self.env._(
                    "The taxes of %(product)s make the session invoice %(total)s instead of %(amount)s: "
                    "check the treatment's taxes.",
                    product=self.product_id.display_name,
                    total=formatLang(self.env, invoice.amount_total, currency_obj=self.currency_id),
                    amount=formatLang(self.env, amount, currency_obj=self.currency_id),
                )
            )
        self.contract_id._consume_stored_value(amount, invoice, package_line=self, sessions=quantity)
        return invoice

    def _record_visit(self, quantity, practitioner):
        """A visit of an unlimited plan: its treatment invoiced at 0.00 (the plan's price paid for it), with the
        practitioner. No stored-value row: the price stays principal set aside for the plan until it ends or is
        refunded pro rata to the time left (法释〔2025〕4号 art. 22)."""
        invoice = self._create_redemption_invoice([(quantity, 0.0)], practitioner)
        invoice.sudo().write({"clinic_package_line_id": self.id})
        invoice.action_post()
        self.invalidate_recordset(["sessions_used", "sessions_remaining"])
        return invoice

    def _create_redemption_invoice(self, prices, practitioner):
        contract = self.contract_id
        invoice = (
            self.env["account.move"]
            .with_company(contract.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": contract.partner_id.id,
                    "company_id": contract.company_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "ref": self.env._(
                        "%(package)s, contract %(contract)s", package=self.package_id.name, contract=contract.name
                    ),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product_id.id,
                                "name": self.env._(
                                    "%(product)s - session of package %(package)s",
                                    product=self.product_id.display_name,
                                    package=self.package_id.name,
                                ),
                                "quantity": count,
                                "price_unit": price,
                            }
                        )
                        for count, price in prices
                    ],
                }
            )
        )
        for line, (_count, price) in zip(invoice.invoice_line_ids, prices, strict=True):
            excluded = line._clinic_price_without_taxes(price)
            if excluded != price:
                line.price_unit = excluded
        if practitioner:
            invoice.sudo().write({"clinic_practitioner_id": practitioner.id})
        return invoice

    def action_redeem(self):
        self.ensure_one()
        return self.env["clinic.session.redeem"]._action_open(self.partner_id, self)

    # ------------------------------------------------------------------ expiry notice

    @api.model
    def _cron_notify_expiry(self):
        """Tell members, once, that the package price of their unused sessions ends soon (their value stays)."""
        today = fields.Date.context_today(self)
        lines = self.search(
            [
                ("contract_id.state", "=", "active"),
                ("date_expiry", ">=", today),
                ("date_expiry", "<=", today + timedelta(days=EXPIRY_NOTICE_DAYS)),
                ("sessions_remaining", ">", 0),
                ("expiry_notice_date", "=", False),
            ]
        )
        lines._notify_expiry()

    def _notify_expiry(self):
        template = self.env.ref("clinic_refund.mail_template_package_expiry", raise_if_not_found=False)
        for line in self:
            member = line.partner_id
            if template and member.email and member._clinic_has_consent("email"):
                template.send_mail(line.id)
            else:
                line.contract_id.message_post(
                    body=self.env._(
                        "%(member)s was not mailed that %(left)s sessions of %(package)s are to be booked by "
                        "%(date)s (no email consent): tell them at their next visit.",
                        member=member.name,
                        left=line.sessions_remaining,
                        package=line.package_id.name,
                        date=line.date_expiry,
                    )
                )
        self.sudo().write({"expiry_notice_date": fields.Date.context_today(self)})
