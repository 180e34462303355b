from odoo import api, fields, models
from odoo.addons.clinic_membership.models.clinic_member_opening import OPENING_USER_FIELDS
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang


class ClinicMemberOpening(models.Model):
    """The prepaid contract a member brought over from the previous system, and the stored value
    left on it: posting makes the contract (active, its signing date and the previous system's
    number kept) and records the value with an ``opening`` row of the stored-value journal, whose
    entry credits the liability against the migration's counterpart account (by default the
    company's undistributed profits, where Odoo puts the balance of an opening entry)."""

    _inherit = "clinic.member.opening"
    _clinic_user_fields = (
        *OPENING_USER_FIELDS,
        "opening_principal",
        "opening_bonus",
        "contract_reference",
        "contract_date_signed",
        "opening_account_id",
    )

    currency_id = fields.Many2one(related="company_id.currency_id")
    opening_principal = fields.Monetary(
        string="Stored Value Left (Principal)", help="What she paid in and has not spent yet."
    )
    opening_bonus = fields.Monetary(string="Stored Value Left (Bonus)", help="Bonus value she has not spent yet.")
    contract_reference = fields.Char(
        string="Previous Contract Number", help="The number of her prepaid contract in the previous system."
    )
    contract_date_signed = fields.Date(string="Contract Signed On", help="When she signed that contract.")
    opening_account_id = fields.Many2one(
        "account.account",
        string="Counterpart Account",
        check_company=True,
        compute="_compute_opening_account_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Balances the stored-value liability in the opening entries: the undistributed profits by default.",
    )
    contract_id = fields.Many2one("clinic.prepaid.contract", string="Prepaid Contract", readonly=True, copy=False)

    _sql_constraints = [
        (
            "opening_stored_value_positive",
            "CHECK(opening_principal >= 0 AND opening_bonus >= 0)",
            "Opening stored value cannot be negative.",
        ),
    ]

    @api.depends("company_id")
    def _compute_opening_account_id(self):
        for row in self:
            if not row.opening_account_id and row.company_id.chart_template:
                row.opening_account_id = row.company_id.get_unaffected_earnings_account()

    def _has_stored_value(self):
        self.ensure_one()
        return not (self.currency_id.is_zero(self.opening_principal) and self.currency_id.is_zero(self.opening_bonus))

    def _check_postable(self):
        super()._check_postable()
        if not self._has_stored_value():
            return
        if not self.contract_date_signed or self.contract_date_signed > self.date:
            raise UserError(
                self.env._("Give the day %s signed her prepaid contract (before the opening date).", self.display_name)
            )
        for amount in (self.opening_principal, self.opening_bonus):
            self.env["clinic.stored.value.move"]._check_precision(self.currency_id, amount)
        if self.currency_id.is_zero(self.opening_principal):
            raise UserError(
                self.env._(
                    "%s has bonus value left without principal: a prepaid contract holds paid value; "
                    "bring the bonus over as points or as a manager's adjustment after posting.",
                    self.display_name,
                )
            )
        self.env["clinic.stored.value.move"]._check_counterpart_account(self.company_id, self.opening_account_id.id)

    def _do_post(self):
        super()._do_post()
        rows = self.filtered(lambda row: row._has_stored_value())
        if not rows:
            return
        self.env.company._clinic_check_stored_value_accounting()
        contracts = rows._create_opening_contracts()
        self.env["clinic.stored.value.move"]._post_rows(
            [row._prepare_opening_row(contract) for row, contract in zip(rows, contracts, strict=True)]
        )

    def _create_opening_contracts(self):
        """Active contracts for the value left, each with the record of what was brought over as its
        signed document (the paper the member signed stays in the clinic's files)."""
        contracts = (
            self.env["clinic.prepaid.contract"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": row.member_id.id,
                        "company_id": row.company_id.id,
                        "currency_id": row.currency_id.id,
                        "amount_principal": row.opening_principal,
                        "amount_bonus": row.opening_bonus,
                        "note": row._opening_note(),
                    }
                    for row in self
                ]
            )
        )
        for row, contract in zip(self, contracts, strict=True):
            contract._set_signed_document(
                row._opening_record().encode(),
                f"{contract.name}-migration.txt",
                row.member_id.name,
                row.contract_date_signed,
                "migrated",
            )
            row.sudo().contract_id = contract
        contracts.action_activate()
        return contracts

    def _opening_note(self):
        return self.env._(
            "Brought over from the previous system (contract %(reference)s, signed on %(date)s).",
            reference=self.contract_reference or "-",
            date=fields.Date.to_string(self.contract_date_signed),
        )

    def _opening_record(self):
        """The text kept as the contract's signed document, with its SHA-256: what was brought over."""
        money = {"currency_obj": self.currency_id}
        return self.env._(
            "Prepaid contract brought over from the previous system.\n"
            "Member: %(member)s (%(number)s)\n"
            "Previous contract: %(reference)s, signed on %(date)s\n"
            "Stored value left: principal %(principal)s, bonus %(bonus)s, on %(opening)s\n"
            "Posted by: %(user)s",
            member=self.member_id.name,
            number=self.member_number,
            reference=self.contract_reference or "-",
            date=fields.Date.to_string(self.contract_date_signed),
            principal=formatLang(self.env, self.opening_principal, **money),
            bonus=formatLang(self.env, self.opening_bonus, **money),
            opening=fields.Date.to_string(self.date),
            user=self.env.user.name,
        )

    def _prepare_opening_row(self, contract):
        return {
            "contract_id": contract.id,
            "move_type": "opening",
            "date": self.date,
            "amount_principal": self.opening_principal,
            "amount_bonus": self.opening_bonus,
            "adjust_account_id": self.opening_account_id.id,
            "reason": self._opening_note(),
        }
