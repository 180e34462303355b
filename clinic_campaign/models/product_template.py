from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "clinic.guarded.mixin"]

    clinic_is_procedure = fields.Boolean(
        string="Procedure", help="A treatment or surgery after which the patient is followed up (术后回访)."
    )
    clinic_followup_plan_id = fields.Many2one(
        "clinic.followup.plan",
        string="Follow-up Plan",
        help="Scheduled for the member and the consultant when an invoice of this procedure is posted.",
    )

    @api.constrains("clinic_is_procedure", "clinic_followup_plan_id")
    def _check_clinic_followup_plan(self):
        for template in self:
            if template.clinic_followup_plan_id and not template.clinic_is_procedure:
                raise ValidationError(
                    self.env._("%(product)s has a follow-up plan: flag it as a procedure.", product=template.name)
                )
