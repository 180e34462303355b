from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from ..tools.void_terms import find_void_clauses

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
    interest_rate = fields.Float(
        string="Refund Interest Rate (%/year)",
        digits=(6, 2),
        help="The rate agreed for interest on a refunded prepayment (法释〔2025〕4号 art. 16). Empty: the one-year "
        "LPR in force at signing when the clinic is the cause, else the one-year deposit benchmark rate.",
    )
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

    @api.constrains("cooling_off_days", "refund_fee_percent", "interest_rate")
    def _check_refund_terms(self):
        for template in self:
            if not 0 <= template.interest_rate <= 100:
                raise ValidationError(self.env._("The refund interest rate must be between 0 and 100 percent a year."))
            if template.cooling_off_days < 0:
                raise ValidationError(self.env._("The cooling-off period cannot be negative."))
            if not 0 <= template.refund_fee_percent <= 100:
                raise ValidationError(self.env._("The refund fee must be between 0 and 100 percent."))

    # ------------------------------------------------------------ void standard terms (法释〔2025〕4号 arts. 8, 9)

    @api.constrains("terms", "refund_fee_percent")
    def _check_void_terms(self):
        """No template offers a member terms that art. 9 holds void, in any of its languages."""
        for template in self:
            texts = (template._fields["terms"]._get_stored_translations(template) or {}).values()
            self._clinic_check_void_terms(list(texts), template.refund_fee_percent)

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=None):
        """A translation of the terms is checked as the terms are: it is what the member reads and signs."""
        result = super()._update_field_translations(field_name, translations, digest=digest, source_lang=source_lang)
        if field_name == "terms":
            self._check_void_terms()
        return result

    @api.model
    def _clinic_check_void_terms(self, texts, refund_fee_percent=0.0):
        """Refuse terms (``texts``: HTML or plain, one per language) or a refund fee that art. 9 holds void."""
        if float_compare(refund_fee_percent or 0.0, 100.0, precision_digits=2) >= 0:
            raise ValidationError(
                self.env._(
                    "This term is void under 法释〔2025〕4号 art. 9 (1): a refund fee of %s%% keeps the whole "
                    "prepayment and excludes the member's right to a refund.",
                    refund_fee_percent,
                )
            )
        for text in texts:
            for clause, words in find_void_clauses(text):
                raise ValidationError(self._void_clause_message(clause, words))

    @api.model
    def _void_clause_message(self, clause, words):
        messages = {
            "refund": self.env._(
                "This term is void under 法释〔2025〕4号 art. 9 (1): it excludes the member's right to end the "
                "contract or to a refund (“%s”).",
                words,
            ),
            "transfer": self.env._(
                "This term is void under 法释〔2025〕4号 art. 9 (2): it forbids or unreasonably limits handing the "
                "contract over to someone else (“%s”).",
                words,
            ),
            "lost_card": self.env._(
                "This term is void under 法释〔2025〕4号 art. 9 (3): a lost named card must be reported lost and "
                "reissued (“%s”).",
                words,
            ),
            "unilateral": self.env._(
                "This term is void under 法释〔2025〕4号 art. 9 (4): it lets the clinic alone change the prices, "
                "services or quantities agreed (“%s”).",
                words,
            ),
            "liability": self.env._(
                "This term is void under 法释〔2025〕4号 art. 9 (5): it frees the clinic from its liability for its "
                "services or for the member's losses (“%s”).",
                words,
            ),
            "interpretation": self.env._(
                "This term is void under 法释〔2025〕4号 arts. 8 and 9 (7): an unclear term is read in the member's "
                "favour, the clinic cannot keep the final interpretation for itself (“%s”).",
                words,
            ),
        }
        return messages[clause]

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
