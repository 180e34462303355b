from odoo import api, fields, models
from odoo.exceptions import UserError


class ClinicSessionRedeem(models.TransientModel):
    """Redeem sessions of a member's treatment package at the front desk (card scan or search)."""

    _name = "clinic.session.redeem"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Redeem Package Sessions"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, domain="[('is_member', '=', True)]", check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    package_line_id = fields.Many2one(
        "clinic.contract.package.line",
        string="Package",
        required=True,
        check_company=True,
        compute="_compute_package_line_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('partner_id', 'child_of', partner_id), ('contract_id.state', '=', 'active'), "
        "'|', ('sessions_remaining', '>', 0), ('package_kind', '=', 'unlimited'), ('company_id', '=', company_id)]",
    )
    product_id = fields.Many2one(related="package_line_id.product_id")
    package_kind = fields.Selection(related="package_line_id.package_kind")
    sessions_remaining = fields.Integer(related="package_line_id.sessions_remaining")
    unit_price = fields.Monetary(related="package_line_id.unit_price")
    date_expiry = fields.Date(related="package_line_id.date_expiry")
    currency_id = fields.Many2one(related="company_id.currency_id")
    quantity = fields.Integer(string="Sessions", required=True, default=1)
    practitioner_id = fields.Many2one(
        "res.users",
        required=True,
        compute="_compute_practitioner_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('clinic_is_practitioner', '=', True), ('company_ids', 'in', company_id)]",
        help="Who gives the treatment (a Practitioner): recorded on the session's invoice.",
    )

    @api.depends("partner_id")
    def _compute_practitioner_id(self):
        """The member's usual practitioner: who gave her last package session."""
        for wizard in self:
            last = self.env["account.move"].search(
                [
                    ("commercial_partner_id", "=", wizard.partner_id.commercial_partner_id.id),
                    ("clinic_practitioner_id", "!=", False),
                    ("company_id", "=", wizard.company_id.id),
                ],
                order="invoice_date desc, id desc",
                limit=1,
            )
            practitioner = last.clinic_practitioner_id
            wizard.practitioner_id = practitioner if practitioner.clinic_is_practitioner else False

    @api.depends("partner_id")
    def _compute_package_line_id(self):
        for wizard in self:
            if wizard.package_line_id.partner_id == wizard.partner_id:
                wizard.package_line_id = wizard.package_line_id
                continue
            wizard.package_line_id = self.env["clinic.contract.package.line"].search(
                [
                    ("partner_id", "child_of", wizard.partner_id.commercial_partner_id.id),
                    ("contract_id.state", "=", "active"),
                    "|",
                    ("sessions_remaining", ">", 0),
                    "&",
                    ("package_kind", "=", "unlimited"),
                    ("date_expiry", ">=", fields.Date.context_today(wizard)),
                    ("company_id", "=", wizard.company_id.id),
                ],
                order="date_expiry, id",
                limit=1,
            )

    @api.model
    def _action_open(self, partner, package_line=None):
        context = {"default_partner_id": partner.id}
        if package_line:
            context["default_package_line_id"] = package_line.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Redeem Sessions"),
            "res_model": "clinic.session.redeem",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_confirm(self):
        self.ensure_one()
        if not self.package_line_id:
            raise UserError(self.env._("%s has no package sessions to redeem.", self.partner_id.display_name))
        invoice = self.package_line_id._redeem_sessions(
            self.quantity, practitioner=self.practitioner_id, partner=self.partner_id
        )
        return invoice._get_records_action()
