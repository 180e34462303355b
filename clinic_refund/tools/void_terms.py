"""Standard terms a prepaid contract may not contain (法释〔2025〕4号 arts. 8 and 9).

Art. 9 of the Supreme People's Court's 2025 interpretation on prepaid consumption lists the
standard terms (格式条款) a court holds void; art. 8 reads an unclear term in the member's favour.
A contract template whose terms contain one of them is refused when it is saved
(``clinic.contract.template._check_void_terms``), so that no member is asked to sign it.

``VOID_CLAUSES`` is the one list of what is looked for: for each clause of art. 9, the typical
wordings of Chinese prepaid-card contracts and shop notices (and a few English ones), as regular
expressions matched on the text of the terms with its markup and spaces removed (Chinese) or
lower-cased with spaces kept single (English). Keep it short and precise: a pattern must not catch
a lawful term (the bonus not paid out in cash, 赠送金额不予兑现, is lawful: arts. 18 and 19 price it).
The messages the clinic reads are in ``clinic.contract.template._void_clause_message``.
"""

import re

from odoo.tools import html2plaintext

VOID_CLAUSES = (
    # (1) excludes the member's right to end the contract or to get her prepayment back
    (
        "refund",
        (
            r"概不退",
            r"一律不(予)?退",
            r"不退不换",
            r"恕不退",
            r"售出不退",
            r"不(予|能|可|得)?办理退款",
            r"不得(要求|申请)?退款",
            r"\bno refunds?\b(?! fee)",
            r"\bnon-refundable\b",
        ),
    ),
    # (2) forbids, or unreasonably limits, handing the contract to someone else
    (
        "transfer",
        (
            r"不得转让",
            r"禁止转让",
            r"不(可|能|予)转让",
            r"不得转赠",
            r"仅限本人使用",
            r"\bnot transferable\b",
            r"\bnon-transferable\b",
        ),
    ),
    # (3) no new card for a lost named card
    (
        "lost_card",
        (
            r"(遗失|丢失|挂失)[^。；;]{0,8}?(概|均|一律)?不(予|再|能|可|得)?补",
            r"\blost cards?\b[^.]{0,30}\bnot (be )?(replaced|reissued)\b",
        ),
    ),
    # (4) lets the clinic alone change the prices, kind, quality or quantity of the services
    (
        "unilateral",
        (
            r"有权(随时)?单方(面)?(调整|变更|修改|更改)",
            r"单方(面)?(调整|变更|修改|更改)(价格|服务|项目|次数|内容)",
            r"(本店|本机构|本院|本公司|商家)有权(随时)?(调整|变更|修改|更改)(价格|服务|项目|次数|内容)",
            r"\breserves? the right to (change|adjust|modify) (the )?(prices?|services?|treatments?)\b",
        ),
    ),
    # (5) frees the clinic from its liability for defects or for the member's losses
    (
        "liability",
        (
            r"概不负责",
            r"不承担任何(法律)?责任",
            r"\bnot (be )?(responsible|liable) for any\b",
        ),
    ),
    # art. 8 and (7): the clinic keeps for itself the final word on what the contract means
    (
        "interpretation",
        (
            r"最终解释权",
            r"\bfinal (right of )?interpretation\b",
        ),
    ),
)

_COMPILED = tuple((clause, tuple(re.compile(pattern) for pattern in patterns)) for clause, patterns in VOID_CLAUSES)


def find_void_clauses(text):
    """The void clauses ``text`` (HTML or plain) contains: (clause key, the words found), in list order."""
    if not text:
        return []
    plain = html2plaintext(text) if "<" in text else text
    chinese = re.sub(r"\s+", "", plain)
    english = re.sub(r"\s+", " ", plain).lower()
    found = []
    for clause, patterns in _COMPILED:
        for pattern in patterns:
            match = pattern.search(chinese) or pattern.search(english)
            if match:
                found.append((clause, match.group(0)))
                break
    return found
