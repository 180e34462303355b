from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL


class ClinicBenefitMove(models.Model):
    """One immutable row of a member's benefit ledger: a service used free under her tier's benefit
    (positive), or given back (negative: a credit note, an invoice reset to draft or cancelled).

    What is left of a benefit is computed from these rows (``res.partner._clinic_benefit_balances``),
    never stored. A row counts against the period of its ``date``: the day of the use, which the
    reversals of a use keep.
    """

    _name = "clinic.benefit.move"
    _inherit = ["clinic.ledger.mixin", "clinic.guarded.mixin"]
    _description = "Benefit Ledger Entry"
    _order = "date desc, id desc"
    _clinic_user_fields = ()

    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="restrict", index=True)
    benefit_id = fields.Many2one("clinic.membership.benefit", required=True, ondelete="restrict", index=True)
    product_id = fields.Many2one("product.product", string="Service", required=True, ondelete="restrict")
    quantity = fields.Integer(required=True, help="Signed: positive for a use, negative for a use given back.")
    kind = fields.Selection([("use", "Use"), ("reversal", "Reversal")], required=True)
    date = fields.Date(required=True, index=True, help="The day of the use this row counts against.")
    period_start = fields.Date(help="First day of the benefit's period holding the day of use.")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        ondelete="set null",
        index="btree_not_null",
        help="The invoice or credit note line this row comes from.",
    )
    move_id = fields.Many2one("account.move", string="Document", ondelete="set null", index="btree_not_null")
    reversed_id = fields.Many2one("clinic.benefit.move", string="Reverses", ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, index=True)

    _sql_constraints = [
        ("quantity_not_zero", "CHECK(quantity <> 0)", "A benefit ledger row needs a quantity other than zero."),
    ]

    # ------------------------------------------------------------------ creation

    @api.model
    def _clinic_record(self, vals_list):
        """Record benefit ledger rows: the one way a benefit is used or given back. Privilege is
        raised to record them: no user creates a row directly."""
        return self.browse(self._sudo_for_recording().create(vals_list).ids)

    @api.model_create_multi
    def create(self, vals_list):
        """Rows checked under the members' lock: a use never goes beyond what the member has left."""
        self._check_recording()
        self._clinic_check_values_list(vals_list)
        for vals in vals_list:
            self._check_new_row(vals)
        partners = self.env["res.partner"].browse({vals["partner_id"] for vals in vals_list})
        partners._clinic_lock_points()  # the member's row lock: her points and benefits wait for each other
        self._check_quota(vals_list)
        return super().create(vals_list)

    def _check_new_row(self, vals):
        quantity = vals.get("quantity")
        if not (vals.get("partner_id") and vals.get("benefit_id") and vals.get("product_id") and vals.get("date")):
            raise ValidationError(self.env._("A benefit ledger row needs a member, a benefit, a service and a date."))
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity == 0:
            raise ValidationError(self.env._("A benefit is used a whole number of times, other than zero."))
        if vals.get("kind") == "use" and quantity < 0:
            raise ValidationError(self.env._("A use of a benefit is a positive quantity."))
        benefit = self.env["clinic.membership.benefit"].browse(vals["benefit_id"]).with_context(active_test=False)
        if benefit.product_id.id != vals["product_id"]:
            raise ValidationError(
                self.env._("%(benefit)s gives %(product)s only.", benefit=benefit.name, product=benefit.product_id.name)
            )

    def _check_quota(self, vals_list):
        """Refuse a use beyond what the member has left in its period: the rows of the batch are added
        up in their order (a use given back earlier in the batch makes room for a later one)."""
        planned = defaultdict(int)
        quotas = {}
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals["partner_id"])
            product = self.env["product.product"].browse(vals["product_id"])
            day = fields.Date.to_date(vals["date"])
            quota = partner._clinic_benefit_quota(product, day)
            key = (partner.id, product.id, quota["period_start"])
            quota = quotas.setdefault(key, quota)
            planned[key] += vals["quantity"]
            if vals["quantity"] > 0 and planned[key] > quota["left"]:
                raise UserError(self._quota_message(partner, product, quota, planned[key]))

    def _quota_message(self, partner, product, quota, wanted):
        if not quota["benefit"]:
            return self.env._(
                "%(member)s's tier (%(tier)s) gives no %(product)s as a benefit: it cannot be given free.",
                member=partner.name,
                tier=quota["tier"].name or self.env._("none"),
                product=product.display_name,
            )
        return self.env._(
            "%(member)s has %(left)s of %(benefit)s left this period (%(quantity)s per period under her tier "
            "%(tier)s, %(used)s used): %(wanted)s cannot be given free. Charge the rest at her tier price.",
            member=partner.name,
            left=quota["left"],
            benefit=quota["benefit"].name,
            quantity=quota["quantity"],
            tier=quota["tier"].name,
            used=quota["used"],
            wanted=wanted,
        )

    # ------------------------------------------------------------------ reading

    @api.model
    def _used(self, partner, product, date_from, date_to):
        """How many times ``partner`` used ``product`` free between ``date_from`` and before ``date_to``,
        whichever benefit it was used under (uses less what was given back)."""
        self.flush_model(["partner_id", "product_id", "quantity", "date"])
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(SUM(quantity), 0) FROM clinic_benefit_move
                    WHERE partner_id = %s AND product_id = %s AND date >= %s AND date < %s""",
                partner.id,
                product.id,
                date_from,
                date_to,
            )
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------ invoices

    @api.model
    def _clinic_sync_documents(self, documents):
        """Make the benefit rows of each customer document match its state, whatever happened before.

        A posted invoice holds one use per benefit line (its quantity); a posted credit note gives
        back its benefit lines, at most what its invoice still holds; a document that is not posted
        holds nothing. Posting again after a reset never uses twice.
        """
        documents = documents.sudo().filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        documents |= documents.reversal_move_ids.filtered(lambda m: m.move_type == "out_refund")
        lines = documents.invoice_line_ids.filtered("clinic_benefit_id")
        if not lines:
            return self
        held = {
            line.id: quantity
            for line, quantity in self.sudo()._read_group(
                [("move_line_id", "in", lines.ids)], ["move_line_id"], ["quantity:sum"]
            )
        }
        planned = defaultdict(int)  # per (invoice, benefit): what this batch records for it
        vals_list = []
        for line in lines.sorted("id"):
            target = line._clinic_benefit_target(planned)
            delta = target - held.get(line.id, 0)
            if delta:
                vals_list.append(line._clinic_benefit_row_vals(delta))
                planned[line._clinic_benefit_key()] += delta
        return self._clinic_record(vals_list) if vals_list else self
