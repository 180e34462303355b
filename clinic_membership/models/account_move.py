import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_is_zero, float_round
from odoo.tools.misc import formatLang

from ..tools.protected import check_protected_fields

# What makes a points discount line worth its points: only its redemption flow sets them.
DISCOUNT_LINE_FIELDS = {"price_unit", "quantity", "discount", "product_id", "tax_ids", "move_id", "display_type"}
# What only the application records on an invoice line: the member benefit it gives free.
LINE_PROTECTED_FIELDS = ("clinic_benefit_id",)


class AccountMove(models.Model):
    _inherit = "account.move"

    clinic_points_move_ids = fields.One2many("clinic.points.move", "source_move_id", string="Points Earned")
    clinic_points_redeemed_ids = fields.One2many("clinic.points.move", "redeemed_on_move_id", string="Points Redeemed")
    clinic_points_earned = fields.Integer(compute="_compute_clinic_points", string="Points")
    clinic_points_redeemed = fields.Integer(compute="_compute_clinic_points", string="Points Used")

    @api.depends("clinic_points_move_ids.points", "clinic_points_redeemed_ids.points")
    def _compute_clinic_points(self):
        for move in self:
            move.clinic_points_earned = sum(move.clinic_points_move_ids.mapped("points"))
            move.clinic_points_redeemed = -sum(move.clinic_points_redeemed_ids.mapped("points"))

    # ------------------------------------------------------------------ hooks

    def _post(self, soft=True):
        self._clinic_check_points_discounts()
        self._clinic_check_benefit_lines()
        posted = super()._post(soft)
        posted._clinic_sync_points()
        self.env["clinic.benefit.move"]._clinic_sync_documents(posted)
        evaluated = posted._clinic_upgrade_members("posted")  # the evaluation stores their spend too
        (posted - evaluated)._clinic_refresh_member_spend()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self._clinic_sync_points()
        self.env["clinic.benefit.move"]._clinic_sync_documents(self)
        self._clinic_refresh_member_spend()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._clinic_sync_points()
        self.env["clinic.benefit.move"]._clinic_sync_documents(self)
        self._clinic_release_points_discounts()
        self._clinic_refresh_member_spend()
        return result

    def unlink(self):
        self._clinic_restore_redeemed_points()
        return super().unlink()

    def copy_data(self, default=None):
        """A copied invoice does not copy a points discount (its points were spent on the original) nor a
        benefit line (the checkout gives a benefit where the member has some left)."""
        vals_list = super().copy_data(default)
        if (default or {}).get("reversed_entry_id"):
            return vals_list  # a credit note mirrors its invoice, discount and benefits included
        for move, vals in zip(self, vals_list, strict=True):
            if move.move_type == "out_invoice" and vals.get("line_ids"):
                vals["line_ids"] = move._clinic_without_benefit_lines(vals["line_ids"])
            product = move.company_id.clinic_points_discount_product_id
            if move.move_type == "out_invoice" and product and vals.get("line_ids"):
                vals["line_ids"] = [
                    command
                    for command in vals["line_ids"]
                    if not (
                        len(command) == 3
                        and isinstance(command[2], dict)
                        and command[2].get("product_id") == product.id
                    )
                ]
        return vals_list

    def copy(self, default=None):
        """A credit note's copy of a benefit line gives the benefit back (marked here, privilege raised:
        the mark is never taken from a client's values)."""
        copies = super().copy(default)
        for origin, copy in zip(self, copies, strict=True):
            if copy.move_type == "out_refund" and copy.reversed_entry_id == origin:
                origin._clinic_mark_benefit_copy(copy)
        return copies

    def _clinic_without_benefit_lines(self, commands):
        """The line commands of a copy of this invoice (one per line, in the order of their ids) without
        those of its benefit lines."""
        lines = self.line_ids.sorted("id")
        benefit_lines = lines.sudo().filtered("clinic_benefit_id")
        if not benefit_lines or len(commands) != len(lines):
            return commands
        return [command for command, line in zip(commands, lines, strict=True) if line not in benefit_lines]

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        self._clinic_upgrade_members("paid")
        return result

    # ------------------------------------------------------------------ points earned

    def _clinic_member(self):
        """The member behind a customer invoice or credit note of the member's own company."""
        self.ensure_one()
        partner = self.commercial_partner_id
        if (
            self.move_type in ("out_invoice", "out_refund")
            and partner.is_member
            and partner.member_company_id == self.company_id
        ):
            return partner
        return self.env["res.partner"]

    def _clinic_sync_points(self):
        """Make the points of each document match its state, whatever happened before.

        A posted document holds its earning (or claw-back) once; a document that is not
        posted holds none. Posting again after a reset never earns twice. In batch: the points
        held are read in one query, multipliers resolved once per date, and the earnings, the
        claw-backs and the reversals each recorded in one ``create``.
        """
        documents = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if not documents:
            return
        Points = self.env["clinic.points.move"]
        held = dict(
            Points.sudo()._read_group([("source_move_id", "in", documents.ids)], ["source_move_id"], ["points:sum"])
        )
        posted = documents.filtered(lambda m: m.state == "posted" and not held.get(m))
        unposted = documents.filtered(lambda m: m.state != "posted" and held.get(m))
        earn_vals = posted.filtered(lambda m: m.move_type == "out_invoice")._clinic_earn_vals_batch()
        if earn_vals:
            Points._clinic_record(earn_vals)
        clawback_vals = [
            vals for move in posted if move.move_type == "out_refund" if (vals := move._clinic_clawback_vals())
        ]
        if clawback_vals:
            Points._clinic_record(clawback_vals)
        if unposted:
            Points._clinic_record([move._clinic_unpost_points_vals(held[move]) for move in unposted])

    def _clinic_unpost_points_vals(self, current):
        """The row that takes back the ``current`` points of a document reset to draft or cancelled."""
        earnings = self.sudo().clinic_points_move_ids
        return {
            "partner_id": earnings[0].partner_id.id,
            "company_id": self.company_id.id,
            "move_type": "reversal",
            "points": -current,
            "source_move_id": self.id,
            "reversed_move_id": earnings.filtered(lambda m: m.move_type == "earn")[-1:].id,
            "campaign_id": earnings.campaign_id[:1].id,
            "lot_id": earnings.filtered(lambda m: m.points > 0)[-1:].id,
            "source_ref": self.env._("%s reset to draft or cancelled", self.name),
        }

    def _clinic_earn_vals_batch(self):
        """Earning rows of these customer invoices of members (multipliers resolved in one batch)."""
        invoices = [(move, member) for move in self if (member := move._clinic_member()) and member.tier_id]
        dates = [move.invoice_date or fields.Date.context_today(move) for move, _member in invoices]
        multipliers = self.env["clinic.points.move"]._get_earn_multipliers(
            [(member, date) for (_move, member), date in zip(invoices, dates, strict=True)]
        )
        vals_list = []
        for (move, member), date, (multiplier, campaign) in zip(invoices, dates, multipliers, strict=True):
            raw = move.amount_untaxed_signed * member.tier_id.points_per_unit * multiplier
            points = math.floor(float_round(raw, precision_digits=6))
            if points > 0:
                vals_list.append(
                    {
                        "partner_id": member.id,
                        "company_id": move.company_id.id,
                        "date": date,
                        "move_type": "earn",
                        "points": points,
                        "source_move_id": move.id,
                        "campaign_id": campaign.id,
                        "source_ref": move.name,
                    }
                )
        return vals_list

    def _clinic_clawback_vals(self):
        """A credit note claws back the points its invoice earned, in proportion (all of them when full)."""
        origin = self.reversed_entry_id
        if not origin or origin.move_type != "out_invoice":
            return None
        earned_rows = origin.sudo().clinic_points_move_ids
        left = sum(earned_rows.mapped("points")) + sum(
            origin.reversal_move_ids.filtered(lambda m: m != self).sudo().clinic_points_move_ids.mapped("points")
        )
        if left <= 0 or not origin.amount_untaxed_signed:
            return None
        earned = sum(earned_rows.filtered(lambda m: m.points > 0).mapped("points"))
        share = abs(self.amount_untaxed_signed) / abs(origin.amount_untaxed_signed)
        points = min(left, round(earned * share))
        if points <= 0:
            return None
        earn = earned_rows.filtered(lambda m: m.move_type == "earn")[-1:]
        return {
            "partner_id": earn.partner_id.id or origin.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "date": self.invoice_date or fields.Date.context_today(self),
            "move_type": "reversal",
            "points": -points,
            "source_move_id": self.id,
            "reversed_move_id": earn.id,
            "lot_id": earn.id,
            "campaign_id": earn.campaign_id.id,
            "source_ref": self.name,
        }

    def _clinic_refresh_member_spend(self):
        """The members' qualifying spend follows every posted, reset or cancelled customer document
        at once (their tier waits for its own trigger or the periodic evaluation)."""
        documents = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        for company, moves in documents.grouped("company_id").items():
            members = moves.mapped(lambda m: m._clinic_member())
            if members:
                self.env["clinic.membership.tier"]._refresh_members_spend(company, members.ids)

    def _clinic_upgrade_members(self, trigger):
        invoices = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.company_id.clinic_upgrade_trigger == trigger
        )
        for company, moves in invoices.grouped("company_id").items():
            members = moves.mapped(lambda m: m._clinic_member())
            if members:
                self.env["clinic.membership.tier"]._evaluate_members(company, members.ids, allow_downgrade=False)
        return invoices

    # ------------------------------------------------------------------ member benefits

    def _clinic_add_benefit_line(self, product, quantity, sequence=None):
        """Give ``quantity`` of ``product`` free on this draft invoice under the member's tier benefit.

        The line names the benefit and carries it (a mark no user gives, written with privilege
        raised); posting the invoice records the use against her quota, under her lock.
        """
        self.ensure_one()
        member = self._clinic_member()
        if self.state != "draft" or self.move_type != "out_invoice" or not member:
            raise UserError(self.env._("A member benefit is given on a draft customer invoice of a member."))
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise ValidationError(self.env._("A benefit is given a whole number of times, above zero."))
        quota = member._clinic_benefit_quota(product, self.invoice_date or fields.Date.context_today(self))
        if quantity > quota["left"]:
            raise UserError(self.env["clinic.benefit.move"]._quota_message(member, product, quota, quantity))
        benefit = quota["benefit"]
        vals = {
            "product_id": product.id,
            "name": benefit._label(),
            "quantity": quantity,
            "price_unit": 0.0,
            "clinic_benefit_id": benefit.id,
        }
        if sequence is not None:
            vals["sequence"] = sequence
        self.sudo().write({"invoice_line_ids": [fields.Command.create(vals)]})
        return self.invoice_line_ids.filtered(lambda line: line.clinic_benefit_id == benefit)[-1:]

    def _clinic_check_benefit_lines(self):
        """A benefit line is its benefit's service, a whole number of times, free, on a member's invoice."""
        for move in self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund")):
            lines = move.sudo().invoice_line_ids.filtered("clinic_benefit_id")
            if not lines:
                continue
            for line in lines:
                benefit = line.clinic_benefit_id
                whole = float_is_zero(line.quantity - round(line.quantity), precision_digits=6)
                if (
                    line.product_id != benefit.product_id
                    or not whole
                    or line.quantity <= 0
                    or benefit.company_id != move.company_id
                    or (move.move_type == "out_invoice" and not move._clinic_member())
                    or (move.move_type == "out_invoice" and not move.currency_id.is_zero(line.price_total))
                ):
                    raise UserError(
                        self.env._(
                            "Line %(line)s of %(invoice)s gives %(benefit)s: it must be that benefit's service, "
                            "a whole number of times, free, on an invoice of a member of its clinic.",
                            line=line.name,
                            invoice=move.display_name,
                            benefit=benefit.name,
                        )
                    )

    def _clinic_mark_benefit_copy(self, copy):
        """Mark the lines of ``copy`` that copy a benefit line of this document (copied in line order)."""
        origins = self.sudo().invoice_line_ids.filtered(lambda line: line.display_type == "product")
        copies = copy.sudo().invoice_line_ids.filtered(lambda line: line.display_type == "product")
        if not origins.filtered("clinic_benefit_id") or len(origins) != len(copies):
            return
        for origin, line in zip(origins.sorted("id"), copies.sorted("id"), strict=True):
            if origin.clinic_benefit_id and origin.product_id == line.product_id:
                line.write({"clinic_benefit_id": origin.clinic_benefit_id.id})

    # ------------------------------------------------------------------ points redeemed

    def _clinic_add_points_discount(self, member, points):
        """Redeem ``points`` of ``member`` as a discount line on this draft invoice."""
        self.ensure_one()
        company = self.company_id
        if self.state != "draft" or self.move_type != "out_invoice":
            raise UserError(self.env._("Points can only be redeemed on a draft customer invoice."))
        if self.commercial_partner_id != member:
            raise UserError(
                self.env._(
                    "Invoice %(invoice)s is not addressed to %(member)s.",
                    invoice=self.name or self.env._("(draft)"),
                    member=member.name,
                )
            )
        if self.currency_id != company.currency_id:
            raise ValidationError(
                self.env._(
                    "The invoice is in %(invoice)s but points are worth %(company)s: "
                    "redeem them on an invoice in the company currency.",
                    invoice=self.currency_id.name,
                    company=company.currency_id.name,
                )
            )
        product = company.clinic_points_discount_product_id
        if not product:
            raise UserError(self.env._("Set the points discount product in the Clinic settings first."))
        discount = company.currency_id.round(points * company.clinic_point_value)
        if company.currency_id.compare_amounts(discount, self.amount_total) > 0:
            raise ValidationError(
                self.env._(
                    "A discount of %(discount)s is more than the invoice total %(total)s.",
                    discount=formatLang(self.env, discount, currency_obj=self.currency_id),
                    total=formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
                )
            )
        redemption = self.env["clinic.points.move"]._clinic_record(
            [
                {
                    "partner_id": member.id,
                    "company_id": company.id,
                    "move_type": "redeem",
                    "points": -points,
                    "discount_amount": discount,
                    "redeemed_on_move_id": self.id,
                    "source_ref": self.name if self.name and self.name != "/" else self.env._("Draft invoice"),
                }
            ]
        )
        self.sudo().write(
            {
                "invoice_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": product.id,
                            "name": self.env._("Points redeemed: %s", points),
                            "quantity": 1,
                            "price_unit": -discount,
                            "tax_ids": [fields.Command.clear()],
                            "clinic_points_redeem_id": redemption.id,
                        }
                    )
                ]
            }
        )
        return redemption

    def _clinic_active_redemptions(self):
        """Points redeemed on these invoices and not given back yet."""
        redeemed = self.sudo().clinic_points_redeemed_ids.filtered(lambda m: m.move_type == "redeem")
        given_back = self.env["clinic.points.move"].sudo().search([("reversed_move_id", "in", redeemed.ids)])
        return redeemed - given_back.reversed_move_id

    def _clinic_check_points_discounts(self):
        """A points discount is on an invoice exactly as long as its points are spent, for their value."""
        for invoice in self.filtered(lambda m: m.move_type == "out_invoice"):
            product = invoice.company_id.clinic_points_discount_product_id
            lines = invoice.invoice_line_ids.filtered(
                lambda line, p=product: line.clinic_points_redeem_id or (p and line.product_id == p)
            )
            redemptions = invoice._clinic_active_redemptions()
            currency = invoice.currency_id
            for line in lines:
                redemption = line.sudo().clinic_points_redeem_id
                if (
                    redemption not in redemptions
                    or currency.compare_amounts(line.price_total, -redemption.discount_amount)
                    or currency.compare_amounts(line.price_subtotal, -redemption.discount_amount)
                ):
                    raise UserError(
                        self.env._(
                            "Line %(line)s of %(invoice)s is a points discount that no redemption of points pays "
                            "for: remove it, and use Redeem Points to give a points discount.",
                            line=line.name,
                            invoice=invoice.display_name,
                        )
                    )
            if redemptions - lines.clinic_points_redeem_id:
                raise UserError(
                    self.env._(
                        "%s has points redeemed without their discount line: remove the redemption "
                        "(delete the invoice or cancel it) and redeem again.",
                        invoice.display_name,
                    )
                )

    def _clinic_release_points_discounts(self):
        """A cancelled invoice loses its points discount lines and gives their points back."""
        for move in self.filtered(lambda m: m.state == "cancel"):
            lines = move.invoice_line_ids.filtered("clinic_points_redeem_id")
            lines.sudo().with_context(check_move_validity=False).unlink()
            move._clinic_restore_redeemed_points()

    def _clinic_restore_redeemed_points(self):
        """A cancelled or deleted invoice gives back the points redeemed on it, once."""
        for move in self:
            move._clinic_active_redemptions()._reverse(source_ref=self.env._("Points back: %s cancelled", move.name))


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    clinic_points_redeem_id = fields.Many2one(
        "clinic.points.move", string="Points Redemption", readonly=True, copy=False, index="btree_not_null"
    )
    clinic_benefit_id = fields.Many2one(
        "clinic.membership.benefit",
        string="Member Benefit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The tier benefit this line gives free: posting the invoice uses it, a credit note gives it back.",
    )
    clinic_list_price = fields.Float(
        string="List Price",
        compute="_compute_clinic_list_price",
        digits="Product Price",
        help="The product's own sales price, before the member's tier price.",
    )

    @api.depends("product_id")
    def _compute_clinic_list_price(self):
        for line in self:
            line.clinic_list_price = line.product_id.lst_price if line.product_id else 0.0

    def _compute_price_unit(self):
        """A member's customer document takes its unit prices from the member's tier pricelist."""
        result = super()._compute_price_unit()
        for line in self:
            pricelist = line._clinic_tier_pricelist()
            if not pricelist:
                continue
            move = line.move_id
            price = pricelist._get_product_price(
                line.product_id, line.quantity or 1.0, date=move.invoice_date or fields.Date.context_today(line)
            )
            line.price_unit = line.product_id._get_tax_included_unit_price(
                move.company_id,
                move.currency_id,
                move.date,
                "sale",
                fiscal_position=move.fiscal_position_id,
                product_uom=line.product_uom_id,
                product_price_unit=price,
                product_currency=pricelist.currency_id,
            )
        return result

    def _clinic_tier_pricelist(self):
        """The tier pricelist that prices this line, if it is a product line of a member's sale document."""
        self.ensure_one()
        move = self.move_id
        if (
            not self.product_id
            or self.display_type != "product"
            or self.is_imported
            or self.clinic_points_redeem_id
            or move.move_type not in ("out_invoice", "out_refund")
        ):
            return self.env["product.pricelist"]
        member = move.commercial_partner_id
        if not member.is_member or member.member_company_id != move.company_id:
            return self.env["product.pricelist"]
        return member.tier_id.pricelist_id

    def write(self, vals):
        check_protected_fields(self, vals, LINE_PROTECTED_FIELDS)
        if not self.env.su and DISCOUNT_LINE_FIELDS & set(vals) and self.filtered("clinic_points_redeem_id"):
            raise UserError(
                self.env._("A points discount line is worth the points redeemed: remove it to give the points back.")
            )
        if "clinic_points_redeem_id" in vals and not self.env.su:
            raise UserError(self.env._("A points discount line comes from redeeming points."))
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, LINE_PROTECTED_FIELDS)
        if not self.env.su and any(vals.get("clinic_points_redeem_id") for vals in vals_list):
            raise UserError(self.env._("A points discount line comes from redeeming points."))
        return super().create(vals_list)

    # ------------------------------------------------------------------ member benefits

    def _clinic_benefit_key(self):
        """(invoice, benefit) whose use this line records or gives back."""
        move = self.move_id
        return (move.reversed_entry_id.id if move.move_type == "out_refund" else move.id), self.clinic_benefit_id.id

    def _clinic_benefit_target(self, planned):
        """What this benefit line should hold in the ledger given its document's state: its quantity
        on a posted invoice; on a posted credit note, minus what it gives back (at most what its
        invoice still holds, ``planned`` adding this batch's rows); nothing otherwise."""
        move = self.move_id
        if move.state != "posted":
            return 0
        quantity = round(self.quantity)
        if move.move_type == "out_invoice":
            return quantity
        origin = move.reversed_entry_id
        if not origin or origin.state != "posted":
            return 0
        rows = (
            self.env["clinic.benefit.move"]
            .sudo()
            .search(
                [
                    ("move_id", "in", (origin | origin.reversal_move_ids).ids),
                    ("benefit_id", "=", self.clinic_benefit_id.id),
                    ("move_line_id", "!=", self.id),
                ]
            )
        )
        held = sum(rows.mapped("quantity")) + planned[self._clinic_benefit_key()]
        return -min(quantity, max(held, 0))

    def _clinic_benefit_row_vals(self, delta):
        """The benefit ledger row that moves this line's holding by ``delta``: a use of a posted invoice,
        else a reversal, on the day of the use it reverses."""
        move = self.move_id
        benefit = self.clinic_benefit_id
        Rows = self.env["clinic.benefit.move"].sudo()
        kind = "use" if move.move_type == "out_invoice" and delta > 0 else "reversal"
        reversed_row = Rows.browse()
        if kind == "reversal" and (move.move_type == "out_invoice" or delta > 0):
            sign = ">" if move.move_type == "out_invoice" else "<"
            reversed_row = Rows.search(
                [("move_line_id", "=", self.id), ("quantity", sign, 0)], order="id desc", limit=1
            )
        elif kind == "reversal":
            reversed_row = Rows.search(
                [("move_id", "=", move.reversed_entry_id.id), ("benefit_id", "=", benefit.id), ("kind", "=", "use")],
                order="id desc",
                limit=1,
            )
        origin = move.reversed_entry_id or move
        day = reversed_row.date or origin.invoice_date or fields.Date.context_today(self)
        return {
            "partner_id": reversed_row.partner_id.id or move.commercial_partner_id.id,
            "benefit_id": benefit.id,
            "product_id": benefit.product_id.id,
            "quantity": delta,
            "kind": kind,
            "date": day,
            "period_start": benefit._period_bounds(day)[0],
            "move_line_id": self.id,
            "move_id": move.id,
            "reversed_id": reversed_row.id,
            "company_id": move.company_id.id,
        }

    def unlink(self):
        """Removing a points discount line gives its points back."""
        redemptions = self.sudo().clinic_points_redeem_id
        invoices = self.move_id
        result = super().unlink()
        for invoice in invoices:
            given_back = invoice._clinic_active_redemptions() & redemptions
            given_back._reverse(source_ref=self.env._("Points back: discount removed from %s", invoice.name or "/"))
        return result
