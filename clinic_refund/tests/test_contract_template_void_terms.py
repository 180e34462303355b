"""Standard terms held void by 法释〔2025〕4号 art. 9 (and art. 8) are refused on every template, in every language."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools.void_terms import VOID_CLAUSES, find_void_clauses
from .common import StoredValueCase

# clause: (a typical void wording, the article the refusal cites)
VOID_WORDINGS = {
    "refund": ("<p>本卡一经售出，<b>概不退款</b>。</p>", r"art\. 9 \(1\).*refund"),
    "transfer": ("<p>本卡不得转让，仅限本人使用。</p>", r"art\. 9 \(2\)"),
    "lost_card": ("<p>会员卡请妥善保管，遗失不补。</p>", r"art\. 9 \(3\)"),
    "unilateral": ("<p>本店有权单方调整价格及服务项目。</p>", r"art\. 9 \(4\)"),
    "liability": ("<p>治疗效果因人而异，本店概不负责。</p>", r"art\. 9 \(5\)"),
    "interpretation": ("<p>本活动最终解释权归本店所有。</p>", r"arts\. 8 and 9 \(7\)"),
}


@tagged("post_install", "-at_install")
class TestContractTemplateVoidTerms(StoredValueCase):
    def new_template(self, **vals):
        return self.env["clinic.contract.template"].with_user(self.manager).create({"name": "测试模板", **vals})

    def test_each_void_clause_is_refused_on_create_and_write(self):
        self.assertEqual(set(VOID_WORDINGS), {clause for clause, _patterns in VOID_CLAUSES}, "a test per clause")
        template = self.new_template(terms="<p>会员可随时查询储值流水。</p>")
        for clause, (terms, article) in VOID_WORDINGS.items():
            with self.subTest(clause=clause):
                with self.assertRaisesRegex(ValidationError, f"void under 法释〔2025〕4号 {article}"):
                    self.new_template(terms=terms)
                with self.assertRaisesRegex(ValidationError, article):
                    template.write({"terms": terms})
                with self.assertRaisesRegex(ValidationError, article):  # any user, any context
                    template.sudo().with_context(install_mode=True, tracking_disable=True).write({"terms": terms})
        self.assertEqual(template.terms, "<p>会员可随时查询储值流水。</p>")

    def test_variants_and_english_wordings(self):
        for text, clause in (
            ("售出后一律不予退款", "refund"),
            ("储值余额不退", None),  # not one of the listed wordings: the list stays precise
            ("卡片丢失概不补办", "lost_card"),
            ("挂失后不予补办", "lost_card"),
            ("遗失后可挂失补办，不收取费用", None),
            ("赠送金额不予兑现", None),  # lawful: the bonus is priced by arts. 18 and 19
            ("No refunds after purchase.", "refund"),
            ("There is no refund fee in the cooling-off period.", None),
            ("This card is non-transferable.", "transfer"),
            ("Lost cards will not be replaced.", "lost_card"),
            ("The clinic reserves the right to change prices at any time.", "unilateral"),
            ("The clinic holds the final interpretation of these terms.", "interpretation"),
        ):
            with self.subTest(text=text):
                self.assertEqual([found[0] for found in find_void_clauses(text)][:1], [clause] if clause else [])

    def test_a_refund_fee_of_100_percent_excludes_the_refund(self):
        with self.assertRaisesRegex(ValidationError, r"art\. 9 \(1\).*100\.0%"):
            self.new_template(refund_fee_percent=100.0)
        template = self.new_template(refund_fee_percent=20.0)
        with self.assertRaisesRegex(ValidationError, r"art\. 9 \(1\)|第九条第（一）项"):
            template.refund_fee_percent = 100.0
        self.assertEqual(template.refund_fee_percent, 20.0)

    def test_a_translation_of_the_terms_is_checked_too(self):
        template = self.new_template(terms="<p>The member may ask for a statement at any time.</p>")
        self.activate_zh_cn()
        with self.assertRaisesRegex(ValidationError, r"art\. 9 \(1\)|第九条第（一）项"):
            template.with_context(lang="zh_CN").write({"terms": "<p>本卡概不退款。</p>"})
        with self.assertRaisesRegex(ValidationError, r"art\. 9 \(2\)"):
            template.update_field_translations(
                "terms", {"zh_CN": {"The member may ask for a statement at any time.": "本卡不得转让。"}}
            )
        template.invalidate_recordset()
        self.assertNotIn("转让", template.with_context(lang="zh_CN").terms or "")

    def test_a_contracts_own_terms_are_checked_as_its_templates(self):
        contract = self.create_contract()
        with self.assertRaisesRegex(ValidationError, r"art\. 9 \(3\)"):
            contract.with_user(self.manager).write({"terms": "<p>会员卡丢失不补办。</p>"})
        with self.assertRaisesRegex(ValidationError, r"art\. 9 \(1\)|第九条第（一）项"):
            contract.with_user(self.manager).write({"refund_fee_percent": 100.0})

    def test_the_clinics_own_templates_pass_in_every_language(self):
        self.activate_zh_cn()
        templates = self.env["clinic.contract.template"].with_context(active_test=False).search([])
        self.assertTrue(templates)
        for template in templates:
            translations = template._fields["terms"]._get_stored_translations(template) or {}
            for lang, text in translations.items():
                with self.subTest(template=template.name, lang=lang):
                    self.assertEqual(find_void_clauses(text), [])
            template._check_void_terms()
