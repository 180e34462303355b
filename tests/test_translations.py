"""Every user-facing string of the clinic addons is translated in their i18n/zh_CN.po."""

from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("clinic_membership", "clinic_refund", "clinic_campaign")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_is_translated_in_zh_cn(self):
        missing = {}
        for addon in ADDONS:
            po = polib.pofile(str(ROOT / addon / "i18n" / "zh_CN.po"))
            translated = {
                entry.msgid for entry in po if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
            }
            terms = {
                source
                for _module, _type, _name, _res_id, source, _value, _comments in TranslationModuleReader(
                    self.env.cr, modules=[addon]
                )
                if source.strip()
            }
            untranslated = sorted(terms - translated)
            if untranslated:
                missing[addon] = untranslated
        self.assertFalse(
            missing,
            "Untranslated terms (run ./clinic i18n, then translate them in i18n/zh_CN.po):\n"
            + "\n".join(f"{addon}: {terms}" for addon, terms in missing.items()),
        )
