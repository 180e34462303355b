from odoo import api, models
from odoo.exceptions import AccessError, UserError

# What a ledger keeps of its caller's context: a client's other keys (default values, switches of
# Odoo's own checks such as check_move_validity) never reach the rows, payments and entries recorded.
KEPT_CONTEXT_KEYS = ("lang", "tz", "allowed_company_ids", "active_test")


class ClinicLedgerMixin(models.AbstractModel):
    """Rows of a ledger (stored value, points, lot allocations, tier changes, campaign grants).

    Clinic roles read them (their ACLs are read-only). A row is created only by its ledger's owner
    method, which raises privilege with ``_sudo_for_recording()`` and says why; nobody writes or
    deletes a row, the superuser included: a correction is a new row (a reversal, an adjustment).
    """

    _name = "clinic.ledger.mixin"
    _description = "Clinic ledger row"

    @api.model
    def _sudo_for_recording(self):
        """This ledger with privilege raised to record rows, and only the caller's language, time zone
        and companies kept of her context."""
        context = {key: self.env.context[key] for key in KEPT_CONTEXT_KEYS if key in self.env.context}
        return self.with_env(self.env(context=context, su=True))

    @api.model
    def _check_recording(self):
        """Rows are recorded by the application (privilege raised), never by a user's call."""
        if not self.env.su:
            raise AccessError(
                self.env._("%s rows are recorded by the clinic's own operations, never directly.", self._description)
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_recording()
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(
                self.env._(
                    "%s rows are final once recorded: a correction is a new row (a reversal or an adjustment).",
                    self._description,
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("%s rows are final once recorded: they are never deleted.", self._description))
