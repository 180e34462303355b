"""Two processes run the same cron at once (several Odoo nodes, or a retry overlapping a slow run).

Each worker has its own database transaction, as two Odoo processes would; the data is committed
for real and removed afterwards. Whatever the interleaving, a campaign grants each member once and
an expired lot expires once: the second run waits on the first's row locks, then either finds the
work done or fails to serialize and leaves it to the next run.
"""

import threading
from contextlib import closing
from datetime import timedelta

from psycopg2 import errors
from wallets import superuser_env, wait_for_lock_waiter

from odoo import fields
from odoo.tests import TransactionCase, tagged

MEMBERS = 3
BONUS = 10
TIMEOUT = 60


@tagged("post_install", "-at_install")
class TestConcurrentCrons(TransactionCase):
    def setUp(self):
        super().setUp()
        self.data = self._commit_members_and_campaign()
        self.addCleanup(self._delete_committed_data)

    def _commit_members_and_campaign(self):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            paused = env["utm.campaign"].search([("clinic_campaign_type", "!=", False)])
            paused.write({"active": False})
            tier = env["clinic.membership.tier"].create(
                {"name": "并发 Concurrency", "min_spend": 9e9, "sequence": 999, "company_id": env.company.id}
            )
            members = env["res.partner"].create(
                [{"name": f"并发 Cron member {index}", "email": f"cron{index}@example.com"} for index in range(MEMBERS)]
            )
            members.write({"consent_email": True})
            members.action_enrol_member()
            members._clinic_set_tier(tier, "manual")
            today = fields.Date.context_today(env.user)
            campaign = env["utm.campaign"].create(
                {
                    "title": "并发假日 Concurrent holiday",
                    "clinic_campaign_type": "holiday",
                    "tier_ids": [(6, 0, tier.ids)],
                    "bonus_points": BONUS,
                    "date_start": today,
                    "mail_template_id": False,
                }
            )
            env["clinic.points.move"]._clinic_record(
                [
                    {
                        "partner_id": member.id,
                        "move_type": "earn",
                        "points": 50,
                        "date": today - timedelta(days=800),
                        "expiry_date": today - timedelta(days=1),
                        "source_ref": "expired lot",
                    }
                    for member in members
                ]
            )
            cr.commit()
            return {"paused": paused.ids, "tier": tier.id, "members": members.ids, "campaign": campaign.id}

    def _delete_committed_data(self):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            members = tuple(self.data["members"])
            cr.execute("DELETE FROM clinic_campaign_grant WHERE partner_id IN %s", [members])
            cr.execute(
                "DELETE FROM clinic_points_allocation WHERE move_id IN (SELECT id FROM clinic_points_move "
                "WHERE partner_id IN %s) OR lot_id IN (SELECT id FROM clinic_points_move WHERE partner_id IN %s)",
                [members, members],
            )
            cr.execute("DELETE FROM clinic_points_move WHERE partner_id IN %s", [members])
            cr.execute("DELETE FROM clinic_tier_change WHERE partner_id IN %s", [members])
            env["utm.campaign"].browse(self.data["campaign"]).unlink()
            env["mailing.contact"].search([("clinic_partner_id", "in", members)]).unlink()
            env["mail.mail"].search([("recipient_ids", "in", members)]).unlink()
            env.invalidate_all()
            env["res.partner"].browse(members).unlink()
            cr.execute("DELETE FROM clinic_membership_tier WHERE id = %s", [self.data["tier"]])
            env["utm.campaign"].browse(self.data["paused"]).write({"active": True})
            cr.commit()

    def _run_twice_at_once(self, job):
        """Run ``job(env)`` in two transactions started together; returns each one's outcome."""
        start, outcomes = threading.Barrier(2), []

        def worker():
            with closing(self.registry.cursor()) as cr:
                start.wait(TIMEOUT)
                try:
                    job(superuser_env(cr))
                    cr.commit()
                    outcomes.append("done")
                except errors.SerializationFailure:
                    cr.rollback()
                    outcomes.append("serialization failure: left to the next run")

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
        return outcomes

    def _count(self, sql, params):
        with closing(self.registry.cursor()) as cr:
            cr.execute(sql, params)
            return cr.fetchone()[0]

    def test_a_campaign_run_twice_at_once_grants_once(self):
        outcomes = self._run_twice_at_once(lambda env: env["utm.campaign"]._cron_clinic_automations())
        self.assertEqual(len(outcomes), 2)
        self.assertIn("done", outcomes)
        grants = self._count(
            "SELECT count(*) FROM clinic_campaign_grant WHERE campaign_id = %s", [self.data["campaign"]]
        )
        points = self._count(
            "SELECT COALESCE(SUM(points), 0) FROM clinic_points_move WHERE campaign_id = %s", [self.data["campaign"]]
        )
        self.assertEqual((grants, points), (MEMBERS, MEMBERS * BONUS))
        # and the next run, after both, grants nothing more
        self._run_twice_at_once(lambda env: env["utm.campaign"]._cron_clinic_automations())
        self.assertEqual(
            self._count("SELECT count(*) FROM clinic_campaign_grant WHERE campaign_id = %s", [self.data["campaign"]]),
            MEMBERS,
        )

    def test_points_expiry_run_twice_at_once_expires_once(self):
        outcomes = self._run_twice_at_once(lambda env: env["clinic.points.move"]._cron_expire_points())
        self.assertIn("done", outcomes)
        expired = self._count(
            "SELECT COALESCE(SUM(points), 0) FROM clinic_points_move WHERE move_type = 'expire' AND partner_id IN %s",
            [tuple(self.data["members"])],
        )
        self.assertEqual(expired, -50 * MEMBERS)

    def test_a_campaign_run_meeting_a_member_being_served_retries_its_chunk(self):
        """The front desk updates a member while the daily automations grant her: the cron's chunk
        fails to serialize, is rolled back and granted again on fresh data, and the run goes on."""
        busy_member = self.data["members"][1]
        desk_holds, release_desk, outcomes = threading.Event(), threading.Event(), []

        def front_desk():
            with closing(self.registry.cursor()) as cr:
                env = superuser_env(cr)
                env["res.partner"].browse(busy_member).write({"phone": "138 0013 8000"})
                env.flush_all()
                desk_holds.set()
                release_desk.wait(TIMEOUT)
                cr.commit()

        def cron_run():
            with closing(self.registry.cursor()) as cr:
                env = superuser_env(cr)
                cron = env.ref("clinic_campaign.ir_cron_campaign_automations")
                progress = env["ir.cron.progress"].create({"cron_id": cron.id})
                cr.commit()
                try:
                    env["utm.campaign"].with_context(ir_cron_progress_id=progress.id)._cron_clinic_automations()
                    cr.commit()
                    outcomes.append("done")
                except errors.SerializationFailure:
                    cr.rollback()
                    outcomes.append("the run gave up")
                progress.unlink()
                cr.commit()

        desk = threading.Thread(target=front_desk)
        desk.start()
        self.assertTrue(desk_holds.wait(TIMEOUT))
        run = threading.Thread(target=cron_run)
        run.start()
        self.assertTrue(
            wait_for_lock_waiter(self.registry, "%res_partner%FOR NO KEY UPDATE%", TIMEOUT),
            "the cron waits on the member the desk is updating",
        )
        release_desk.set()
        desk.join(TIMEOUT)
        run.join(TIMEOUT)
        self.assertEqual(outcomes, ["done"])
        campaign = self.data["campaign"]
        self.assertEqual(
            self._count("SELECT count(*) FROM clinic_campaign_grant WHERE campaign_id = %s", [campaign]), MEMBERS
        )
        self.assertEqual(
            self._count("SELECT COALESCE(SUM(points), 0) FROM clinic_points_move WHERE campaign_id = %s", [campaign]),
            MEMBERS * BONUS,
        )
        self.assertEqual(self._count("SELECT phone FROM res_partner WHERE id = %s", [busy_member]), "138 0013 8000")
