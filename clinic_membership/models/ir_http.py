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
