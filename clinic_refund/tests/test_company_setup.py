from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import StoredValueCase


@tagged("post_install", "-at_install")
class TestCompanySetup(StoredValueCase):
    def test_chinese_chart_gets_journal_and_accounts(self):
        company = self.company
        self.assertEqual(company.chart_template, "cn")
        self.assertTrue(self.liability.code.startswith("2203"))
        self.assertEqual(self.liability.account_type, "liability_current")
        self.assertTrue(self.liability.reconcile)
        self.assertTrue(company.clinic_stored_value_bonus_account_id.code.startswith("6601"))
        self.assertTrue(company.clinic_stored_value_fee_account_id.code.startswith("6051"))
        self.assertTrue(company.clinic_stored_value_forfeit_account_id.code.startswith("6301"))
        self.assertEqual(company.clinic_stored_value_journal_id.type, "general")
        journal = company.clinic_stored_value_journal_id
        company._clinic_setup_stored_value_accounting()
        self.assertEqual(company.clinic_stored_value_journal_id, journal, "idempotent")

    def test_new_company_with_a_chart_is_set_up(self):
        branch = self.env["res.company"].create(
            {"name": "上海分院", "country_id": self.env.ref("base.cn").id, "currency_id": self.currency.id}
        )
        self.assertFalse(branch.clinic_stored_value_account_id)
        self.env["account.chart.template"].try_loading("cn", company=branch, install_demo=False)
        self.assertTrue(branch.clinic_stored_value_journal_id)
        self.assertEqual(branch.clinic_stored_value_account_id.company_ids, branch)
        self.assertTrue(branch.clinic_stored_value_account_id.with_company(branch).code.startswith("2203"))

    def test_administrator_without_clinic_rights_sets_up_a_company_and_credits_an_invoice(self):
        """Odoo's own accounting as account's tests do it (./clinic peers): an administrator who is
        no clinic staff loads another company's chart and posts a credit note that gives nothing back."""
        admin = new_test_user(
            self.env, "plain_accounting_admin", groups="base.group_user,base.group_system,account.group_account_manager"
        )
        branch = self.env["res.company"].create(
            {"name": "杭州分院", "country_id": self.env.ref("base.cn").id, "currency_id": self.currency.id}
        )
        admin.company_ids |= branch
        contracts = self.env["clinic.prepaid.contract"].search_count([])
        self.env["account.chart.template"].with_user(admin).try_loading("cn", company=branch, install_demo=False)
        self.assertTrue(branch.clinic_stored_value_journal_id)
        self.assertEqual(self.env["clinic.prepaid.contract"].search_count([]), contracts, "no demo contracts")
        invoice = self.create_invoice(500.0)
        reversal = (
            self.env["account.move.reversal"]
            .with_user(admin)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "wrong treatment"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.with_user(admin).action_post()
        self.assertEqual((credit_note.state, credit_note.amount_total), ("posted", 500.0))
        self.assertFalse(credit_note.clinic_stored_value_move_ids)

    def test_company_without_chart_explains_what_is_missing(self):
        bare = self.env["res.company"].create({"name": "No chart", "currency_id": self.currency.id})
        bare._clinic_setup_stored_value_accounting()
        self.assertFalse(bare.clinic_stored_value_journal_id)
        with self.assertRaisesRegex(UserError, "not configured"):
            bare._clinic_check_stored_value_accounting()

    def test_settings_edit_the_accounts(self):
        other = self.liability.copy({"code": "220399", "name": "Contract liabilities - cards"})
        form = Form(self.env["res.config.settings"])
        self.assertEqual(form.clinic_stored_value_account_id, self.liability)
        form.clinic_stored_value_account_id = other
        form.save().execute()
        self.assertEqual(self.company.clinic_stored_value_account_id, other)
        self.company.clinic_stored_value_account_id = self.liability

    def test_the_cash_journal_reads_chinese_at_a_chinese_desk(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env.company._clinic_setup_stored_value_accounting()
        cash = self.env["account.journal"].search(
            [("company_id", "=", self.env.company.id), ("type", "=", "cash")], limit=1
        )
        self.assertEqual(cash.with_context(lang="zh_CN").name, "现金")
        self.assertNotEqual(cash.with_context(lang="en_US").name, "现金", "English screens keep their name")
