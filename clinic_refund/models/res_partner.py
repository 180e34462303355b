from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    clinic_contract_ids = fields.One2many("clinic.prepaid.contract", "partner_id", string="Prepaid Contracts")
    stored_value_currency_id = fields.Many2one("res.currency", compute="_compute_stored_value_balance")
    stored_value_balance = fields.Monetary(
        string="Stored Value (Principal)",
        compute="_compute_stored_value_balance",
        currency_field="stored_value_currency_id",
        help="Unused prepaid principal of the member in the current company: the sum of the stored value journal.",
    )
    stored_value_bonus_balance = fields.Monetary(
        string="Stored Value (Bonus)",
        compute="_compute_stored_value_balance",
        currency_field="stored_value_currency_id",
    )
    stored_value_available = fields.Monetary(
        compute="_compute_stored_value_available",
        currency_field="stored_value_currency_id",
        groups="clinic_membership.group_clinic_user",
        help="What the member's active contracts pay for any treatment today: principal and bonus not "
        "reserved for package sessions, on contracts no refund has frozen.",
    )
    stored_value_reserved = fields.Monetary(
        string="Reserved for Sessions",
        compute="_compute_stored_value_available",
        currency_field="stored_value_currency_id",
        groups="clinic_membership.group_clinic_user",
        help="Paid value of the package sessions not used yet: spent only by redeeming them.",
    )
    clinic_contract_count = fields.Integer(compute="_compute_clinic_contract_count", string="Contract Count")
    clinic_package_line_ids = fields.One2many(
        "clinic.contract.package.line", "partner_id", string="Treatment Packages", readonly=True
    )
    clinic_sessions_remaining = fields.Integer(
        string="Sessions Left",
        compute="_compute_clinic_sessions_remaining",
        help="Sessions left in the treatment packages of the member's active contracts.",
    )

    @api.depends_context("company")
    @api.depends("clinic_contract_ids.balance_principal", "clinic_contract_ids.balance_bonus")
    def _compute_stored_value_balance(self):
        company = self.env.company
        sums = {
            partner: (principal, bonus)
            for partner, principal, bonus in self.env["clinic.stored.value.move"]
            .sudo()
            ._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "posted"), ("company_id", "=", company.id)],
                ["partner_id"],
                ["amount_principal:sum", "amount_bonus:sum"],
            )
        }
        for partner in self:
            principal, bonus = sums.get(partner, (0.0, 0.0))
            partner.stored_value_currency_id = company.currency_id
            partner.stored_value_balance = company.currency_id.round(principal)
            partner.stored_value_bonus_balance = company.currency_id.round(bonus)

    @api.depends_context("company")
    @api.depends("clinic_contract_ids.balance_principal", "clinic_contract_ids.balance_bonus")
    def _compute_stored_value_available(self):
        contracts = self.env["clinic.prepaid.contract"].search(
            [("partner_id", "in", self.ids), ("state", "=", "active"), ("company_id", "=", self.env.company.id)]
        )
        by_partner = contracts.grouped("partner_id")
        currency = self.env.company.currency_id
        for partner in self:
            own = by_partner.get(partner._origin, contracts.browse())
            partner.stored_value_available = currency.round(
                sum(c._stored_value_free() for c in own if not c.open_refund_request_id)
            )
            partner.stored_value_reserved = currency.round(sum(own.mapped("balance_packages")))

    def _compute_clinic_contract_count(self):
        counts = dict(
            self.env["clinic.prepaid.contract"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.clinic_contract_count = counts.get(partner, 0)

    @api.depends("clinic_package_line_ids.sessions_remaining", "clinic_package_line_ids.contract_state")
    def _compute_clinic_sessions_remaining(self):
        sums = dict(
            self.env["clinic.contract.package.line"]._read_group(
                [("partner_id", "in", self.ids), ("contract_id.state", "=", "active")],
                ["partner_id"],
                ["sessions_remaining:sum"],
            )
        )
        for partner in self:
            partner.clinic_sessions_remaining = sums.get(partner, 0)

    def action_clinic_redeem_sessions(self):
        """The member's package sessions, ready to redeem (front desk, after a card scan)."""
        self.ensure_one()
        return self.env["clinic.session.redeem"]._action_open(self.commercial_partner_id)

    def action_clinic_checkout(self):
        """Today's treatments of the member on one screen (tier prices, points, stored value, the rest)."""
        self.ensure_one()
        if not self.commercial_partner_id.is_member:
            raise UserError(self.env._("%s is not a member: enrol the client first.", self.display_name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Checkout"),
            "res_model": "clinic.checkout",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_view_clinic_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_refund.clinic_prepaid_contract_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------ personal information (个人信息保护法)

    def _clinic_personal_data(self):
        """Her prepaid contracts with their stored-value rows and packages, and her refund requests."""
        data = super()._clinic_personal_data()
        contracts = self.env["clinic.prepaid.contract"].search([("partner_id", "=", self.id)], order="id")
        data["prepaid_contracts"] = [
            {
                **self._clinic_export_rows(
                    contract,
                    [
                        "name",
                        "state",
                        "date_signed",
                        "signed_by",
                        "signed_sha256",
                        "amount_principal",
                        "amount_bonus",
                        "balance_principal",
                        "balance_bonus",
                    ],
                )[0],
                "stored_value_rows": self._clinic_export_rows(
                    contract.move_ids.filtered(lambda row: row.partner_id == self).sorted(
                        lambda row: (row.date, row.id)
                    ),
                    ["name", "date", "move_type", "amount_principal", "amount_bonus", "invoice_id", "sessions"],
                ),
                "packages": self._clinic_export_rows(
                    contract.package_line_ids,
                    [
                        "package_id",
                        "sessions_total",
                        "sessions_used",
                        "sessions_remaining",
                        "price_total",
                        "date_expiry",
                    ],
                ),
            }
            for contract in contracts
        ]
        data["refund_requests"] = self._clinic_export_rows(
            self.env["clinic.refund.request"].search([("partner_id", "=", self.id)], order="id"),
            [
                "name",
                "contract_id",
                "request_date",
                "reason",
                "description",
                "state",
                "amount_refundable",
                "fee_amount",
            ],
        )
        return data

    def _clinic_anonymise_blockers(self):
        """An open refund, stored value left or package sessions left: the clinic still owes her."""
        blockers = super()._clinic_anonymise_blockers()
        contracts = self.env["clinic.prepaid.contract"].sudo().search([("partner_id", "=", self.id)])
        for contract in contracts.filtered("open_refund_request_id"):
            blockers.append(
                self.env._(
                    "refund request %(request)s of contract %(contract)s is under way: pay, reject or cancel it;",
                    request=contract.open_refund_request_id.name,
                    contract=contract.name,
                )
            )
        for contract in contracts:
            if contract.currency_id.compare_amounts(contract.balance_principal + contract.balance_bonus, 0) > 0:
                blockers.append(
                    self.env._(
                        "contract %(contract)s still holds %(principal)s of principal and %(bonus)s of bonus: refund "
                        "or close it;",
                        contract=contract.name,
                        principal=contract.balance_principal,
                        bonus=contract.balance_bonus,
                    )
                )
        for line in contracts.filtered(lambda c: c.state == "active").package_line_ids:
            if line.sessions_remaining > 0:
                blockers.append(
                    self.env._(
                        "%(sessions)s sessions of %(package)s are left on contract %(contract)s: redeem or refund "
                        "them;",
                        sessions=line.sessions_remaining,
                        package=line.package_id.name,
                        contract=line.contract_id.name,
                    )
                )
        return blockers

    def _clinic_anonymise(self):
        """Kept: contracts with their signed files, signer names and SHA-256, the stored-value ledger,
        refund requests with their amounts and evidence (accounting documents). Cleared: the free
        text she or the desk wrote about her (a refund request's description, a contract's note)."""
        result = super()._clinic_anonymise()
        self.env["clinic.refund.request"].sudo().search([("partner_id", "=", self.id)]).write({"description": False})
        contracts = self.env["clinic.prepaid.contract"].sudo().search([("partner_id", "=", self.id)])
        contracts.write({"note": False})
        # the desk's upload screens of her scans (transient: they would go at the next vacuum)
        self.env["clinic.contract.scan.upload"].sudo().search([("contract_id", "in", contracts.ids)]).unlink()
        return result
