from odoo import fields, models


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "clinic.guarded.mixin"]

    clinic_points_cost = fields.Integer(
        string="Gift for Points", help="Points a member redeems for one unit of this gift (0: not a gift)."
    )

    _sql_constraints = [
        (
            "clinic_points_cost_positive",
            "CHECK(clinic_points_cost >= 0)",
            "A gift cannot cost negative points.",
        ),
    ]
