from odoo import fields, models


class ClinicFollowupPlan(models.Model):
    """A post-treatment follow-up plan (术后回访): steps scheduled after a procedure is invoiced."""

    _name = "clinic.followup.plan"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Follow-up Plan"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    description = fields.Text(translate=True)
    step_ids = fields.One2many("clinic.followup.step", "plan_id", string="Steps", copy=True)
    product_tmpl_ids = fields.One2many("product.template", "clinic_followup_plan_id", string="Procedures")
    task_ids = fields.One2many("clinic.followup.task", "plan_id", string="Scheduled Follow-ups")
    task_count = fields.Integer(compute="_compute_task_count", string="Follow-up Count")

    def _compute_task_count(self):
        counts = dict(
            self.env["clinic.followup.task"]._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"])
        )
        for plan in self:
            plan.task_count = counts.get(plan._origin, 0)

    def action_view_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_campaign.clinic_followup_task_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {}
        return action
