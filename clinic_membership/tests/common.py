from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user


def pause_clinic_campaigns(env):
    """Campaign addons add points of their own (welcome gifts, multipliers) when their demo
    campaigns run; these tests measure the membership rules alone."""
    Campaign = env["utm.campaign"]
    if "clinic_campaign_type" in Campaign._fields:
        Campaign.search([("clinic_campaign_type", "!=", False)]).active = False


def activate_zh_cn(env):
    """zh_CN active, with the terms of every installed module (``./clinic test`` loads them when it
    creates its database; a database without them gets them here, which takes a minute)."""
    Lang = env["res.lang"].with_context(active_test=False)
    if not Lang.search([("code", "=", "zh_CN"), ("active", "=", True)]):
        Lang._activate_lang("zh_CN")
        env["ir.module.module"].search([("state", "=", "installed")])._update_translations("zh_CN")


class ClinicMembershipCase(TransactionCase):
    """A company with the default tier ladder (Regular 0 / Silver 10,000 / Gold 50,000 / Diamond 200,000),
    staff users, a tax-free treatment product and helpers to invoice members."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_create_nolog=True))
        cls.company = cls.env.company
        cls.company.write(
            {
                "clinic_spend_window": "lifetime",
                "clinic_upgrade_trigger": "posted",
                "clinic_points_validity_months": 24,
                "clinic_point_value": 0.01,
                "clinic_upgrade_mail": True,
            }
        )
        cls.currency = cls.company.currency_id
        pause_clinic_campaigns(cls.env)
        cls.tier_regular = cls.env.ref("clinic_membership.tier_regular")
        cls.tier_silver = cls.env.ref("clinic_membership.tier_silver")
        cls.tier_gold = cls.env.ref("clinic_membership.tier_gold")
        cls.tier_diamond = cls.env.ref("clinic_membership.tier_diamond")
        cls.frontdesk = new_test_user(
            cls.env,
            "clinic_frontdesk",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_user,"
            "account.group_account_invoice",
        )
        cls.manager = new_test_user(
            cls.env,
            "clinic_manager",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_manager,"
            "account.group_account_invoice",
        )
        cls.treatment = cls.env["product.product"].create(
            {"name": "Test treatment", "type": "service", "list_price": 1000, "taxes_id": [Command.clear()]}
        )
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )

    @classmethod
    def create_member(cls, name="会员 Test", **vals):
        partner = cls.env["res.partner"].create({"name": name, "email": "member@example.com", **vals})
        cls.flush_tracking()  # as if the contact had been saved before: its changes are tracked
        partner.action_enrol_member()
        return partner

    @classmethod
    def create_invoice(cls, partner, amount, *, post=True, date=None, move_type="out_invoice", taxes=None):
        invoice = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "journal_id": cls.journal.id,
                "invoice_date": date or fields.Date.context_today(cls.env.user),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.treatment.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.set(taxes.ids)] if taxes else [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def credit_note(cls, invoice, amount=None):
        """Reverse ``invoice`` (in full, or a partial credit note of ``amount``) and post the credit note."""
        wizard = (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "test"})
        )
        action = wizard.refund_moves()
        refund = cls.env["account.move"].browse(action["res_id"])
        if amount is not None:
            refund.invoice_line_ids[0].price_unit = amount
        refund.action_post()
        return refund

    def last_change(self, partner):
        return partner.tier_change_ids.sorted("id")[-1:]

    @classmethod
    def flush_tracking(cls):
        """Tracking messages are written when the transaction commits; tests never commit."""
        cls.env.flush_all()
        cls.cr.precommit.run()

    def ledger_sum(self, partner):
        return sum(self.env["clinic.points.move"].search([("partner_id", "=", partner.id)]).mapped("points"))

    def assertBalanceIsLedger(self, partner, expected):
        partner.invalidate_recordset(["points_balance"])
        self.assertEqual(partner.points_balance, expected)
        self.assertEqual(self.ledger_sum(partner), expected)
