from markupsafe import Markup

from odoo import api, models


class ClinicTierValidation(models.AbstractModel):
    """OCA's tier validation as the clinic's approval screens show it.

    base_tier_validation composes its banner, its next-step line and its chatter messages in Python,
    where only its own translation file applies, and that file leaves them in English for zh_CN.
    The clinic's documents say them in the suite's words, translated with the suite; the view terms
    of base_tier_validation come from clinic_refund/i18n_extra."""

    _name = "clinic.tier.validation"
    _inherit = ["tier.validation"]
    _description = "Clinic Approval"

    def _get_to_validate_message(self):
        return Markup('<i class="fa fa-info-circle"></i> %s') % self.env._(
            "This %s needs to be approved.", self._get_to_validate_message_name()
        )

    def _get_validated_message(self):
        if self.validation_status != "validated":
            return ""
        return Markup('<i class="fa fa-thumbs-up"></i> %s') % self.env._("Approved.")

    def _get_rejected_message(self):
        if self.validation_status != "rejected":
            return ""
        return Markup('<i class="fa fa-thumbs-down"></i> %s') % self.env._("Rejected.")

    @api.depends("review_ids.status", "review_ids.sequence")
    def _compute_next_review(self):
        for record in self:
            review = record.review_ids.sorted("sequence").filtered(lambda r: r.status == "pending")[:1]
            record.next_review = review and self.env._("Next approval: %s", review.name or "")

    def _notify_accepted_reviews_body(self):
        comment = self._clinic_reviewer_comment()
        if comment:
            return self.env._("%(user)s approved: %(comment)s", user=self.env.user.name, comment=comment)
        return self.env._("%s approved.", self.env.user.name)

    def _notify_rejected_review_body(self):
        comment = self._clinic_reviewer_comment()
        if comment:
            return self.env._("%(user)s rejected: %(comment)s", user=self.env.user.name, comment=comment)
        return self.env._("%s rejected.", self.env.user.name)

    def _notify_created_review_body(self):
        return self.env._("%s submitted it for approval.", self.env.user.name)

    def _notify_requested_review_body(self):
        return self.env._("%s asked for approval.", self.env.user.name)

    def _notify_restarted_review_body(self):
        return self.env._("%s restarted the approval.", self.env.user.name)

    def _clinic_reviewer_comment(self):
        reviews = self.review_ids.filtered(lambda r: self.env.user in r.reviewer_ids and r.comment)
        return reviews[:1].comment
