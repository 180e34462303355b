from odoo import fields, models
from odoo.exceptions import UserError

# (field, l10n_cn parent account, fallback account type, code start, English name, Chinese name, type)
STORED_VALUE_ACCOUNTS = [
    (
        "clinic_stored_value_account_id",
        "l10n_cn_2203",
        "liability_current",
        "220300",
        "Deposit Received - Stored Value Cards",
        "预收账款-储值卡",
        "liability_current",
    ),
    (
        "clinic_stored_value_bonus_account_id",
        "l10n_cn_common_660100",
        "expense",
        "660100",
        "Sales Expense - Stored Value Bonus",
        "销售费用-储值赠送",
        "expense",
    ),
    (
        "clinic_stored_value_fee_account_id",
        "l10n_cn_common_605100",
        "income_other",
        "605100",
        "Other Operating Income - Refund Fees",
        "其他业务收入-储值退款手续费",
        "income_other",
    ),
    (
        "clinic_stored_value_forfeit_account_id",
        "l10n_cn_common_630100",
        "income_other",
        "630100",
        "Non-Operating Income - Forfeited Stored Value",
        "营业外收入-储值没收",
        "income_other",
    ),
    (
        "clinic_refund_interest_account_id",
        "l10n_cn_common_660300",
        "expense",
        "660300",
        "Financial Expenses - Interest on Refunds",
        "财务费用-退款利息",
        "expense",
    ),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    clinic_stored_value_journal_id = fields.Many2one(
        "account.journal",
        string="Stored Value Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
    )
    clinic_stored_value_account_id = fields.Many2one(
        "account.account",
        string="Stored Value Liability Account",
        check_company=True,
        help="Partner-tagged liability for the prepaid principal (预收账款 / 合同负债).",
    )
    clinic_stored_value_bonus_account_id = fields.Many2one(
        "account.account",
        string="Stored Value Bonus Expense Account",
        check_company=True,
        help="Debited with the bonus part of a payment from stored value.",
    )
    clinic_stored_value_fee_account_id = fields.Many2one(
        "account.account", string="Refund Fee Income Account", check_company=True
    )
    clinic_stored_value_forfeit_account_id = fields.Many2one(
        "account.account", string="Forfeited Stored Value Revenue Account", check_company=True
    )
    clinic_refund_interest_account_id = fields.Many2one(
        "account.account",
        string="Refund Interest Expense Account",
        check_company=True,
        help="Debited with the interest paid with a refund (法释〔2025〕4号 arts. 15-17), never the stored-value "
        "liability.",
    )
    clinic_refund_due_days = fields.Integer(
        string="Refund Deadline (days)",
        default=15,
        help="Days to pay a refund that is not a cooling-off refund (those are due in 5 days).",
    )
    clinic_refund_fee_cap_percent = fields.Float(
        string="Maximum Refund Fee (%)",
        default=20.0,
        help="No contract clause can charge more than this percent of the unused principal on a refund.",
    )

    def _clinic_setup_stored_value_accounting(self):
        """Create the Stored Value journal and accounts a company with a chart still lacks."""
        for company in self.filtered("chart_template").sudo():
            company_env = company.with_company(company)
            vals = {}
            for spec in STORED_VALUE_ACCOUNTS:
                if not company[spec[0]]:
                    vals[spec[0]] = company_env._clinic_create_account(spec).id
            if not company.clinic_stored_value_journal_id:
                vals["clinic_stored_value_journal_id"] = company_env._clinic_create_journal().id
            if vals:
                company.write(vals)
            company_env._clinic_name_cash_journals()

    def _clinic_create_account(self, spec):
        _fname, cn_ref, fallback_type, code, name_en, name_zh, account_type = spec
        Account = self.env["account.account"].with_company(self)
        parent = self.env["account.chart.template"].with_company(self).ref(cn_ref, raise_if_not_found=False)
        if not parent:
            parent = Account.search(
                [*Account._check_company_domain(self), ("account_type", "=", fallback_type)],
                order="code",
                limit=1,
            )
        start_code = parent.code or code
        account = Account.create(
            {
                "name": name_en,
                "code": Account._search_new_account_code(start_code),
                "account_type": account_type,
                "reconcile": account_type == "liability_current",
                "company_ids": [(6, 0, self.ids)],
            }
        )
        if self._clinic_lang_installed("zh_CN"):
            account.update_field_translations("name", {"zh_CN": name_zh})
        return account

    def _clinic_name_cash_journals(self):
        """The chart's cash journal is 现金 at a Chinese desk (Odoo's chart names it in English only)."""
        if not self._clinic_lang_installed("zh_CN"):
            return
        journals = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(self), ("type", "=", "cash")]
        )
        for journal in journals:
            if journal.with_context(lang="zh_CN").name in ("Cash", "Cash on Hand"):
                journal.update_field_translations("name", {"zh_CN": "现金"})

    def _clinic_lang_installed(self, code):
        return code in dict(self.env["res.lang"].get_installed())

    def _clinic_create_journal(self):
        Journal = self.env["account.journal"].with_company(self)
        code = "SV"
        used = set(Journal.search([*Journal._check_company_domain(self)]).mapped("code"))
        suffix = 1
        while code in used:
            suffix += 1
            code = f"SV{suffix}"
        journal = Journal.create(
            {
                "name": "Stored Value",
                "code": code,
                "type": "general",
                "company_id": self.id,
                "show_on_dashboard": False,
            }
        )
        if self._clinic_lang_installed("zh_CN"):
            journal.update_field_translations("name", {"zh_CN": "储值"})
        return journal

    def _clinic_default_money_journal(self):
        """The bank (else cash) journal a top-up is paid into and a refund is paid from by default."""
        self.ensure_one()
        return self.env["account.journal"].search(
            [("company_id", "=", self.id), ("type", "in", ("bank", "cash"))], order="type, sequence, id", limit=1
        )

    def _clinic_check_stored_value_accounting(self):
        self.ensure_one()
        missing = [fname for fname, *_rest in STORED_VALUE_ACCOUNTS if not self[fname]]
        if missing or not self.clinic_stored_value_journal_id:
            raise UserError(
                self.env._(
                    "The stored value accounting of %s is not configured: set its journal and accounts "
                    "in Settings (Accounting > Stored Value).",
                    self.name,
                )
            )
