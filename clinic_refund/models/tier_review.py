from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import clean_context


class TierReview(models.Model):
    _inherit = "tier.review"

    @api.model
    def _clinic_guarded_model(self, model_name):
        model = self.env.registry.get(model_name or "")
        return bool(model and getattr(model, "_clinic_guarded_reviews", False))

    def _clinic_guarded(self):
        return self.filtered(lambda review: self._clinic_guarded_model(review.model))

    def _clinic_refuse(self):
        raise AccessError(
            self.env._("The approvals of a refund only change when a reviewer of its current step approves or rejects.")
        )

    @api.model_create_multi
    def create(self, vals_list):
        """A refund's reviews are created by its submission (privilege raised), never by a user, and
        never with a client's ``default_status`` or other defaults."""
        if not any(self._clinic_guarded_model(vals.get("model")) for vals in vals_list):
            return super().create(vals_list)
        if not self.env.su:
            self._clinic_refuse()
        return super(TierReview, self.with_env(self.env(context=clean_context(self.env.context)))).create(vals_list)

    def write(self, vals):
        if not self.env.su and "model" in vals and self._clinic_guarded_model(vals["model"]):
            self._clinic_refuse()
        guarded = self._clinic_guarded()
        if guarded and not self.env.su and not guarded._clinic_user_may_write(vals):
            self._clinic_refuse()
        return super().write(vals)

    def _clinic_user_may_write(self, vals):
        """Outside the workflow: a reviewer's comment on an open review of theirs, and the system's own
        move of the current step from waiting to pending (tier.review._compute_can_review)."""
        if set(vals) == {"comment"}:
            return all(r.status in ("waiting", "pending") and self.env.user in r.reviewer_ids for r in self)
        if vals == {"status": "pending"}:
            return all(r.status == "waiting" and r._clinic_is_current_step() for r in self)
        return False

    def _clinic_is_current_step(self):
        self.ensure_one()
        record = self.env[self.model].sudo().browse(self.res_id)
        open_reviews = record.review_ids.filtered(lambda r: r.status in ("waiting", "pending"))
        return self.sequence == min(open_reviews.mapped("sequence"), default=self.sequence)

    @api.depends("reviewer_ids")
    def _compute_todo_by(self):
        """The clinic's reviews name the role that approves (诊所经理), in words the suite translates."""
        guarded = self._clinic_guarded()
        result = super(TierReview, self - guarded)._compute_todo_by()
        for review in guarded:
            if review.reviewer_group_id:
                review.todo_by = review.reviewer_group_id.name
            elif len(review.reviewer_ids) > 3:
                review.todo_by = self.env._(
                    "%(users)s and %(count)s more",
                    users=", ".join(review.reviewer_ids[:3].mapped("display_name")),
                    count=len(review.reviewer_ids) - 3,
                )
            else:
                review.todo_by = ", ".join(review.reviewer_ids.mapped("display_name"))
        return result

    def _notify_review_reminder_body(self):
        if not self._clinic_guarded():
            return super()._notify_review_reminder_body()
        days = (fields.Datetime.now() - self.create_date).days
        return self.env._("Approval asked for %s days ago and still waiting.", days)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_by_workflow(self):
        if not self.env.su and self._clinic_guarded():
            self._clinic_refuse()
