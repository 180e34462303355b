"""Benchmark of the periodic tier evaluation (prints figures; asserts results, never times).

CLINIC_BENCH_MEMBERS / CLINIC_BENCH_INVOICES change the size (default 20,000 / 200,000 in CI; the
issue's figures are at 100,000 / 1,000,000, and 1,000,000 members on demand);
CLINIC_BENCH_NAIVE_SAMPLE the number of members the naive ORM loop is timed on.
"""

import os
import time

from figures import record_figure

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

MEMBERS = int(os.environ.get("CLINIC_BENCH_MEMBERS", "20000"))
INVOICES = int(os.environ.get("CLINIC_BENCH_INVOICES", "200000"))
NAIVE_SAMPLE = int(os.environ.get("CLINIC_BENCH_NAIVE_SAMPLE", "60"))


def tier_for_spend(tiers, spend):
    """The highest of ``tiers`` (ordered upwards) that ``spend`` reaches, never below the first: the
    naive loop's own rule, as the SQL evaluation applies it."""
    reached = [tier for tier in tiers if spend >= tier.min_spend - tier.currency_id.rounding / 2]
    return reached[-1] if reached else tiers[:1]


@tagged("post_install", "-at_install")
class TestBenchTierEvaluation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"clinic_spend_window": "rolling_12", "clinic_upgrade_mail": False})
        cls.tiers = cls.env["clinic.membership.tier"]._tiers_by_company(cls.company)
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        t0 = time.perf_counter()
        cls.first_id = cls._insert_members()
        cls._insert_invoices()
        cls._place_members_in_their_tiers()
        cls.env.cr.execute("ANALYZE res_partner; ANALYZE account_move")
        cls.load_seconds = time.perf_counter() - t0

    @classmethod
    def _insert_members(cls):
        cls.env.cr.execute(
            SQL(
                """
                INSERT INTO res_partner (name, active, autopost_bills, type, is_member, member_company_id,
                                         member_number, member_since, tier_id, qualifying_spend)
                SELECT 'Bench member ' || g, TRUE, 'ask', 'contact', TRUE, %(company)s,
                       'BENCH' || g, CURRENT_DATE - mod(g, 1000)::int, %(entry)s, 0
                  FROM generate_series(1, %(n)s) g
             RETURNING id
                """,
                company=cls.company.id,
                entry=cls.tiers[0].id,
                n=MEMBERS,
            )
        )
        ids = [row[0] for row in cls.env.cr.fetchall()]
        cls.env.cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", ids))
        return min(ids)

    @classmethod
    def _insert_invoices(cls):
        # one credit note in ten; dates over two years. Invoice g belongs to member m = g * 7919 mod M,
        # its k-th (k = g / M); amount and date follow m and k, never g alone, so that every tier gets
        # its share of the members at any size (CI's and a chain's)
        cls.env.cr.execute(
            SQL(
                """
                INSERT INTO account_move (name, journal_id, currency_id, company_id, state, move_type, auto_post,
                                          date, invoice_date, partner_id, commercial_partner_id,
                                          amount_untaxed_signed, amount_total_signed)
                SELECT 'BENCH/' || g, %(journal)s, %(currency)s, %(company)s, 'posted',
                       CASE WHEN mod(g, 10) = 0 THEN 'out_refund' ELSE 'out_invoice' END, 'no',
                       CURRENT_DATE - mod(mod(g * 7919, %(members)s) * 37 + 7300 - (g / %(members)s) * 10, 730)::int,
                       CURRENT_DATE - mod(mod(g * 7919, %(members)s) * 37 + 7300 - (g / %(members)s) * 10, 730)::int,
                       (%(first)s + mod(g * 7919, %(members)s))::int, (%(first)s + mod(g * 7919, %(members)s))::int,
                       (CASE WHEN mod(g, 10) = 0 THEN -1 ELSE 1 END)
                           * (mod(mod(g * 7919, %(members)s) * 104729, 4000) + 100)
                           * (1 + mod(mod(g * 7919, %(members)s), 7)),
                       0
                  FROM generate_series(1::bigint, %(n)s::bigint) g
                """,
                journal=cls.journal.id,
                currency=cls.company.currency_id.id,
                company=cls.company.id,
                first=cls.first_id,
                members=MEMBERS,
                n=INVOICES,
            )
        )

    @classmethod
    def _place_members_in_their_tiers(cls):
        """The state a running clinic is in before a nightly evaluation: everyone in the right tier."""
        date_from = cls.company._clinic_spend_window_start(fields.Date.context_today(cls.env.user))
        cls.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET qualifying_spend = s.spend,
                       tier_id = (SELECT t.id FROM clinic_membership_tier t
                                   WHERE t.company_id = %(company)s AND t.active AND t.min_spend <= s.spend
                                ORDER BY t.min_spend DESC LIMIT 1)
                  FROM (SELECT commercial_partner_id AS partner_id, SUM(amount_untaxed_signed) AS spend
                          FROM account_move
                         WHERE starts_with(name, 'BENCH/') AND invoice_date >= %(date_from)s
                      GROUP BY commercial_partner_id) s
                 WHERE p.id = s.partner_id AND s.spend >= 0
                """,
                company=cls.company.id,
                date_from=date_from,
            )
        )

    def _naive_evaluation(self, partners):
        """What a per-partner ORM loop would do: search, sum, compare, write."""
        Move = self.env["account.move"]
        date_from = self.company._clinic_spend_window_start(fields.Date.context_today(self.env.user))
        for partner in partners:
            moves = Move.search(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("company_id", "=", self.company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", date_from),
                ]
            )
            spend = sum(moves.mapped("amount_untaxed_signed"))
            tier = tier_for_spend(self.tiers, spend)
            if tier != partner.tier_id or partner.qualifying_spend != spend:
                partner.sudo().with_context(clinic_tier_reason="upgrade").write(
                    {"qualifying_spend": spend, "tier_id": tier.id}
                )

    def _bare_aggregate(self, today):
        """The floor: the same spend per member summed in the server, nothing sent back."""
        date_from = self.company._clinic_spend_window_start(today)
        self.env.cr.execute(
            SQL(
                """
                SELECT count(*), SUM(s.spend)
                  FROM res_partner p
             LEFT JOIN (
                        SELECT m.commercial_partner_id AS partner_id, SUM(m.amount_untaxed_signed) AS spend
                          FROM account_move m
                         WHERE m.company_id = %(company)s AND m.state = 'posted'
                           AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date >= %(date_from)s
                      GROUP BY m.commercial_partner_id
                       ) s ON s.partner_id = p.id
                 WHERE p.is_member AND p.member_company_id = %(company)s
                """,
                company=self.company.id,
                date_from=date_from,
            )
        )
        return self.env.cr.fetchone()[0]

    @staticmethod
    def _best_of_two(run):
        """(result, seconds) of the faster of two runs: the first one also warms the caches."""
        timings = []
        for _run in range(2):
            t0 = time.perf_counter()
            result = run()
            timings.append(time.perf_counter() - t0)
        return result, min(timings)

    def test_periodic_evaluation(self):
        Partner = self.env["res.partner"]
        today = fields.Date.context_today(self.env.user)

        members_summed, sql_seconds = self._best_of_two(lambda: self._bare_aggregate(today))
        self.assertGreaterEqual(members_summed, MEMBERS)
        Tier = self.env["clinic.membership.tier"]
        steady_changes, steady_seconds = self._best_of_two(lambda: Tier._evaluate_members(self.company))

        # a nightly run where a few hundred members spent more since the last one
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET amount_untaxed_signed = amount_untaxed_signed + 50000"
                " WHERE starts_with(name, 'BENCH/') AND mod(id, 1999) = 0 AND move_type = 'out_invoice'"
            )
        )
        self.env.invalidate_all()
        t0 = time.perf_counter()
        nightly_changes = self.env["clinic.membership.tier"]._evaluate_members(self.company)
        nightly_seconds = time.perf_counter() - t0

        self.env.invalidate_all()
        sample = Partner.browse(range(self.first_id, self.first_id + NAIVE_SAMPLE))
        t0 = time.perf_counter()
        self._naive_evaluation(sample)
        naive_seconds = time.perf_counter() - t0
        naive_total = naive_seconds / NAIVE_SAMPLE * MEMBERS

        spread = dict(
            Partner._read_group(
                [("member_company_id", "=", self.company.id), ("name", "=like", "Bench member %")],
                ["tier_id"],
                ["__count"],
            )
        )
        self.assertEqual(steady_changes, 0)
        self.assertGreater(nightly_changes, 0)
        self.assertEqual(len(spread), len(self.tiers), "every tier has members")
        record_figure(
            f"Periodic tier evaluation: {MEMBERS:,} members, {INVOICES:,} invoices and credit notes",
            [
                f"bulk load of the data (SQL)              {self.load_seconds:8.2f} s",
                f"bare aggregate SQL (nothing sent back)   {sql_seconds:8.2f} s",
                f"evaluation, nothing changed              {steady_seconds:8.2f} s"
                f"  ({steady_seconds / sql_seconds:.2f}x the bare aggregate)",
                f"evaluation, {nightly_changes:,} members change tier     {nightly_seconds:8.2f} s",
                f"naive ORM loop on {NAIVE_SAMPLE:,} members             {naive_seconds:8.2f} s"
                f"  (~{naive_total:,.0f} s = {naive_total / 60:,.1f} min for all {MEMBERS:,}, extrapolated)",
                "members per tier after the run: "
                + ", ".join(f"{tier.name} {count:,}" for tier, count in spread.items()),
            ],
        )

    def test_segment_scoring(self):
        """Member segments (RFM) on the same members and invoices: one statement, only changes written."""
        Partner = self.env["res.partner"]
        today = fields.Date.context_today(self.env.user)
        _members, sql_seconds = self._best_of_two(lambda: self._bare_aggregate(today))
        t0 = time.perf_counter()
        first_changes = len(Partner._clinic_score_segments(self.company, today))
        first_seconds = time.perf_counter() - t0
        steady_changes, steady_seconds = self._best_of_two(
            lambda: len(Partner._clinic_score_segments(self.company, today))
        )
        spread = dict(
            Partner._read_group(
                [("member_company_id", "=", self.company.id), ("name", "=like", "Bench member %")],
                ["clinic_segment"],
                ["__count"],
            )
        )
        self.assertGreaterEqual(first_changes, MEMBERS)
        self.assertEqual(steady_changes, 0)
        self.assertNotIn(False, spread, "every member is scored")
        self.assertGreaterEqual(len(spread), 3, "members spread over segments")
        record_figure(
            f"Nightly member segments (RFM): {MEMBERS:,} members, {INVOICES:,} invoices and credit notes",
            [
                f"bare aggregate SQL (nothing sent back)   {sql_seconds:8.2f} s",
                f"scoring, every member written            {first_seconds:8.2f} s"
                f"  ({first_seconds / sql_seconds:.2f}x the bare aggregate)",
                f"scoring, nothing changed                 {steady_seconds:8.2f} s"
                f"  ({steady_seconds / sql_seconds:.2f}x the bare aggregate)",
                "members per segment: " + ", ".join(f"{segment} {count:,}" for segment, count in spread.items()),
            ],
        )
