"""Members with committed stored value, for tests whose workers cannot see a test transaction.

``commit_wallets`` creates and commits members, each with a signed, active, topped-up contract
and posted invoices to pay; ``delete_wallets`` removes everything they and the workers created.
"""

import threading
import time
from contextlib import closing

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError


def superuser_env(cr):
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


def commit_wallets(registry, count, principal, invoice_amounts, name="并发测试会员 Concurrency member"):
    with closing(registry.cursor()) as cr:
        env = superuser_env(cr)
        company = env.ref("base.main_company")
        company._clinic_setup_stored_value_accounting()
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        bank = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        partners = env["res.partner"].create([{"name": f"{name} {index + 1}"} for index in range(count)])
        contracts = env["clinic.prepaid.contract"].create(
            [{"partner_id": partner.id, "amount_principal": principal, "amount_bonus": 0.0} for partner in partners]
        )
        for contract in contracts:
            contract._set_signed_document(
                b"%PDF-1.4 signed", "signed.pdf", contract.partner_id.name, fields.Date.today(), "paper"
            )
        contracts.action_activate()
        for contract in contracts:
            env["clinic.stored.value.topup"].create(
                {"contract_id": contract.id, "journal_id": bank.id}
            ).action_confirm()
        invoices = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Treatment", "price_unit": amount, "tax_ids": [Command.clear()]})
                    ],
                }
                for partner in partners
                for amount in invoice_amounts
            ]
        )
        invoices.action_post()
        cr.commit()
        return {
            "company": company.id,
            "partners": partners.ids,
            "contracts": contracts.ids,
            "invoices": {
                partner.id: invoices.filtered(lambda m, p=partner: m.partner_id == p).ids for partner in partners
            },
        }


def delete_wallets(registry, data):
    """Remove the committed members, their contracts, rows, payments and entries (by SQL: ledgers never delete)."""
    with closing(registry.cursor()) as cr:
        env = superuser_env(cr)
        contract_ids = tuple(data["contracts"])
        rows = env["clinic.stored.value.move"].search([("contract_id", "in", contract_ids)])
        payments = rows.payment_id
        invoice_ids = [invoice_id for ids in data["invoices"].values() for invoice_id in ids]
        moves = env["account.move"].browse(invoice_ids) | rows.account_move_id | payments.move_id
        moves |= moves.reversal_move_ids
        line_ids = tuple(moves.line_ids.ids) or (0,)
        move_ids = tuple(moves.ids) or (0,)
        cr.execute(
            "DELETE FROM account_partial_reconcile WHERE debit_move_id IN %s OR credit_move_id IN %s",
            [line_ids, line_ids],
        )
        cr.execute("UPDATE account_move_line SET full_reconcile_id = NULL WHERE id IN %s", [line_ids])
        cr.execute(
            "DELETE FROM account_full_reconcile f WHERE NOT EXISTS "
            "(SELECT 1 FROM account_move_line l WHERE l.full_reconcile_id = f.id) "
            "AND NOT EXISTS (SELECT 1 FROM account_partial_reconcile p WHERE p.full_reconcile_id = f.id)"
        )
        cr.execute("DELETE FROM clinic_stored_value_move WHERE contract_id IN %s", [contract_ids])
        delete_refund_requests(env, contract_ids)
        cr.execute("UPDATE account_move SET origin_payment_id = NULL WHERE id IN %s", [move_ids])
        if payments:
            cr.execute("DELETE FROM account_payment WHERE id IN %s", [tuple(payments.ids)])
        cr.execute("DELETE FROM account_move_line WHERE move_id IN %s", [move_ids])
        cr.execute("DELETE FROM mail_message WHERE model = 'account.move' AND res_id IN %s", [move_ids])
        cr.execute("DELETE FROM account_move WHERE id IN %s", [move_ids])
        cr.execute("DELETE FROM mail_message WHERE model = 'clinic.prepaid.contract' AND res_id IN %s", [contract_ids])
        env["ir.attachment"].search(
            [("res_model", "=", "clinic.prepaid.contract"), ("res_id", "in", contract_ids)]
        ).unlink()
        cr.execute("DELETE FROM clinic_prepaid_contract WHERE id IN %s", [contract_ids])
        env.invalidate_all()
        env["res.partner"].browse(data["partners"]).unlink()
        cr.commit()


def delete_refund_requests(env, contract_ids):
    """The refund requests of the committed contracts, with their reviews, evidence and to-dos."""
    cr = env.cr
    cr.execute("SELECT id FROM clinic_refund_request WHERE contract_id IN %s", [contract_ids])
    request_ids = tuple(row[0] for row in cr.fetchall())
    cr.execute("UPDATE clinic_prepaid_contract SET open_refund_request_id = NULL WHERE id IN %s", [contract_ids])
    if not request_ids:
        return
    cr.execute("DELETE FROM tier_review WHERE model = 'clinic.refund.request' AND res_id IN %s", [request_ids])
    cr.execute("DELETE FROM mail_activity WHERE res_model = 'clinic.refund.request' AND res_id IN %s", [request_ids])
    cr.execute("DELETE FROM mail_message WHERE model = 'clinic.refund.request' AND res_id IN %s", [request_ids])
    cr.execute("DELETE FROM clinic_refund_evidence WHERE request_id IN %s", [request_ids])
    cr.execute("DELETE FROM clinic_refund_request WHERE id IN %s", [request_ids])


def ledger_state(registry, data):
    """Per contract: balance, sum of its rows, and the GL of the liability account for its member."""
    with closing(registry.cursor()) as cr:
        env = superuser_env(cr)
        company = env["res.company"].browse(data["company"])
        report = {
            row["partner_id"]: row
            for row in env["clinic.stored.value.reconciliation"]._get_reconciliation_data(fields.Date.today(), company)
        }
        state = []
        for contract in env["clinic.prepaid.contract"].browse(data["contracts"]):
            rows = contract.move_ids
            invoices = env["account.move"].browse(data["invoices"][contract.partner_id.id])
            state.append(
                {
                    "contract": contract.id,
                    "balance": contract.balance_principal + contract.balance_bonus,
                    "rows_sum": sum(rows.mapped("amount_principal")) + sum(rows.mapped("amount_bonus")),
                    "subledger": report.get(contract.partner_id.id, {}).get("subledger", 0.0),
                    "gl": report.get(contract.partner_id.id, {}).get("gl", 0.0),
                    "overpaid": [inv.name for inv in invoices if inv.amount_residual < 0],
                    "paid": sum(inv.amount_total - inv.amount_residual for inv in invoices),
                }
            )
        return state


def wait_for_lock_waiter(registry, query_pattern, timeout):
    """Whether, within ``timeout`` seconds, a transaction waits on a row lock in a query matching
    ``query_pattern`` (SQL ILIKE): how a test knows a second worker is blocked by the first."""
    deadline = time.monotonic() + timeout
    with closing(registry.cursor()) as cr:
        while time.monotonic() < deadline:
            cr.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE %s",
                [query_pattern],
            )
            if cr.fetchone()[0]:
                return True
            cr.rollback()
            time.sleep(0.05)
    return False


WALLET_LOCK = "%clinic_prepaid_contract%FOR NO KEY UPDATE%"


def race_two_workers(registry, first, second, timeout, *, lock=WALLET_LOCK, second_waits=True):
    """Two workers on the same rows, each in its own transaction: ``first`` runs and holds its
    transaction open; ``second`` starts, waits on a row lock (a query matching ``lock``) unless told it
    does not, and goes once ``first`` commits, retried on a serialization failure as Odoo's RPC layer
    does. Each job takes a superuser environment. Returns what happened: ``first`` and ``second``
    ("done", the error raised, or "gave up"), ``first_result``/``second_result`` (what each job
    returned), ``second_tries`` and ``second_waited`` (whether the second was seen waiting)."""
    done, release, results = threading.Event(), threading.Event(), {}
    holder = threading.Thread(target=_run_held, args=(registry, first, done, release, results, timeout))
    holder.start()
    if not done.wait(timeout):
        raise AssertionError("the first worker did not finish its job")
    follower = threading.Thread(target=_run_retried, args=(registry, second, results))
    follower.start()
    if second_waits:
        results["second_waited"] = wait_for_lock_waiter(registry, lock, timeout)
    else:
        follower.join(timeout)  # it does not wait on the first: it finishes while the first still holds
        results["second_waited"] = False
    release.set()
    holder.join(timeout)
    follower.join(timeout)
    return results


def _run_held(registry, job, done, release, results, timeout):  # noqa: PLR0917
    with closing(registry.cursor()) as cr:
        try:
            results["first_result"] = job(superuser_env(cr))
            done.set()
            release.wait(timeout)
            cr.commit()
            results["first"] = "done"
        except Exception as error:  # reported by the test's assertions
            cr.rollback()
            results["first"] = error
            done.set()


def _run_retried(registry, job, results):
    results["second_tries"] = 0
    for _attempt in range(5):
        results["second_tries"] += 1
        with closing(registry.cursor()) as cr:
            try:
                results["second_result"] = job(superuser_env(cr))
                cr.commit()
                results["second"] = "done"
                return
            except errors.SerializationFailure:
                cr.rollback()
            except UserError as error:
                cr.rollback()
                results["second"] = error
                return
    results["second"] = "gave up"
