"""The refund policy engine: what a prepaid contract refunds, line by line, and why.

A pure function of the contract's terms, its stored-value ledger, the refund reason and the
request date: no database, no clock. Rules (DESIGN.md, "Refund policy engine"):

1. Cooling-off: requested within ``cooling_off_days`` of signing (the last day included) and
   nothing consumed: the full principal, no fee.
2. Clinic at fault (treatment cancelled by the clinic, service not provided, relocation or
   closure): the unused principal, no fee, no repricing (条例 art. 22).
3. Otherwise: the unused principal; minus the list-price difference of what was consumed
   (``consumed_pricing = list``, list value and charge compared without tax); minus the bonus
   consumed (``bonus_policy = forfeit``) or re-split so that consumption took principal and
   bonus in proportion P/(P+B) (``bonus_policy = prorata``: the repriced consumption is what is
   split, so only the principal's share of the list difference is charged to the principal,
   the reading of the terms that favours the consumer, 民法典 art. 498); never below zero;
   then the fee percent of what remains, the fee capped by the legal maximum so that a
   "non-refundable" clause cannot take the unused principal below the legal floor.

Each line is rounded by the currency once, at its end.
"""

from dataclasses import dataclass, field
from datetime import date

from odoo.tools import float_compare, float_round

CLINIC_AT_FAULT = frozenset({"treatment_cancelled", "service_not_provided", "clinic_relocation_closure"})


@dataclass(frozen=True)
class ContractTerms:
    date_signed: date
    cooling_off_days: int
    refund_fee_percent: float
    bonus_policy: str  # 'forfeit' | 'prorata'
    consumed_pricing: str  # 'actual' | 'list'


@dataclass(frozen=True)
class LedgerRow:
    """One stored-value row; a reversal row carries the type of the row it reverses.

    ``list_amount`` is, for consumption, the value of the consumed services at list price
    (signed like the consumption: negative, positive for its reversal).
    """

    move_type: str
    amount_principal: float
    amount_bonus: float
    list_amount: float = 0.0


@dataclass
class RefundLine:
    code: str
    amount: float
    basis: dict = field(default_factory=dict)


@dataclass
class RefundQuote:
    rule: str  # 'cooling_off' | 'clinic_at_fault' | 'standard'
    amount_refundable: float
    fee_amount: float
    lines: list
    # Why the rule asked for did not apply: ('cooling_off_missed', {...}) when a cooling-off refund
    # was asked too late or after services were used.
    notes: list = field(default_factory=list)


def _round(amount, rounding):
    return float_round(amount, precision_rounding=rounding)


def _ledger_totals(rows):
    totals = {
        "paid": 0.0,
        "bonus_given": 0.0,
        "consumed_principal": 0.0,
        "consumed_bonus": 0.0,
        "consumed_list": 0.0,
        "balance_principal": 0.0,
    }
    for row in rows:
        totals["balance_principal"] += row.amount_principal
        if row.move_type in ("topup", "adjust"):
            # a manager's adjustment puts value in (or takes it out) like a top-up: the pro rata
            # share P / (P + B) is that of all the value the member was given
            totals["paid"] += row.amount_principal
            totals["bonus_given"] += row.amount_bonus
        elif row.move_type == "consume":
            totals["consumed_principal"] -= row.amount_principal
            totals["consumed_bonus"] -= row.amount_bonus
            totals["consumed_list"] -= row.list_amount
    return totals


def in_cooling_off(terms, request_date):
    """Day 0 is the signing day; the request is in time up to and including day N."""
    return 0 <= (request_date - terms.date_signed).days <= terms.cooling_off_days


def compute_refund(terms, rows, *, reason, request_date, rounding, fee_cap_percent=100.0):
    """The refund of a contract with ``terms`` and ledger ``rows`` (see the module docstring)."""
    totals = _ledger_totals(rows)
    consumed = totals["consumed_principal"] + totals["consumed_bonus"]
    nothing_consumed = float_compare(consumed, 0.0, precision_rounding=rounding) <= 0
    unused = _round(totals["balance_principal"], rounding)

    if in_cooling_off(terms, request_date) and nothing_consumed:
        lines = [RefundLine("cooling_off", unused, {"days": terms.cooling_off_days, "signed": terms.date_signed})]
        return RefundQuote("cooling_off", max(unused, 0.0), 0.0, lines)
    if reason in CLINIC_AT_FAULT:
        lines = [RefundLine("clinic_at_fault", unused, {"reason": reason})]
        return RefundQuote("clinic_at_fault", max(unused, 0.0), 0.0, lines)
    notes = []
    if reason == "cooling_off":
        days = (request_date - terms.date_signed).days
        notes.append(
            (
                "cooling_off_missed",
                {
                    "days": days,
                    "limit": terms.cooling_off_days,
                    "too_late": days > terms.cooling_off_days,
                    "consumed": 0.0 if nothing_consumed else _round(consumed, rounding),
                },
            )
        )

    lines = [RefundLine("unused_principal", unused, {"paid": totals["paid"]})]
    if terms.consumed_pricing == "list":
        lines += _list_price_lines(terms, totals, rounding)
    lines.append(_bonus_line(terms, totals, rounding))
    subtotal = max(_round(sum(line.amount for line in lines), rounding), 0.0)
    if float_compare(subtotal, sum(line.amount for line in lines), precision_rounding=rounding) != 0:
        lines.append(RefundLine("floor", _round(subtotal - sum(line.amount for line in lines), rounding), {}))
    fee_percent = min(terms.refund_fee_percent, fee_cap_percent)
    fee = _round(subtotal * fee_percent / 100.0, rounding)
    if fee:
        lines.append(
            RefundLine(
                "fee",
                -fee,
                {"percent": fee_percent, "base": subtotal, "capped": fee_percent < terms.refund_fee_percent},
            )
        )
    return RefundQuote("standard", _round(subtotal - fee, rounding), fee, lines, notes)


def _principal_share(totals):
    """P / (P + B): the part of each unit of stored value that was paid for."""
    paid, bonus = totals["paid"], totals["bonus_given"]
    return paid / (paid + bonus) if paid + bonus else 1.0


def _list_price_lines(terms, totals, rounding):
    """The list-price difference of what was consumed; under pro rata, the principal's share of it."""
    consumed = totals["consumed_principal"] + totals["consumed_bonus"]
    difference = max(totals["consumed_list"] - consumed, 0.0)
    if float_compare(difference, 0.0, precision_rounding=rounding) <= 0:
        return []
    basis = {"list": totals["consumed_list"], "charged": consumed, "difference": _round(difference, rounding)}
    if terms.bonus_policy == "prorata":
        share = _principal_share(totals)
        basis.update({"share": share, "paid": totals["paid"], "bonus": totals["bonus_given"]})
        return [RefundLine("list_price_prorata", -_round(difference * share, rounding), basis)]
    return [RefundLine("list_price", -_round(difference, rounding), basis)]


def _bonus_line(terms, totals, rounding):
    if terms.bonus_policy == "forfeit":
        return RefundLine(
            "bonus_forfeit",
            -_round(totals["consumed_bonus"], rounding) or 0.0,
            {"bonus_consumed": totals["consumed_bonus"]},
        )
    paid, bonus = totals["paid"], totals["bonus_given"]
    consumed = totals["consumed_principal"] + totals["consumed_bonus"]
    principal_share = _round(consumed * _principal_share(totals), rounding)
    return RefundLine(
        "bonus_prorata",
        _round(totals["consumed_principal"] - principal_share, rounding),
        {"consumed": consumed, "paid": paid, "bonus": bonus, "principal_consumed": principal_share},
    )


def quote_to_data(quote):
    """The quote as JSON-ready data (dates as ISO strings): what a request stores when it is made."""

    def plain(basis):
        return {key: value.isoformat() if isinstance(value, date) else value for key, value in basis.items()}

    return {
        "rule": quote.rule,
        "amount_refundable": quote.amount_refundable,
        "fee_amount": quote.fee_amount,
        "lines": [{"code": line.code, "amount": line.amount, "basis": plain(line.basis)} for line in quote.lines],
        "notes": [[code, plain(basis)] for code, basis in quote.notes],
    }


def quote_from_data(data):
    return RefundQuote(
        data["rule"],
        data["amount_refundable"],
        data["fee_amount"],
        [RefundLine(line["code"], line["amount"], line["basis"]) for line in data["lines"]],
        [tuple(note) for note in data.get("notes", [])],
    )
