from odoo import api, fields, models
from odoo.exceptions import ValidationError

BONUS_POLICIES = [
    ("forfeit", "Forfeit (bonus consumed is deducted from principal)"),
    ("prorata", "Pro rata (consumption split between principal and bonus)"),
]
CONSUMED_PRICING = [
    ("actual", "Actual price paid"),
    ("list", "List price"),
]
CONSUMPTION_ORDERS = [
    ("prorata", "Pro rata principal / bonus"),
    ("principal_first", "Principal first"),
    ("bonus_first", "Bonus first"),
]


class ClinicContractTemplate(models.Model):
    _name = "clinic.contract.template"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Prepaid Contract Template"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    version = fields.Char(
        string="Terms Version",
        required=True,
        default="1.0",
        help="Printed on every contract made from this template; a new version keeps the old "
        "contracts on the terms they were signed with.",
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    terms = fields.Html(translate=True, sanitize=True)
    cooling_off_days = fields.Integer(
        string="Cooling-off Days",
        default=7,
        help="Within this many days of signing, with nothing consumed, the full principal is refunded.",
    )
    refund_fee_percent = fields.Float(
        string="Refund Fee (%)",
        digits=(5, 2),
        help="Fee kept on a refund that is neither cooling-off nor the clinic's fault.",
    )
    bonus_policy = fields.Selection(BONUS_POLICIES, required=True, default="prorata")
    consumed_pricing = fields.Selection(CONSUMED_PRICING, required=True, default="actual")
    consumption_order = fields.Selection(CONSUMPTION_ORDERS, required=True, default="prorata")
    contract_ids = fields.One2many("clinic.prepaid.contract", "template_id", string="Contracts")
    contract_count = fields.Integer(compute="_compute_contract_count")

    @api.depends("contract_ids")
    def _compute_contract_count(self):
        counts = dict(
            self.env["clinic.prepaid.contract"]._read_group(
                [("template_id", "in", self.ids)], ["template_id"], ["__count"]
            )
        )
        for template in self:
            template.contract_count = counts.get(template, 0)

    @api.constrains("cooling_off_days", "refund_fee_percent")
    def _check_refund_terms(self):
        for template in self:
            if template.cooling_off_days < 0:
                raise ValidationError(self.env._("The cooling-off period cannot be negative."))
            if not 0 <= template.refund_fee_percent <= 100:
                raise ValidationError(self.env._("The refund fee must be between 0 and 100 percent."))

    def action_new_version(self):
        """Archive this version and open a copy to edit; signed contracts keep their own copy."""
        self.ensure_one()
        new_template = self.copy({"version": self._next_version(), "name": self.name})
        self.active = False
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new_template.id,
            "view_mode": "form",
        }

    def _next_version(self):
        major = (self.version or "1").partition(".")[0]
        if major.isdigit():
            return f"{int(major) + 1}.0"
        return f"{self.version}.1"

    def action_view_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_refund.clinic_prepaid_contract_action")
        action["domain"] = [("template_id", "=", self.id)]
        action["context"] = {"default_template_id": self.id}
        return action
