from odoo import models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """A request that still meets a concurrent update after Odoo's retries (two desks spending
        one wallet, a cron granting the member being served) says so in words: nothing was saved,
        try again. Never a database error on the user's screen."""
        if isinstance(exception, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
            busy = UserError(
                request.env._(
                    "Someone else was changing the same records at this very moment, so nothing was saved: "
                    "please try again."
                )
            )
            busy.__cause__ = exception
            return super()._handle_error(busy)
        return super()._handle_error(exception)

    def session_info(self):
        """Clinic staff land on their own work, not on Discuss (a home action set on a user wins)."""
        info = super().session_info()
        user = self.env.user
        if not info.get("home_action_id") and info.get("is_internal_user"):
            xmlid = user._clinic_home_action_xmlid()
            action = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None
            if action:
                info["home_action_id"] = action.id
        return info
