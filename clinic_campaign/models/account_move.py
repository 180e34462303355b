from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    clinic_followup_task_ids = fields.One2many("clinic.followup.task", "move_id", string="Follow-ups")

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._clinic_schedule_followups()
        self.env["resource.booking"]._clinic_attend_from_invoices(posted)
        return posted

    def button_draft(self):
        result = super().button_draft()
        self._clinic_cancel_followups()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._clinic_cancel_followups()
        return result

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        self._clinic_reward_referrals()
        return result

    # ------------------------------------------------------------------ follow-up plans

    def _clinic_procedure_plans(self):
        self.ensure_one()
        templates = self.invoice_line_ids.product_id.product_tmpl_id.filtered("clinic_is_procedure")
        return templates.clinic_followup_plan_id.filtered("active")

    def _clinic_schedule_followups(self):
        """Schedule the follow-up plan of each procedure invoiced, once per invoice and plan."""
        Task = self.env["clinic.followup.task"].sudo()
        for move in self.filtered(lambda m: m.move_type == "out_invoice"):
            for plan in move._clinic_procedure_plans():
                Task._clinic_schedule(plan, move)

    def _clinic_cancel_followups(self):
        self.sudo().clinic_followup_task_ids.filtered(lambda t: t.state == "planned")._clinic_cancel()

    # ------------------------------------------------------------------ referral

    def _clinic_reward_referrals(self):
        """The referrer of a member earns the referral bonus when the member's first invoice is paid."""
        Campaign = self.env["utm.campaign"].sudo()
        for move in self.filtered(lambda m: m.move_type == "out_invoice"):
            referee = move._clinic_member()
            referrer = referee.referred_by_id.commercial_partner_id if referee else None
            if not referrer or not referrer.is_member:
                continue
            if move._clinic_referee_paid_before(referee):
                continue
            date = move.invoice_date or fields.Date.context_today(self)
            if (
                self.env["clinic.campaign.grant"]
                .sudo()
                .search_count([("clinic_campaign_type", "=", "referral"), ("referee_id", "=", referee.id)], limit=1)
            ):
                continue
            running = Campaign._clinic_running(["referral"], date)
            campaign = running.filtered(lambda c, referrer=referrer: c._clinic_targets(referrer))[:1]
            if not campaign:
                continue
            campaign._clinic_lock()
            campaign._clinic_grant(
                referrer,
                f"referee-{referee.id}",
                date=date,
                referee=referee,
                source_ref=self.env._("Referral of %(member)s (%(invoice)s)", member=referee.name, invoice=move.name),
            )

    def _clinic_referee_paid_before(self, referee):
        return bool(
            self.sudo().search_count(
                [
                    ("id", "!=", self.id),
                    ("commercial_partner_id", "=", referee.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("paid", "in_payment")),
                ],
                limit=1,
            )
        )
