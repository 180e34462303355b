from odoo import api, models
from odoo.exceptions import UserError

# What decides where a journal item's money sits: on a posted item of the stored-value liability,
# changing any of these would make the GL disagree with the stored-value sub-ledger.
LEDGER_FIELDS = (
    "account_id",
    "partner_id",
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "currency_id",
    "move_id",
    "company_id",
)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _clinic_price_without_taxes(self, price):
        """The unit price to invoice so that, the line's taxes added, one unit costs ``price``
        (a package is sold tax included, as the member pays it)."""
        self.ensure_one()
        excluded = self.tax_ids.filtered(lambda tax: not tax.price_include)
        if not excluded:
            return price
        return excluded.with_context(force_price_include=True).compute_all(
            price, currency=self.currency_id, product=self.product_id, partner=self.partner_id
        )["total_excluded"]

    # ------------------------------------------------------------------ the GL side of stored value

    def _clinic_is_stored_value_liability(self, account=None):
        """Whether this item sits (or would sit, on ``account``) on its company's stored-value liability."""
        self.ensure_one()
        liability = self.company_id.sudo().clinic_stored_value_account_id
        return bool(liability) and (account or self.account_id) == liability

    def _clinic_check_stored_value_items(self, vals):
        """Posted items of the stored-value liability never change, whoever asks (corrections are new
        rows of the ledger, with their own entries).

        Without this, a user with invoicing rights could move a posted top-up to another member or
        account, or move a posted invoice line onto the liability: the GL would no longer equal the
        sub-ledger, whatever the rows say.
        """
        if not set(vals) & set(LEDGER_FIELDS):
            return
        account = self.env["account.account"].browse(vals["account_id"]) if vals.get("account_id") else None
        for line in self.filtered(lambda item: item.parent_state == "posted"):
            changed = [
                name
                for name in LEDGER_FIELDS
                if name in vals and self.env["account.move"]._field_will_change(line, vals, name)
            ]
            if changed and (
                line._clinic_is_stored_value_liability() or line._clinic_is_stored_value_liability(account)
            ):
                line._clinic_refuse_stored_value_change()

    def _clinic_refuse_stored_value_change(self):
        raise UserError(
            self.env._(
                "Journal item %(item)s of %(entry)s is on the stored-value liability account: posted, it "
                "only changes through the stored-value flows (a reversal, a refund or a manager's "
                "adjustment), so that the general ledger always equals the stored-value journal.",
                item=self.display_name,
                entry=self.move_id.display_name,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        for line in lines.filtered(lambda item: item.parent_state == "posted"):
            if line._clinic_is_stored_value_liability():
                line._clinic_refuse_stored_value_change()
        return lines

    def write(self, vals):
        self._clinic_check_stored_value_items(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_stored_value_liability(self):
        for line in self.filtered(lambda item: item.parent_state == "posted"):
            if line._clinic_is_stored_value_liability():
                line._clinic_refuse_stored_value_change()
